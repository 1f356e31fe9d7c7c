from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestScenarioRules(SalesFunnelCommon):
    """The scenario's rules hold for a salesperson calling the server directly (RPC, the list's
    Archive, mass edit), not only in the forms."""

    def setUp(self):
        super().setUp()
        self.mine = self._deal("Mine", primary_demand="Drills")

    def test_salesperson_keeps_the_scenario(self):
        as_salesperson = self.mine.with_user(self.salesperson)
        with self.assertRaisesRegex(AccessError, "only the head of sales changes or removes"):
            as_salesperson.write({"scenario_id": False})
        with self.assertRaises(AccessError):
            as_salesperson.write({"scenario_id": self.free_form.id})
        self.assertEqual(self.mine.scenario_id, self.typical)
        with self.assertRaisesRegex(UserError, "Move button"):
            as_salesperson.write({"stage_id": self.stage("won").id})
        self.assertEqual(self.mine.stage_id, self.stage("lead_rating"), "not won by a write")

    def test_head_switches_the_scenario(self):
        self._put_on(self.mine, "presentation")
        self._commit_documents()  # ends the set-up's transaction work, tracking discarded
        self.mine.with_user(self.head).with_context(tracking_disable=False).write(
            {"scenario_id": self.free_form.id}
        )
        self.assertEqual(
            self.mine.stage_id, self.stage("request"), "the free-form sale has no presentation"
        )
        self.assertEqual(self.mine.stage_log_ids.sorted("id")[-1].stage_id, self.stage("request"))
        self._commit_documents()
        tracked = self.mine.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "scenario_id"
        )
        self.assertTrue(tracked, "the switch is in the chatter")

    def test_deal_moved_into_a_scenario_team(self):
        plain = self.env["crm.lead"].create(
            {
                "name": "Plain",
                "type": "opportunity",
                "user_id": self.salesperson.id,
                "team_id": self.env["crm.team"].create({"name": "Plain team"}).id,
                "stage_id": self.env.ref("crm.stage_lead3").id,
            }
        )
        self.assertFalse(plain.scenario_id)
        plain.with_user(self.salesperson).write({"team_id": self.team.id})
        self.assertEqual(plain.scenario_id, self.typical, "the team's scenario")
        self.assertEqual(plain.stage_id, self.stage("lead_rating"), "on one of its steps")
        self.assertEqual(
            plain.stage_log_ids.filtered(lambda v: not v.date_out).stage_id,
            self.stage("lead_rating"),
        )

    def test_only_the_head_approves(self):
        self._lose(self.mine)
        self.assertEqual(self.mine.loss_approval_state, "pending")
        with self.assertRaises(AccessError):
            self.mine.with_user(self.salesperson).write({"loss_approval_state": "approved"})
        self.assertEqual(self.mine.loss_approval_state, "pending")

    def test_archive_is_losing(self):
        for archive in ("action_archive", "toggle_active"):
            with self.assertRaisesRegex(UserError, "Lost button"):
                getattr(self.mine.with_user(self.salesperson), archive)()
            self.assertTrue(self.mine.active)
        self.mine.with_user(self.salesperson).write({"lost_reason_id": self.lost_reason.id})
        self.mine.with_user(self.salesperson).action_archive()
        self.assertEqual(self.mine.loss_approval_state, "pending", "with a reason: a loss")
        self.assertEqual(self.mine.stage_log_ids.sorted("id")[-1].outcome, "lost")

    def test_lost_deal_stays_lost_for_the_salesperson(self):
        self._lose(self.mine)
        with self.assertRaisesRegex(AccessError, "only the head of sales reopens it"):
            self.mine.with_user(self.salesperson).action_unarchive()
        with self.assertRaises(AccessError):
            self.mine.with_user(self.salesperson).write({"active": True})
        self.assertFalse(self.mine.active)
        self.assertEqual(self.mine.loss_approval_state, "pending")
        with self.assertRaisesRegex(UserError, "is lost"):
            self._move(self.mine, "meeting_preparation")
        with self.assertRaisesRegex(UserError, "is lost"):
            self._move(self.mine, "meeting_preparation", user=self.head)

    def test_won_deal_reopened_by_the_head_only(self):
        deal = self._deal("Free", scenario_id=self.free_form.id)
        self._move(deal, "won", result=False)
        with self.assertRaisesRegex(AccessError, "is won"):
            self._move(deal, "agreement", result=False, next_action="none")
        self.assertEqual(deal.stage_id, self.stage("won"))
        self._move(deal, "agreement", result=False, next_action="none", user=self.head)
        self.assertEqual(deal.stage_id, self.stage("agreement"))
        self.assertNotIn("won", deal.stage_log_ids.mapped("outcome"), "not won any more")

    def test_new_deal_starts_on_the_first_step(self):
        with self.assertRaisesRegex(UserError, "start on Lead rating"):
            self._deal("Skipping", stage_id=self.stage("payment").id)
        with self.assertRaisesRegex(UserError, "start on"):
            self._deal("Born won", stage_id=self.stage("won").id)
        with self.assertRaisesRegex(UserError, "start on"):
            self._deal("Born won", user=self.head, stage_id=self.stage("won").id)
        imported = self._deal("Imported", user=self.head, stage_id=self.stage("payment").id)
        self.assertEqual(imported.stage_log_ids.stage_id, self.stage("payment"))

    def test_refusals_name_steps_and_triggers_in_the_users_language(self):
        self._put_on(self.mine, "agreement")
        for lang, trigger, not_english in (
            ("ru_RU", "Заказ подтверждён", "Order confirmed"),
            ("uk_UA", "Замовлення підтверджено", "Order confirmed"),
        ):
            self.env["res.lang"]._activate_lang(lang)
            self.env["ir.module.module"].search(
                [("name", "=", "sales_funnel")]
            )._update_translations([lang])
            self.salesperson.lang = lang
            # Refused as soon as the move dialog is created with that step.
            with self.assertRaises(UserError) as refusal:
                self.env["crm.lead.stage.move"].with_user(self.salesperson).with_context(
                    lang=lang
                ).create(
                    {
                        "lead_id": self.mine.id,
                        "step_id": self.step(self.typical, "payment").id,
                        "result": "Готово",
                    }
                )
            message = str(refusal.exception)
            self.assertIn(trigger, message)
            self.assertNotIn(not_english, message)
            self.assertNotIn("Payment", message, "the step's name is translated too")
