from odoo import api, fields, models
from odoo.tools.safe_eval import safe_eval


class CrmTeam(models.Model):
    _inherit = "crm.team"

    scenario_id = fields.Many2one(
        "crm.scenario",
        string="Default scenario",
        help="Scenario of the team's new deals.",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    hanging_deal_ids = fields.Many2many(
        "crm.lead",
        compute="_compute_hanging_deal_ids",
        string="Hanging deals",
        help="Open deals of the team with an overdue activity or nothing planned.",
    )

    @api.depends_context("uid")
    def _compute_hanging_deal_ids(self):
        hanging = self.env["crm.lead"].search(
            [("team_id", "in", self.ids), ("health", "=", "red"), ("scenario_id", "!=", False)]
        )
        for team in self:
            team.hanging_deal_ids = hanging.filtered(lambda lead, team=team: lead.team_id == team)

    # ------------------------------------------------------------
    # PIPELINES
    # ------------------------------------------------------------

    def action_primary_channel_button(self):
        """A scenario team's pipeline (Teams, Pipelines) shows its scenario: the deals of that
        scenario only, so that its steps, in order, are the columns and nothing else."""
        action = super().action_primary_channel_button()
        if self.use_opportunities and self.scenario_id:
            context = safe_eval(
                action.get("context") or "{}", {"active_id": self.id, "uid": self.env.uid}
            )
            action["context"] = {**context, **self._scenario_pipeline_context()}
            action["name"] = self.name
        return action

    @api.model
    def action_your_pipeline(self):
        """My Pipeline of a scenario team's member: that team's scenario."""
        action = super().action_your_pipeline()
        team = self.env.user.sale_team_id
        if team.scenario_id:
            action["context"] = {**action["context"], **team._scenario_pipeline_context()}
        return action

    def _scenario_pipeline_context(self):
        """The team for new deals and the columns, and a "Scenario" facet that keeps the
        deals of the team's scenario (the web client also passes it as the context's
        ``default_scenario_id``): deals of other teams or scenarios add no column."""
        self.ensure_one()
        return {
            "default_team_id": self.id,
            "search_default_scenario_id": self.scenario_id.id,
        }
