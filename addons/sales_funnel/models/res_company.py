from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    proposal_max_discount = fields.Float(
        "Discount without approval (%)",
        default=10.0,
        help="A quotation with a line discounted more than this needs the approval of the "
        "head of sales before it is sent or confirmed.",
    )
    proposal_min_margin = fields.Float(
        "Margin without approval (%)",
        default=0.0,
        help="A quotation whose margin is below this needs the approval of the head of sales "
        "before it is sent or confirmed; 0 does not check the margin.",
    )

    @api.constrains("proposal_max_discount", "proposal_min_margin")
    def _check_proposal_thresholds(self):
        for company in self:
            if not 0 <= company.proposal_max_discount <= 100:
                raise ValidationError(
                    self.env._("The discount allowed without approval is between 0% and 100%.")
                )
            if not 0 <= company.proposal_min_margin <= 100:
                raise ValidationError(
                    self.env._("The margin required without approval is between 0% and 100%.")
                )
