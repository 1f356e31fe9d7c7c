from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    active_sales_new_days = fields.Integer(
        related="company_id.active_sales_new_days", readonly=False
    )
    active_sales_lost_days = fields.Integer(
        related="company_id.active_sales_lost_days", readonly=False
    )
    active_sales_abc_a_share = fields.Integer(
        related="company_id.active_sales_abc_a_share", readonly=False
    )
    active_sales_abc_b_share = fields.Integer(
        related="company_id.active_sales_abc_b_share", readonly=False
    )
    active_sales_contact_days_a = fields.Integer(
        related="company_id.active_sales_contact_days_a", readonly=False
    )
    active_sales_contact_days_b = fields.Integer(
        related="company_id.active_sales_contact_days_b", readonly=False
    )
    active_sales_contact_days_c = fields.Integer(
        related="company_id.active_sales_contact_days_c", readonly=False
    )
    active_sales_contact_days = fields.Integer(
        related="company_id.active_sales_contact_days", readonly=False
    )
    active_sales_max_potential_days = fields.Integer(
        related="company_id.active_sales_max_potential_days", readonly=False
    )
    active_sales_max_new_days = fields.Integer(
        related="company_id.active_sales_max_new_days", readonly=False
    )
