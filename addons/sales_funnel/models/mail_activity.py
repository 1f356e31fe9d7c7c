from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    scenario_step_id = fields.Many2one(
        "crm.scenario.step",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The scenario step that planned this activity: it is done when the deal leaves "
        "the step.",
    )
