from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # A line added or removed, a quantity or a price changed: a quotation changes what its
    # deal is expected to bring, a confirmed order what it must be paid and delivered.

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._schedule_deal_sync()
        return lines

    def write(self, vals):
        result = super().write(vals)
        self._schedule_deal_sync()
        return result

    def unlink(self):
        self._schedule_deal_sync()
        return super().unlink()

    def _schedule_deal_sync(self):
        live = self.sudo().order_id.filtered(lambda order: order.state != "cancel")
        if live.opportunity_id:
            self.env["crm.lead"]._schedule_document_sync(live.opportunity_id.ids)
