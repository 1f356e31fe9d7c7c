from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # Reconciling and unreconciling create and delete partials: the only two places that
    # see a payment arrive and leave (reversed, unreconciled, deleted).

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._schedule_deal_sync()
        return partials

    def unlink(self):
        self._schedule_deal_sync()
        return super().unlink()

    def _schedule_deal_sync(self):
        moves = (self.debit_move_id | self.credit_move_id).move_id
        self.env["crm.lead"]._schedule_document_sync(moves=moves)
