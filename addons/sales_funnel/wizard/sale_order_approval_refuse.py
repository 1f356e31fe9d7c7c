from odoo import fields, models


class SaleOrderApprovalRefuse(models.TransientModel):
    """The reason of a refusal: the head of sales refusing to approve a quotation, or the
    client turning down a sent one."""

    _name = "sale.order.approval.refuse"
    _description = "Quotation refusal"

    order_id = fields.Many2one("sale.order", "Quotation", required=True, ondelete="cascade")
    refused_by = fields.Selection(
        [("head", "Head of sales"), ("client", "Client")],
        required=True,
        default="head",
    )
    reason = fields.Text(required=True)

    def action_refuse(self):
        self.ensure_one()
        if self.refused_by == "client":
            self.order_id.action_refuse_by_client(self.reason)
        else:
            self.order_id.action_refuse_approval(self.reason)
        return {"type": "ir.actions.act_window_close"}
