from odoo import models
from odoo.tools.sql import index_exists


class AccountMove(models.Model):
    _inherit = "account.move"

    def init(self):
        result = super().init()
        # A client's sales, read each time one of their invoices is posted and for every
        # client each night: from this index alone, not from the journal entries' rows.
        self.env.cr.execute("DROP INDEX IF EXISTS account_move_client_sales")
        # What each client still owes, for the client base reports: from this index alone.
        if not index_exists(self.env.cr, "account_move_client_unpaid"):
            self.env.cr.execute(
                """CREATE INDEX account_move_client_unpaid
                       ON account_move (commercial_partner_id)
                       INCLUDE (company_id, amount_residual_signed)
                    WHERE move_type IN ('out_invoice', 'out_refund') AND state = 'posted'
                      AND payment_state IN ('not_paid', 'partial')"""
            )
        if not index_exists(self.env.cr, "account_move_client_sale_dates"):
            self.env.cr.execute(
                """CREATE INDEX account_move_client_sale_dates
                       ON account_move (commercial_partner_id, invoice_date)
                       INCLUDE (id, amount_total_signed)
                    WHERE move_type = 'out_invoice' AND state = 'posted'"""
            )
        # Each client's revenue of the last twelve months, ranked every night: from this
        # index alone, in the order of the clients (summed as read, nothing hashed).
        if not index_exists(self.env.cr, "account_move_client_revenue"):
            self.env.cr.execute(
                """CREATE INDEX account_move_client_revenue
                       ON account_move (company_id, commercial_partner_id)
                       INCLUDE (invoice_date, amount_untaxed_signed)
                    WHERE move_type IN ('out_invoice', 'out_refund') AND state = 'posted'"""
            )
        return result

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
        clients = self.filtered(lambda move: move.is_sale_document()).commercial_partner_id
        clients._serialise_client_decisions()
        clients.sudo()._recompute_client_status()
