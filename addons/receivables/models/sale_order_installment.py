from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
    )

    @api.constrains("amount")
    def _check_amount(self):
        if any(installment.amount <= 0 for installment in self):
            raise ValidationError(self.env._("An installment amount must be positive."))

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
