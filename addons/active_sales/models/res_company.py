from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    active_sales_new_days = fields.Integer(
        "Days a client stays new",
        default=90,
        help="A client is new for this many days after their first sale, then regular.",
    )
    active_sales_lost_days = fields.Integer(
        "Days without a sale to lose a client",
        default=180,
        help="A client who has bought nothing for this many days is lost.",
    )

    @api.constrains("active_sales_new_days", "active_sales_lost_days")
    def _check_client_status_days(self):
        for company in self:
            if company.active_sales_new_days < 1 or company.active_sales_lost_days < 1:
                raise ValidationError(
                    self.env._("A client's days as new and without a sale must be positive.")
                )
