from odoo.fields import Command
from odoo.osv import expression
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestPipelines(SalesFunnelCommon):
    """A scenario's pipeline: exactly its steps, in order, whoever opens it and from where."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("sales_team.membership_multi", True)
        cls.free_team = cls.env["crm.team"].create(
            {
                "name": "Free team",
                "sequence": 1000,
                "member_ids": [Command.link(cls.salesperson.id)],
                "scenario_id": cls.free_form.id,
            }
        )
        # Deals the salesperson sees that are not of the team's scenario: an unassigned deal
        # of a plain team on Odoo's first stage, and their own free-form deal.
        cls.plain_team = cls.env["crm.team"].create({"name": "Plain team"})
        cls.plain_deal = cls.env["crm.lead"].create(
            {
                "name": "Nobody's deal",
                "type": "opportunity",
                "team_id": cls.plain_team.id,
                "stage_id": cls.env.ref("crm.stage_lead1").id,
            }
        )
        cls.free_deal = cls.env["crm.lead"].create(
            {
                "name": "Free deal",
                "type": "opportunity",
                "user_id": cls.salesperson.id,
                "team_id": cls.free_team.id,
            }
        )

    def _columns(self, action, user, facets=(), active_id=False):
        """The pipeline's columns as the web client reads them: the action's domain and
        context, its default facets (a many2one facet also gives ``default_<field>``)."""
        context = action["context"]
        if isinstance(context, str):
            context = safe_eval(context, {"uid": user.id, "active_id": active_id})
        search = {"assigned_to_me": [("user_id", "=", user.id)]}
        domains = [safe_eval(action["domain"]) if isinstance(action["domain"], str) else []]
        context = dict(context)
        for key, value in list(context.items()):
            if key.startswith("search_default_") and value:
                name = key.removeprefix("search_default_")
                if name in search:
                    domains.append(search[name])
                else:
                    ids = value if isinstance(value, list) else [value]
                    domains.append([(name, "in", ids)])
                    context[f"default_{name}"] = ids[0]
                del context[key]
        domains.extend(facets)
        groups = (
            self.env["crm.lead"]
            .with_user(user)
            .with_context(**context)
            .read_group(expression.AND(domains), ["stage_id"], ["stage_id"])
        )
        return self.env["crm.stage"].browse(group["stage_id"][0] for group in groups)

    def test_my_pipeline_opens_the_team_scenario(self):
        """Odoo's My Pipeline, as a member of a scenario team: that scenario's steps, and no
        column for their deals of other scenarios or the unassigned deals of other teams."""
        action = self.env["crm.team"].with_user(self.salesperson).action_your_pipeline()
        self.assertEqual(action["context"]["search_default_scenario_id"], self.typical.id)
        self.assertEqual(action["context"]["default_team_id"], self.team.id)
        self.assertEqual(self._columns(action, self.salesperson), self.typical._pipeline_stages())
        # Without "My Pipeline": still the scenario's deals only.
        del action["context"]["search_default_assigned_to_me"]
        self.assertEqual(self._columns(action, self.salesperson), self.typical._pipeline_stages())

    def test_team_pipeline_shows_its_scenario(self):
        """Opened from Teams (or Pipelines), as the head who sees every deal."""
        for team, scenario in ((self.team, self.typical), (self.free_team, self.free_form)):
            action = team.with_user(self.head).action_primary_channel_button()
            self.assertEqual(action["name"], team.name)
            self.assertEqual(action["context"]["search_default_scenario_id"], scenario.id)
            self.assertEqual(self._columns(action, self.head), scenario._pipeline_stages())
        plain = self.plain_team.with_user(self.head).action_primary_channel_button()
        self.assertNotIn("search_default_scenario_id", plain["context"], "Odoo's own")
        self.assertIn(
            self.env.ref("crm.stage_lead1"),
            self._columns(plain, self.head, active_id=self.plain_team.id),
        )

    def test_columns_are_the_steps_in_step_order(self):
        """Steps reordered in the scenario: the columns follow the steps, not the stages'
        own sequence, and a step nobody is on keeps its column."""
        steps = self.typical.step_ids
        steps[1].sequence, steps[2].sequence = steps[2].sequence, steps[1].sequence
        self.typical.invalidate_recordset(["step_ids"])
        self.assertEqual(
            self.typical.step_ids.stage_id[1:3],
            self.stage("presentation") | self.stage("meeting_preparation"),
        )
        action = self.team.with_user(self.head).action_primary_channel_button()
        self.assertEqual(self._columns(action, self.head), self.typical.step_ids.stage_id)
        groups = (
            self.env["crm.lead"]
            .with_user(self.head)
            .with_context(default_team_id=self.team.id)
            .read_group([("team_id", "=", self.team.id)], ["stage_id"], ["stage_id"])
        )
        self.assertEqual(
            [group["stage_id"][0] for group in groups], self.typical.step_ids.stage_id.ids
        )

    def test_pipeline_filtered_on_a_scenario_shows_its_steps(self):
        """A "Scenario" facet chosen in the search: that scenario's steps, even in another
        team's pipeline."""
        action = self.env["crm.team"].with_user(self.salesperson).action_your_pipeline()
        del action["context"]["search_default_scenario_id"]
        self.assertEqual(
            self._columns(action, self.salesperson, [[("scenario_id", "=", self.free_form.id)]]),
            self.free_form._pipeline_stages(),
        )

    def test_pipelines_menu_lists_the_users_teams(self):
        action = self.env.ref("sales_funnel.crm_team_action_pipelines")
        domain = safe_eval(action.domain, {"uid": self.salesperson.id})
        teams = self.env["crm.team"].with_user(self.salesperson).search(domain)
        self.assertEqual(teams, self.team | self.free_team)
        head_teams = (
            self.env["crm.team"]
            .with_user(self.head)
            .search(safe_eval(action.domain, {"uid": self.head.id}))
        )
        self.assertIn(self.team, head_teams, "the team leader's team")
        self.assertNotIn(self.free_team, head_teams)
