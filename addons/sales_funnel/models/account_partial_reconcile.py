from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import column_exists, create_column, index_exists


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # What a payment paid, kept on the reconciliation itself: the reports of payments
    # received (per client, per salesperson) then read the period's partials alone, not two
    # journal items and two journal entries for each.
    paid_invoice_id = fields.Many2one(
        "account.move",
        string="Invoice paid",
        compute="_compute_paid_invoice_id",
        store=True,
        index="btree_not_null",
        help="The customer invoice this reconciliation pays with a payment; none when it "
        "sets a credit note or anything else against it.",
    )
    paid_client_id = fields.Many2one(
        "res.partner",
        string="Client who paid",
        related="paid_invoice_id.commercial_partner_id",
        store=True,
    )

    def _auto_init(self):
        if not column_exists(self.env.cr, self._table, "paid_invoice_id"):
            create_column(self.env.cr, self._table, "paid_invoice_id", "int4")
            create_column(self.env.cr, self._table, "paid_client_id", "int4")
            self._fill_paid_invoices()
        return super()._auto_init()

    @api.model
    def _fill_paid_invoices(self):
        """What every partial already there paid, in one statement rather than record by
        record (as ``_compute_paid_invoice_id`` decides it)."""
        self.env.cr.execute(
            """
            UPDATE account_partial_reconcile partial
               SET paid_invoice_id = invoice.id,
                   paid_client_id = invoice.commercial_partner_id
              FROM account_move_line debit, account_move invoice,
                   account_move_line credit, account_move payment
             WHERE debit.id = partial.debit_move_id AND invoice.id = debit.move_id
               AND credit.id = partial.credit_move_id AND payment.id = credit.move_id
               AND invoice.move_type = 'out_invoice' AND invoice.state = 'posted'
               AND payment.move_type = 'entry'
            """
        )

    def init(self):
        result = super().init()
        # The period's payments, from this index alone.
        if not index_exists(self.env.cr, "account_partial_reconcile_payments_received"):
            self.env.cr.execute(
                """
                CREATE INDEX account_partial_reconcile_payments_received
                    ON account_partial_reconcile (company_id, max_date)
                       INCLUDE (paid_client_id, paid_invoice_id, amount)
                 WHERE paid_invoice_id IS NOT NULL
                """
            )
        return result

    @api.depends("debit_move_id", "credit_move_id")
    def _compute_paid_invoice_id(self):
        for partial in self:
            invoice = partial.debit_move_id.move_id
            payment = partial.credit_move_id.move_id
            pays = (
                invoice.move_type == "out_invoice"
                and invoice.state == "posted"
                and payment.move_type == "entry"
            )
            partial.paid_invoice_id = invoice if pays else False

    # Reconciling and unreconciling create and delete partials: the only two places that
    # see a payment arrive and leave (reversed, unreconciled, deleted).

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._schedule_deal_sync()
        return partials

    def write(self, vals):
        if not self.env.su and {"paid_invoice_id", "paid_client_id"} & vals.keys():
            raise UserError(
                self.env._(
                    "What a reconciliation paid follows its journal items; it cannot be set."
                )
            )
        return super().write(vals)

    def unlink(self):
        self._schedule_deal_sync()
        return super().unlink()

    def _schedule_deal_sync(self):
        moves = (self.debit_move_id | self.credit_move_id).move_id
        self.env["crm.lead"]._schedule_document_sync(moves=moves)
