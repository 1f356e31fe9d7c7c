from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    proposal_max_discount = fields.Float(related="company_id.proposal_max_discount", readonly=False)
    proposal_min_margin = fields.Float(related="company_id.proposal_min_margin", readonly=False)
