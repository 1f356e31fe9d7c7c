from odoo import fields, models

CLIENT_STATUSES = [
    ("potential", "Potential"),
    ("new", "New"),
    ("regular", "Regular"),
    ("lost", "Lost"),
]
STATUS_REASONS = [
    ("first_sale", "First sale"),
    ("new_period_over", "New period over"),
    ("no_sale", "No sale for too long"),
    ("sale_again", "Bought again"),
    ("sales_cancelled", "Sales cancelled or credited"),
]


class ResPartnerStatusLog(models.Model):
    """Every change of a client's status, as the rules decided it."""

    _name = "res.partner.status.log"
    _description = "Client status change"
    _order = "date desc, id desc"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    old_status = fields.Selection(CLIENT_STATUSES, string="From")
    new_status = fields.Selection(CLIENT_STATUSES, string="To", required=True)
    date = fields.Date(required=True, index=True)
    reason = fields.Selection(STATUS_REASONS, required=True)
    first_sale_date = fields.Date(help="The client's first sale when the status changed.")
    last_sale_date = fields.Date(help="The client's last sale when the status changed.")
