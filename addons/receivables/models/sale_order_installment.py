from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount


class SaleOrderInstallment(models.Model):
    """One expected payment of an order: from its payment terms or typed by hand."""

    _name = "sale.order.installment"
    _description = "Order payment installment"
    _order = "date_due, order_id, id"
    _rec_name = "order_id"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True)
    date_due = fields.Date("Due date", required=True, index=True)
    amount = fields.Monetary(required=True, currency_field="currency_id")
    note = fields.Char()
    currency_id = fields.Many2one(related="order_id.currency_id", store=True)
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, string="Customer")
    user_id = fields.Many2one(related="order_id.user_id", store=True, string="Salesperson")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    order_state = fields.Selection(related="order_id.state", string="Order status")
    payment_state = fields.Selection(
        [("paid", "Paid"), ("partial", "Partly paid"), ("due", "Due"), ("overdue", "Overdue")],
        compute="_compute_payment_state",
        search="_search_payment_state",
    )

    @api.depends("order_id.name", "partner_id.name", "amount", "currency_id")
    def _compute_display_name(self):
        for installment in self:
            amount = format_amount(self.env, installment.amount, installment.currency_id)
            installment.display_name = (
                f"{installment.partner_id.name or ''}: {amount} ({installment.order_id.name or ''})"
            )

    @api.model_create_multi
    def create(self, vals_list):
        installments = super().create(vals_list)
        installments.order_id._serialise_schedule()
        installments.order_id._check_schedule_kept()
        return installments

    def write(self, vals):
        # An installment belongs to its order: moved to another (the access rules are
        # checked before a write, not after), it would change someone else's calendar.
        if {"order_id", "partner_id", "user_id", "company_id", "currency_id"} & vals.keys():
            raise UserError(
                self.env._("An installment stays with its order: add one to the other order.")
            )
        result = super().write(vals)
        if {"amount", "date_due"} & vals.keys():
            self.order_id._serialise_schedule()
        if "amount" in vals:
            self.order_id._check_schedule_kept()
        return result

    def unlink(self):
        orders = self.order_id
        orders._serialise_schedule()
        result = super().unlink()
        orders._check_schedule_kept()
        return result

    @api.constrains("amount")
    def _check_amount(self):
        if any(installment.amount <= 0 for installment in self):
            raise ValidationError(self.env._("An installment amount must be positive."))

    def _search_payment_state(self, operator, value):
        """Paid or not (the payment calendar hides what is paid), as the compute decides."""
        if operator not in ("=", "!=") or value != "paid":
            raise UserError(self.env._("Installments can be searched as paid or not paid only."))
        self.flush_model(["amount", "currency_id", "date_due", "order_id"])
        self.env["sale.order.line"].flush_model(["invoice_lines", "order_id"])
        self.env["account.move.line"].flush_model(["move_id"])
        self.env["account.move"].flush_model(
            ["amount_residual", "amount_total", "move_type", "state"]
        )
        paid = SQL(
            """
            SELECT installment.id
              FROM (SELECT id, order_id, currency_id,
                           SUM(amount) OVER (PARTITION BY order_id ORDER BY date_due, id) AS due
                      FROM sale_order_installment) AS installment
              JOIN res_currency currency ON currency.id = installment.currency_id
              JOIN (SELECT invoiced.order_id, SUM(move.amount_total - move.amount_residual) AS paid
                      FROM (SELECT DISTINCT sol.order_id, aml.move_id
                              FROM sale_order_line sol
                              JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                              JOIN account_move_line aml ON aml.id = rel.invoice_line_id) AS invoiced
                      JOIN account_move move ON move.id = invoiced.move_id
                     WHERE move.state = 'posted' AND move.move_type = 'out_invoice'
                  GROUP BY invoiced.order_id) AS orders ON orders.order_id = installment.order_id
             WHERE ROUND(installment.due - orders.paid, currency.decimal_places) <= 0
            """
        )
        return [("id", "in" if operator == "=" else "not in", SQL("(%s)", paid))]

    @api.depends("order_id.invoice_ids.amount_residual", "date_due", "amount")
    def _compute_payment_state(self):
        """Payments of the order's invoices cover its installments in due-date order."""
        today = fields.Date.context_today(self)
        for order in self.order_id:
            invoices = order.invoice_ids.filtered(
                lambda move: move.state == "posted" and move.move_type == "out_invoice"
            )
            paid = sum(invoices.mapped("amount_total")) - sum(invoices.mapped("amount_residual"))
            for installment in order.installment_ids.sorted(lambda i: (i.date_due, i.id)):
                covered = min(paid, installment.amount)
                paid -= covered
                if installment.currency_id.compare_amounts(covered, installment.amount) >= 0:
                    state = "paid"
                elif covered > 0:
                    state = "partial"
                else:
                    state = "overdue" if installment.date_due < today else "due"
                if installment in self:
                    installment.payment_state = state
