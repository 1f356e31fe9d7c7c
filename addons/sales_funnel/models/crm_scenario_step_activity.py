from odoo import api, fields, models


class CrmScenarioStepActivity(models.Model):
    """An activity planned on a deal when it enters a step ("check payment in 3 days")."""

    _name = "crm.scenario.step.activity"
    _description = "Sales scenario step entry activity"
    _order = "step_id, sequence, id"

    step_id = fields.Many2one("crm.scenario.step", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        required=True,
        string="Activity",
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'crm.lead')]",
    )
    summary = fields.Char(translate=True)
    days = fields.Integer("Due in (days)", help="Days after the deal enters the step.")
    responsible = fields.Selection(
        [("owner", "Deal owner"), ("team_leader", "Team leader"), ("user", "Named user")],
        required=True,
        default="owner",
    )
    user_id = fields.Many2one("res.users", domain="[('share', '=', False)]")

    @api.depends("activity_type_id.name", "summary")
    def _compute_display_name(self):
        # "Call — Qualify the lead": what the step's list and its tags show.
        for activity in self:
            activity.display_name = " — ".join(
                part for part in (activity.activity_type_id.name, activity.summary) if part
            )

    def _responsible_for(self, lead):
        """The user who gets this activity on the given deal (owner when nobody else fits)."""
        self.ensure_one()
        if self.responsible == "team_leader" and lead.team_id.user_id:
            return lead.team_id.user_id
        if self.responsible == "user" and self.user_id:
            return self.user_id
        return lead.user_id or self.env.user
