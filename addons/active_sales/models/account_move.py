from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._recompute_client_status()
        return posted

    def button_draft(self):
        result = super().button_draft()
        self._recompute_client_status()
        return result

    def button_cancel(self):
        result = super().button_cancel()
        self._recompute_client_status()
        return result

    def _recompute_client_status(self):
        """A customer invoice or credit note posted, reset or cancelled changes what its
        client has bought."""
        sales = self.filtered(lambda move: move.is_sale_document())
        sales.commercial_partner_id.sudo().recompute_client_status()
