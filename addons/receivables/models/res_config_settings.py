from odoo import fields
from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aging_limit_1 = fields.Integer(related="company_id.aging_limit_1", readonly=False)
    aging_limit_2 = fields.Integer(related="company_id.aging_limit_2", readonly=False)
    aging_limit_3 = fields.Integer(related="company_id.aging_limit_3", readonly=False)
