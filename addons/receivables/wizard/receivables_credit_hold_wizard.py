from odoo import fields, models


class ReceivablesCreditHoldWizard(models.TransientModel):
    """Confirming an order for a client on credit hold, after reading why."""

    _name = "receivables.credit.hold.wizard"
    _description = "Confirm an order despite the credit hold"

    order_ids = fields.Many2many("sale.order", string="Orders")
    message = fields.Text(readonly=True)

    def action_confirm_anyway(self):
        return self.order_ids.with_context(credit_hold_confirmed=True).action_confirm()
