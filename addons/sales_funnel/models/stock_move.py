from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    # A reservation is no picking's validation: the deal's reservation state follows the
    # moves themselves. Reserving (by hand, or when a receipt brings the goods waiting moves
    # need) goes through _action_assign; every other change of what a move holds
    # (unreserving, cancelling, detailed operations edited by hand) ends in _recompute_state.

    def _action_assign(self, force_qty=False):
        result = super()._action_assign(force_qty=force_qty)
        self._schedule_deal_sync()
        return result

    def _recompute_state(self):
        result = super()._recompute_state()
        self._schedule_deal_sync()
        return result

    def _schedule_deal_sync(self):
        # Warehouse staff have no CRM rights: read the deals as the engine.
        deals = self.sudo().filtered("sale_line_id").sale_line_id.order_id.opportunity_id
        if deals:
            self.env["crm.lead"]._schedule_document_sync(deals.ids)
