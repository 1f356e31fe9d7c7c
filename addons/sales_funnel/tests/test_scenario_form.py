from odoo.tests import Form, tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestScenarioForm(SalesFunnelCommon):
    """The head of sales configures a scenario in its form, step by step."""

    def test_entry_activities_read_as_labels(self):
        activity = self.step(self.typical, "lead_rating").activity_ids
        self.assertEqual(
            activity.display_name, "Call — Qualify the lead: needs, budget, decision maker"
        )
        activity.summary = False
        self.assertEqual(activity.display_name, "Call", "the activity type alone")

    def test_step_form_opens_from_the_scenario_and_edits_an_entry_activity(self):
        meeting = self.env.ref("mail.mail_activity_data_meeting")
        scenario = self.typical.with_user(self.head)
        form = Form(scenario)
        # The steps' list is not edited in place: each step opens its own form.
        with form.step_ids.edit(0) as step:
            self.assertEqual(step.stage_id, self.stage("lead_rating"))
            with step.activity_ids.edit(0) as activity:
                activity.activity_type_id = meeting
                activity.summary = "Meet the decision maker"
                activity.days = 2
                activity.responsible = "team_leader"
            step.instructions = "<p>Ask who signs.</p>"
        form.save()
        step = self.step(self.typical, "lead_rating")
        self.assertEqual(step.activity_ids.activity_type_id, meeting)
        self.assertEqual(step.activity_ids.days, 2)
        self.assertEqual(step.activity_ids.responsible, "team_leader")
        self.assertEqual(step.activity_ids.display_name, "Meeting — Meet the decision maker")
        self.assertIn("Ask who signs.", step.instructions)
        # The next deal entering the step gets the activity as configured.
        deal = self._deal("Next deal")
        self.assertEqual(deal.activity_ids.activity_type_id, meeting)
        self.assertEqual(deal.activity_ids.user_id, self.head, "the team leader")
