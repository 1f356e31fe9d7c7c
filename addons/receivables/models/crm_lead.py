from odoo import fields, models

from .sale_order import DEBT_READERS


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # The salesperson sees the client's debt before negotiating a new order.
    receivable_open_amount = fields.Monetary(
        related="partner_id.commercial_partner_id.receivable_open_amount",
        compute_sudo=False,
        groups=DEBT_READERS,
        string="Client owes",
        currency_field="company_currency",
    )
    receivable_overdue_amount = fields.Monetary(
        related="partner_id.commercial_partner_id.receivable_overdue_amount",
        compute_sudo=False,
        groups=DEBT_READERS,
        string="Client overdue",
        currency_field="company_currency",
    )
    receivable_max_days_overdue = fields.Integer(
        related="partner_id.commercial_partner_id.receivable_max_days_overdue",
        compute_sudo=False,
        groups=DEBT_READERS,
    )

    def action_view_open_receivables(self):
        self.ensure_one()
        return self.partner_id.action_view_open_receivables()
