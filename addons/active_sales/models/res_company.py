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

    active_sales_max_potential_days = fields.Integer(
        "Days a salesperson may hold a potential client",
        default=90,
        help="A client who has bought nothing this long after their salesperson got them is "
        "proposed for reassignment to the head of sales.",
    )
    active_sales_max_new_days = fields.Integer(
        "Days a hunter may hold a new client",
        default=60,
        help="A new client still with the salesperson who found them this long after the "
        "first sale is proposed for the handover to their farmer; a regular one at once.",
    )

    active_sales_abc_a_share = fields.Integer(
        "Revenue share of A clients (%)",
        default=80,
        help="The clients who bring this share of the last twelve months' revenue, the "
        "biggest first, are A clients.",
    )
    active_sales_abc_b_share = fields.Integer(
        "Revenue share of B clients (%)",
        default=15,
        help="The clients who bring the next share of the revenue are B clients; the rest C.",
    )

    active_sales_contact_days_a = fields.Integer(
        "Contact norm of A clients (days)", default=7,
        help="Days between two contacts with an A client, unless the client has its own.",
    )  # fmt: skip
    active_sales_contact_days_b = fields.Integer(
        "Contact norm of B clients (days)", default=14,
        help="Days between two contacts with a B client, unless the client has its own.",
    )  # fmt: skip
    active_sales_contact_days_c = fields.Integer(
        "Contact norm of C clients (days)", default=30,
        help="Days between two contacts with a C client, unless the client has its own.",
    )  # fmt: skip
    active_sales_contact_days = fields.Integer(
        "Contact norm of other clients (days)",
        default=30,
        help="Days between two contacts with a client who has no ABC class yet (a potential "
        "client), unless the client has its own.",
    )

    @api.constrains(
        "active_sales_contact_days_a",
        "active_sales_contact_days_b",
        "active_sales_contact_days_c",
        "active_sales_contact_days",
    )
    def _check_contact_norms(self):
        for company in self:
            norms = (
                company.active_sales_contact_days_a,
                company.active_sales_contact_days_b,
                company.active_sales_contact_days_c,
                company.active_sales_contact_days,
            )
            if min(norms) < 1:
                raise ValidationError(self.env._("A contact norm is at least one day."))

    @api.constrains("active_sales_abc_a_share", "active_sales_abc_b_share")
    def _check_abc_shares(self):
        for company in self:
            a_share, b_share = company.active_sales_abc_a_share, company.active_sales_abc_b_share
            if a_share <= 0 or b_share < 0 or a_share + b_share > 100:
                raise ValidationError(
                    self.env._(
                        "The revenue shares of A and B clients must be positive and add up to "
                        "100% at most."
                    )
                )

    @api.constrains(
        "active_sales_new_days",
        "active_sales_lost_days",
        "active_sales_max_potential_days",
        "active_sales_max_new_days",
    )
    def _check_client_status_days(self):
        for company in self:
            days = (
                company.active_sales_new_days,
                company.active_sales_lost_days,
                company.active_sales_max_potential_days,
                company.active_sales_max_new_days,
            )
            if min(days) < 1:
                raise ValidationError(
                    self.env._(
                        "A client's days as new, without a sale and with one salesperson "
                        "must be positive."
                    )
                )
