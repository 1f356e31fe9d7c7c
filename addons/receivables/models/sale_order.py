from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_hold_message = fields.Char(compute="_compute_credit_hold_message")
    installment_ids = fields.One2many(
        "sale.order.installment", "order_id", string="Payment schedule", copy=False
    )
    receivable_overdue_amount = fields.Monetary(
        related="partner_id.commercial_partner_id.receivable_overdue_amount",
        string="Client overdue",
    )
    receivable_open_amount = fields.Monetary(
        related="partner_id.commercial_partner_id.receivable_open_amount", string="Client owes"
    )
    receivable_max_days_overdue = fields.Integer(
        related="partner_id.commercial_partner_id.receivable_max_days_overdue"
    )

    def _compute_credit_hold_message(self):
        for order in self:
            held = order.state in ("draft", "sent") and order.partner_id
            order.credit_hold_message = held and order.partner_id._credit_hold_message()

    def action_confirm(self):
        self._check_installments_total()
        held = {order: order.partner_id._credit_hold_message() for order in self}
        held = {order: message for order, message in held.items() if message}
        if held and not self.env.context.get("credit_hold_confirmed"):
            return self._credit_hold_stop(held)
        for order, message in held.items():
            order._credit_hold_log(message)
        return super().action_confirm()

    def _credit_hold_stop(self, held):
        """Refuse (block mode) or ask for a confirmation (warn mode, or an override)."""
        message = "\n".join(held.values())
        self._check_credit_hold_override(message)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit hold"),
            "res_model": "receivables.credit.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids, "default_message": message},
        }

    def _check_credit_hold_override(self, message):
        """In block mode only members of "Credit hold override" may go on."""
        if self.env.company.credit_hold_mode == "block" and not self.env.user.has_group(
            "receivables.group_credit_hold_override"
        ):
            raise UserError(
                self.env._(
                    "Credit hold: the order cannot be confirmed.\n%(reasons)s", reasons=message
                )
            )

    def _credit_hold_log(self, message):
        self._check_credit_hold_override(message)
        if self.env.company.credit_hold_mode == "block":
            note = self.env._("Credit hold overridden by %(user)s.", user=self.env.user.name)
        else:
            note = self.env._(
                "Confirmed by %(user)s despite the credit hold warning.", user=self.env.user.name
            )
        self.message_post(body=Markup("<p>%s</p><p>%s</p>") % (note, message))

    def action_view_open_receivables(self):
        self.ensure_one()
        return self.partner_id.action_view_open_receivables()

    # ------------------------------------------------------------
    # Payment schedule
    # ------------------------------------------------------------

    def _installment_values_from_terms(self):
        """Installments from the payment terms (one due on the order date without terms)."""
        self.ensure_one()
        date_ref = fields.Date.to_date(self.date_order) or fields.Date.context_today(self)
        if not self.payment_term_id:
            return [{"order_id": self.id, "date_due": date_ref, "amount": self.amount_total}]
        terms = self.payment_term_id._compute_terms(
            date_ref,
            self.currency_id,
            self.company_id,
            self.amount_tax,
            self.amount_tax,
            1,
            self.amount_untaxed,
            self.amount_untaxed,
        )
        return [
            {"order_id": self.id, "date_due": line["date"], "amount": line["foreign_amount"]}
            for line in terms["line_ids"]
            if self.currency_id.compare_amounts(line["foreign_amount"], 0) > 0
        ]

    def action_compute_installments(self):
        for order in self:
            order.installment_ids.unlink()
            self.env["sale.order.installment"].create(order._installment_values_from_terms())
        return True

    def _check_installments_total(self):
        for order in self.filtered("installment_ids"):
            total = sum(order.installment_ids.mapped("amount"))
            if order.currency_id.compare_amounts(total, order.amount_total):
                raise UserError(
                    self.env._(
                        "The installments of %(order)s add up to %(installments)s, the order total is %(total)s.",
                        order=order.name,
                        installments=format_amount(self.env, total, order.currency_id),
                        total=format_amount(self.env, order.amount_total, order.currency_id),
                    )
                )

    def _action_confirm(self):
        result = super()._action_confirm()
        # Orders worth nothing (or less: returns, corrections) expect no receipt.
        self.filtered(
            lambda order: (
                not order.installment_ids
                and order.currency_id.compare_amounts(order.amount_total, 0) > 0
            )
        ).action_compute_installments()
        return result
