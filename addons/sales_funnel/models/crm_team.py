from odoo import api, fields, models


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
