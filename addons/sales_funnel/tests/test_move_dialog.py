from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestMoveDialog(SalesFunnelCommon):
    """The move dialog offers the steps the scenario's rules allow, and only those."""

    def _dialog(self, deal, user=None, stage_name=None):
        """The dialog as the deal's Move button (or a drop on a stage) opens it."""
        user = user or deal.user_id
        stage_id = self.stage(stage_name).id if stage_name else False
        action = deal.with_user(user).action_open_move_wizard(stage_id)
        return Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))

    def _free_deal(self, **values):
        return self._deal("Free", scenario_id=self.free_form.id, **values)

    # ------------------------------------------------------------
    # the steps offered
    # ------------------------------------------------------------

    def test_automatic_scenario_offers_the_next_step(self):
        deal = self._deal(primary_demand="Drills")
        dialog = self._dialog(deal)
        self.assertEqual(dialog.step_id, self.step(self.typical, "meeting_preparation"))
        self.assertEqual(dialog.allowed_step_ids[:], self.step(self.typical, "meeting_preparation"))
        self.assertFalse(dialog.unavailable_note)

    def test_automatic_scenario_blocked_says_why_and_offers_nothing(self):
        deal = self._deal()
        dialog = self._dialog(deal)
        self.assertFalse(dialog.step_id, "no primary demand: the deal cannot leave its step")
        self.assertFalse(dialog.allowed_step_ids[:])
        self.assertIn("Fill in before leaving Lead rating", dialog.unavailable_note)
        deal.primary_demand = "Drills"
        self._put_on(deal, "presentation")
        dialog = self._dialog(deal)
        self.assertFalse(dialog.step_id, "the proposal is entered by a quotation sent")
        self.assertFalse(dialog.allowed_step_ids[:])
        self.assertIn("Commercial proposal by itself", dialog.unavailable_note)
        self.assertIn("Quotation sent", dialog.unavailable_note)

    def test_manual_scenario_offers_every_open_step(self):
        deal = self._free_deal()
        dialog = self._dialog(deal)
        steps = self.free_form.step_ids
        self.assertEqual(dialog.allowed_step_ids[:], steps - steps[0], "all but its own, Won too")
        self.assertEqual(dialog.step_id, self.step(self.free_form, "commercial_proposal"))
        self._put_on(deal, "agreement")
        dialog = self._dialog(deal)
        self.assertEqual(dialog.step_id, self.step(self.free_form, "won"), "the next allowed")
        self.assertEqual(dialog.allowed_step_ids[:], steps - steps[2])

    def test_won_offered_only_where_closing_is_possible(self):
        without_customer = self._free_deal(partner_id=False)
        self._put_on(without_customer, "agreement")
        dialog = self._dialog(without_customer)
        self.assertNotIn(self.step(self.free_form, "won"), dialog.allowed_step_ids[:])
        self.assertFalse(dialog.step_id, "nothing after Agreement but Won, refused")
        self.assertIn("has no customer", dialog.unavailable_note)
        # An automatic deal is won once paid and delivered: not before.
        self._put_on(self.deal, "shipment")
        dialog = self._dialog(self.deal)
        self.assertFalse(dialog.allowed_step_ids[:])
        self.assertIn("cannot be won yet", dialog.unavailable_note)

    def test_won_offered_to_a_paid_and_delivered_deal(self):
        self.deal.primary_demand = "Drills"
        order = self._quotation_for(self.deal)
        order.with_user(self.salesperson).action_confirm()
        self._pay(self._invoice(order))
        self._deliver(order)
        # Before the end of the request, where the documents would move it themselves.
        self.assertEqual(self.deal.stage_id, self.stage("lead_rating"))
        dialog = self._dialog(self.deal)
        self.assertIn(self.step(self.typical, "won"), dialog.allowed_step_ids[:])

    def test_won_button_on_a_deal_that_cannot_be_won(self):
        """The step asked for is refused: the dialog says why and proposes the next allowed."""
        deal = self._deal(primary_demand="Drills")
        action = deal.with_user(self.salesperson).action_set_won_rainbowman()
        dialog = Form(
            self.env["crm.lead.stage.move"]
            .with_user(self.salesperson)
            .with_context(**action["context"])
        )
        self.assertEqual(dialog.step_id, self.step(self.typical, "meeting_preparation"))
        self.assertIn("cannot be won yet: the deal has no confirmed order", dialog.unavailable_note)

    def test_a_refused_step_is_never_created(self):
        """Created directly (RPC, a stale form): the scenario's own refusal, nothing moved."""
        deal = self._deal(primary_demand="Drills")
        Move = self.env["crm.lead.stage.move"].with_user(self.salesperson)
        for stage_name, refusal in (
            ("presentation", "one step at a time"),
            ("won", "cannot be won yet"),
            ("lead_rating", "already on the step"),
        ):
            with self.assertRaisesRegex(UserError, refusal):
                Move.create(
                    {
                        "lead_id": deal.id,
                        "step_id": self.step(self.typical, stage_name).id,
                        "result": "Done",
                    }
                )
        with self.assertRaisesRegex(UserError, "not a step of the scenario"):
            Move.create(
                {
                    "lead_id": deal.id,
                    "step_id": self.step(self.free_form, "agreement").id,
                    "result": "Done",
                }
            )
        self.assertEqual(deal.stage_id, self.stage("lead_rating"))
        self.assertEqual(len(deal.stage_log_ids), 1)

    # ------------------------------------------------------------
    # the next action
    # ------------------------------------------------------------

    def test_next_activity_prefilled_from_the_steps_entry_activity(self):
        self.typical.plan_activities = False
        deal = self._deal(primary_demand="Drills")
        dialog = self._dialog(deal)
        self.assertEqual(dialog.next_action, "plan")
        self.assertEqual(dialog.next_activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertEqual(dialog.next_summary, "Prepare the meeting")
        today = fields.Date.context_today(deal)
        self.assertEqual(dialog.next_date, today + timedelta(days=2), "due in the step's 2 days")
        self.assertFalse(dialog.step_plan_note)
        self.assertFalse(dialog.next_user_id, "nobody to assign to yet")
        dialog.result = "Qualified"
        dialog.save().action_move()
        planned = deal.activity_ids
        self.assertEqual(planned.summary, "Prepare the meeting")
        self.assertEqual(planned.date_deadline, today + timedelta(days=2))
        self.assertEqual(planned.user_id, self.salesperson)

    def test_a_step_planning_its_own_activities_says_so(self):
        deal = self._deal(primary_demand="Drills")
        dialog = self._dialog(deal)
        self.assertEqual(dialog.next_action, "none", "nothing to plan twice")
        self.assertIn("Entering Meeting preparation plans by itself", dialog.step_plan_note)
        self.assertIn("To-Do — Prepare the meeting", dialog.step_plan_note)
        self.assertIn("for Sally Salesperson", dialog.step_plan_note)
        dialog.next_action = "plan"
        self.assertNotEqual(dialog.next_summary, "Prepare the meeting", "not the step's own")
        dialog.next_action = "none"
        dialog.result = "Qualified"
        dialog.save().action_move()
        self.assertEqual(deal.activity_ids.summary, "Prepare the meeting", "planned once")

    def test_a_step_without_entry_activity_plans_a_call_tomorrow(self):
        dialog = self._dialog(self._free_deal())
        self.assertEqual(dialog.next_action, "plan")
        self.assertEqual(dialog.next_activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(
            dialog.next_date,
            fields.Date.context_today(self.deal.with_user(self.salesperson)) + timedelta(days=1),
        )

    def test_assigning_needs_another_user(self):
        deal = self._deal(primary_demand="Drills")
        Move = self.env["crm.lead.stage.move"].with_user(self.salesperson)
        values = {
            "lead_id": deal.id,
            "step_id": self.step(self.typical, "meeting_preparation").id,
            "result": "Done",
            "next_action": "assign",
        }
        with self.assertRaisesRegex(ValidationError, "Choose who the task is assigned to"):
            Move.create(values)
        with self.assertRaisesRegex(ValidationError, "another user than yourself"):
            Move.create({**values, "next_user_id": self.salesperson.id})
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"].search([("name", "=", "sales_funnel")])._update_translations(
            ["ru_RU"]
        )
        with self.assertRaises(ValidationError) as refusal:
            Move.with_context(lang="ru_RU").create({**values, "next_user_id": self.salesperson.id})
        self.assertIn("другому пользователю, не себе", str(refusal.exception), "in Russian")
        self.assertEqual(deal.stage_id, self.stage("lead_rating"))
        Move.create({**values, "next_user_id": self.salesperson_other.id}).action_move()
        self.assertIn(self.salesperson_other, deal.activity_ids.user_id)
