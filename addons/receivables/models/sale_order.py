from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_hold_message = fields.Char(compute="_compute_credit_hold_message")
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
        held = {order: order.partner_id._credit_hold_message() for order in self}
        held = {order: message for order, message in held.items() if message}
        if held and not self.env.context.get("credit_hold_confirmed"):
            return self._credit_hold_stop(held)
        for order, message in held.items():
            order._credit_hold_log(message)
        return super().action_confirm()

    def _credit_hold_stop(self, held):
        """Refuse (block mode) or ask for a confirmation (warn mode, or an override)."""
        can_override = self.env.user.has_group("receivables.group_credit_hold_override")
        message = "\n".join(held.values())
        if self.env.company.credit_hold_mode == "block" and not can_override:
            raise UserError(
                self.env._(
                    "Credit hold: the order cannot be confirmed.\n%(reasons)s", reasons=message
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit hold"),
            "res_model": "receivables.credit.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids, "default_message": message},
        }

    def _credit_hold_log(self, message):
        if self.env.company.credit_hold_mode == "block":
            if not self.env.user.has_group("receivables.group_credit_hold_override"):
                raise UserError(
                    self.env._(
                        "Credit hold: the order cannot be confirmed.\n%(reasons)s", reasons=message
                    )
                )
            note = self.env._("Credit hold overridden by %(user)s.", user=self.env.user.name)
        else:
            note = self.env._(
                "Confirmed by %(user)s despite the credit hold warning.", user=self.env.user.name
            )
        self.message_post(body=Markup("<p>%s</p><p>%s</p>") % (note, message))

    def action_view_open_receivables(self):
        self.ensure_one()
        return self.partner_id.action_view_open_receivables()
