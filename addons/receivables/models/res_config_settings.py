from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aging_limit_1 = fields.Integer(related="company_id.aging_limit_1", readonly=False)
    aging_limit_2 = fields.Integer(related="company_id.aging_limit_2", readonly=False)
    aging_limit_3 = fields.Integer(related="company_id.aging_limit_3", readonly=False)
    credit_hold_days = fields.Integer(related="company_id.credit_hold_days", readonly=False)
    credit_hold_amount = fields.Monetary(related="company_id.credit_hold_amount", readonly=False)
    credit_hold_mode = fields.Selection(related="company_id.credit_hold_mode", readonly=False)
