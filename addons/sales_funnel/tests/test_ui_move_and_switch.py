import json
from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestMoveDialogAndPipelinesUi(HttpCase, SalesFunnelCommon):
    def test_move_dialog_proposes_the_next_step_and_its_activity(self):
        """As the salesperson, from the deal's form: the next step, no other, and the next
        activity prefilled from the step's entry activity (the scenario planning nothing
        by itself)."""
        self.typical.plan_activities = False
        self.deal.primary_demand = "Drills"
        self.start_tour("/odoo", "sales_funnel_move_dialog", login=self.salesperson.login)
        self.assertEqual(self.deal.stage_id, self.stage("meeting_preparation"))
        planned = self.deal.activity_ids
        self.assertEqual(planned.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertEqual(planned.summary, "Prepare the meeting")
        self.assertEqual(
            planned.date_deadline,
            fields.Date.context_today(self.deal.with_user(self.salesperson)) + timedelta(days=2),
        )
        self.assertEqual(planned.user_id, self.salesperson)

    def test_salesperson_switches_between_the_pipelines_of_their_scenarios(self):
        self.env["ir.config_parameter"].sudo().set_param("sales_team.membership_multi", True)
        free_team = self.env["crm.team"].create(
            {
                "name": "Free team",
                "member_ids": [Command.link(self.salesperson.id)],
                "scenario_id": self.free_form.id,
            }
        )
        self.assertEqual(self.salesperson.sale_team_id, self.team, "their first team")
        self.env["crm.lead"].create(
            {
                "name": "Free deal",
                "type": "opportunity",
                "user_id": self.salesperson.id,
                "team_id": free_team.id,
            }
        )
        # The salesperson also sees an unassigned deal of a plain team, on Odoo's New.
        self.env["crm.lead"].create(
            {
                "name": "Nobody's deal",
                "type": "opportunity",
                "team_id": self.env["crm.team"].create({"name": "Plain team"}).id,
                "stage_id": self.env.ref("crm.stage_lead1").id,
            }
        )
        self.start_tour("/odoo", "sales_funnel_switch_pipelines", login=self.salesperson.login)

    def test_a_refused_step_over_json_rpc(self):
        """The move dialog created by hand over JSON-RPC with a step the scenario refuses: the
        scenario's refusal, as a UserError the web client shows."""
        self.deal.primary_demand = "Drills"
        self.authenticate(self.salesperson.login, self.salesperson.login)
        response = self.url_open(
            "/web/dataset/call_kw/crm.lead.stage.move/create",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "crm.lead.stage.move",
                        "method": "create",
                        "args": [
                            {
                                "lead_id": self.deal.id,
                                "step_id": self.step(self.typical, "presentation").id,
                                "result": "Done",
                            }
                        ],
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        error = response.json()["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("one step at a time", error["message"])
        self.assertFalse(self.env["crm.lead.stage.move"].search([("lead_id", "=", self.deal.id)]))
        self.assertEqual(self.deal.stage_id, self.stage("lead_rating"))
