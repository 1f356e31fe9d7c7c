from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestStageMoves(SalesFunnelCommon):
    def test_new_deal_starts_on_first_step(self):
        deal = self._deal()
        self.assertEqual(deal.scenario_id, self.typical, "scenario comes from the team")
        self.assertEqual(deal.stage_id, self.stage("lead_rating"))
        visit = deal.stage_log_ids
        self.assertEqual(len(visit), 1)
        self.assertFalse(visit.date_out)
        self.assertEqual(visit.user_id, self.salesperson)
        activity = deal.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(deal.health, "yellow", "the qualification call is due today")

    def test_move_records_result_and_plans_next(self):
        deal = self._deal()
        with self.assertRaisesRegex(UserError, "Primary Demand"):
            self._move(deal, "meeting_preparation", result="Talked to the buyer")
        deal.primary_demand = "20 drills a month"
        self._move(
            deal,
            "meeting_preparation",
            result="Talked to the buyer",
            next_action="assign",
            next_user_id=self.salesperson_other.id,
            next_summary="Book the meeting room",
        )
        self.assertEqual(deal.stage_id, self.stage("meeting_preparation"))
        done = deal.message_ids.filtered(lambda m: "Talked to the buyer" in (m.body or ""))
        self.assertTrue(done, "the result of the call is in the chatter")
        self.assertIn(self.salesperson_other, deal.activity_ids.user_id)
        self.assertIn("Prepare the meeting", deal.activity_ids.mapped("summary"), "entry activity")
        visits = deal.stage_log_ids.sorted("id")
        self.assertEqual(
            visits.stage_id, self.stage("lead_rating") | self.stage("meeting_preparation")
        )
        self.assertEqual(visits[0].outcome, "moved")
        self.assertTrue(visits[0].date_out)
        self.assertFalse(visits[1].date_out)
        self.assertEqual(deal.probability, 20, "template probability of the step")

    def test_refused_moves_say_why(self):
        deal = self._deal(primary_demand="Drills")
        with self.assertRaisesRegex(UserError, "one step at a time"):
            self._move(deal, "presentation")
        with self.assertRaisesRegex(UserError, "result of the current activity"):
            self._move(deal, "meeting_preparation", result=False)
        with self.assertRaisesRegex(UserError, "Move button"):
            deal.with_user(self.salesperson).write({"stage_id": self.stage("presentation").id})
        self._put_on(deal, "agreement")
        with self.assertRaisesRegex(UserError, "Order confirmed"):
            self._move(deal, "payment")
        self.assertEqual(deal.stage_id, self.stage("agreement"), "nothing moved")

    def test_nothing_planned_only_where_allowed(self):
        self.typical.plan_activities = False
        deal = self._deal(primary_demand="Drills")
        with self.assertRaisesRegex(UserError, "always has a next activity"):
            self._move(deal, "meeting_preparation", next_action="none")
        self.assertEqual(deal.stage_id, self.stage("lead_rating"))

    def test_refusal_in_russian(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"].search([("name", "=", "sales_funnel")])._update_translations(
            ["ru_RU"]
        )
        deal = self._deal(primary_demand="Drills")
        # The web client sends the user's language in every call's context; the dialog
        # refuses a step the scenario refuses as soon as it is created.
        with self.assertRaisesRegex(UserError, "по одному шагу"):
            self.env["crm.lead.stage.move"].with_user(self.salesperson).with_context(
                lang="ru_RU"
            ).create(
                {
                    "lead_id": deal.id,
                    "step_id": self.step(self.typical, "presentation").id,
                    "result": "Готово",
                }
            )

    def test_manual_scenario_allows_any_step(self):
        deal = self._deal(scenario_id=self.free_form.id)
        self.assertEqual(deal.stage_id, self.stage("request"))
        self.assertFalse(deal.activity_ids, "manual scenarios plan nothing by themselves")
        self._move(deal, "agreement", result=False, next_action="none")
        self.assertEqual(deal.stage_id, self.stage("agreement"))
        self._move(deal, "request", result=False, next_action="none")
        self.assertEqual(deal.stage_id, self.stage("request"), "and back")
        self._move(deal, "won", result=False)
        self.assertEqual(deal.stage_id, self.stage("won"))
        self.assertEqual(deal.stage_log_ids.sorted("id")[-2].outcome, "won")

    def test_won_button_opens_the_move_dialog(self):
        deal = self._deal(primary_demand="Drills")
        action = deal.with_user(self.salesperson).action_set_won_rainbowman()
        self.assertEqual(action["res_model"], "crm.lead.stage.move")
        self.assertEqual(action["context"]["default_step_id"], self.step(self.typical, "won").id)
        with self.assertRaisesRegex(UserError, "no confirmed order"):
            self._move(deal, "won")

    def test_drag_to_a_column_asks_the_move_dialog(self):
        deal = self._deal(primary_demand="Drills")
        action = deal.with_user(self.salesperson).action_drop_on_stage(
            self.stage("meeting_preparation").id
        )
        self.assertEqual(
            action["context"]["default_step_id"], self.step(self.typical, "meeting_preparation").id
        )
        # A complete descriptor for the web client's doAction, however the method is called.
        self.assertEqual(action["views"], [(False, "form")])
        self.assertEqual(action["target"], "new")
        self.assertEqual(deal.stage_id, self.stage("lead_rating"), "the dialog moves, not the drop")

    def test_drag_refused_before_any_dialog(self):
        deal = self._deal(primary_demand="Drills").with_user(self.salesperson)
        with self.assertRaisesRegex(UserError, "one step at a time"):
            deal.action_drop_on_stage(self.stage("presentation").id)
        self._put_on(deal, "agreement")
        with self.assertRaisesRegex(UserError, "Order confirmed"):
            deal.action_drop_on_stage(self.stage("payment").id)
        other_stage = self.env["crm.stage"].create({"name": "Somebody else's stage"})
        with self.assertRaisesRegex(UserError, "not a step of the scenario"):
            deal.action_drop_on_stage(other_stage.id)
        self.assertEqual(deal.stage_id, self.stage("agreement"))

    def test_kanban_columns_follow_the_scenario(self):
        groups = (
            self.env["crm.lead"]
            .with_context(default_team_id=self.team.id)
            .read_group([("team_id", "=", self.team.id)], ["stage_id"], ["stage_id"])
        )
        self.assertEqual(
            [group["stage_id"][0] for group in groups],
            self.typical.step_ids.stage_id.ids,
            "the typical sale's nine steps in order",
        )

    def test_my_pipeline_shows_the_users_team_scenario(self):
        """Odoo's My Pipeline names no team: a member of a scenario team still gets a column
        for every step, the ones no deal of theirs is on included, to drag a deal there."""
        deal = self._deal(primary_demand="Drills")
        groups = (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .read_group([("user_id", "=", self.salesperson.id)], ["stage_id"], ["stage_id"])
        )
        self.assertEqual(
            [group["stage_id"][0] for group in groups], self.typical.step_ids.stage_id.ids
        )
        self.assertEqual(groups[0]["stage_id_count"], 2, "this deal and the common one")
        self.assertEqual(deal.stage_id, self.stage("lead_rating"))


@tagged("post_install", "-at_install")
class TestDocumentTriggers(SalesFunnelCommon):
    def setUp(self):
        super().setUp()
        self.deal = self._deal(primary_demand="Drills")
        self._put_on(self.deal, "presentation")
        self.order = self._quotation_for(self.deal, qty=2)

    def test_quotation_sent_moves_to_proposal(self):
        self.order.with_user(self.salesperson).action_quotation_sent()
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("commercial_proposal"))
        self.assertIn("Quotation sent", self.deal.message_ids[0].body)

    def test_order_confirmed_moves_to_payment(self):
        second = self._quotation_for(self.deal, qty=1)
        (self.order | second).with_user(self.salesperson).action_confirm()
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("payment"))
        check = self._activities(self.deal, "sales_funnel.mail_activity_type_check_payment")
        self.assertEqual(check.date_deadline, fields.Date.today() + timedelta(days=3))
        self.assertEqual(check.user_id, self.salesperson)
        self.assertEqual(self.deal.expected_revenue, 300.0, "untaxed total of both orders")

    def test_partial_payments_add_up(self):
        self.order.with_user(self.salesperson).action_confirm()
        invoice = self._invoice(self.order)
        self._pay(invoice, amount=invoice.amount_total * 0.4)
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("payment"), "40% is not paid")
        self.assertAlmostEqual(self.deal.payment_progress, 40.0)
        self._pay(invoice, amount=invoice.amount_residual)
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("shipment"))
        self.assertTrue(self._activities(self.deal, "sales_funnel.mail_activity_type_deliver"))

    def test_reversed_payment_moves_back(self):
        self.order.with_user(self.salesperson).action_confirm()
        invoice = self._invoice(self.order)
        payment = self._pay(invoice)
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("shipment"))
        payment.move_id.line_ids.with_user(self.accountant).remove_move_reconcile()
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("payment"))
        self.assertIn("Moved back", self.deal.message_ids[0].body)
        self.assertEqual(self.deal.stage_log_ids.sorted("id")[-2].stage_id, self.stage("shipment"))

    def test_order_invoiced_in_part_is_not_paid(self):
        self.order.with_user(self.salesperson).action_confirm()
        down_payment = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=self.order.ids)
            .create({"advance_payment_method": "percentage", "amount": 50})
        )
        down_payment.create_invoices()
        invoice = self.order.invoice_ids
        invoice.with_user(self.accountant).action_post()
        self._pay(invoice)
        self._commit_documents()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.deal.stage_id, self.stage("payment"), "half of the order is paid")
        final = self._invoice(self.order)
        self._pay(final)
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("shipment"), "down payment + final invoice")

    def test_paid_and_delivered_is_won(self):
        self.order.with_user(self.salesperson).action_confirm()
        self._pay(self._invoice(self.order))
        self._commit_documents()
        self._deliver(self.order)
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("won"))
        self.assertEqual(self.deal.probability, 100)
        self.assertTrue(
            self._activities(self.deal, "sales_funnel.mail_activity_type_delivery_control")
        )
        self.assertEqual(self.deal.stage_log_ids.sorted("id")[-2].outcome, "won")

    def test_delivered_before_paid_waits_for_money(self):
        self.order.with_user(self.salesperson).action_confirm()
        self._deliver(self.order)
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("payment"))
        control = self._activities(self.deal, "sales_funnel.mail_activity_type_delivery_control")
        self.assertEqual(control.date_deadline, fields.Date.today() + timedelta(days=3))
        self._pay(self._invoice(self.order))
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("won"))

    def test_cancelled_order_moves_back(self):
        self.order.with_user(self.salesperson).action_confirm()
        self._commit_documents()
        self.order.with_user(self.salesperson)._action_cancel()
        self._commit_documents()
        self.assertEqual(
            self.deal.stage_id,
            self.stage("presentation"),
            "no quotation sent any more: the step before the proposal",
        )

    def test_close_won_check(self):
        self.order.with_user(self.salesperson).action_confirm()
        self._commit_documents()
        with self.assertRaisesRegex(UserError, "cannot be won yet.*paid .*not fully delivered"):
            self._move(self.deal, "won")
        self.assertEqual(self.deal.stage_id, self.stage("payment"))


@tagged("post_install", "-at_install")
class TestLossApproval(SalesFunnelCommon):
    def test_loss_needs_a_reason_then_the_head(self):
        deal = self._deal(primary_demand="Drills")
        self._put_on(deal, "waiting_decision")
        with self.assertRaisesRegex(UserError, "reason"):
            self._lose(deal, reason=self.env["crm.lost.reason"])
        self.assertTrue(deal.active)
        self._lose(deal, self.lost_reason)
        self.assertFalse(deal.active)
        self.assertEqual(deal.loss_approval_state, "pending")
        visit = deal.stage_log_ids.sorted("id")[-1]
        self.assertEqual((visit.stage_id, visit.outcome), (self.stage("waiting_decision"), "lost"))
        approval = self._activities(deal, "sales_funnel.mail_activity_type_loss_approval")
        self.assertEqual(approval.user_id, self.head, "the team leader approves")
        with self.assertRaises(AccessError):
            deal.with_user(self.salesperson).action_approve_loss()
        deal.with_user(self.head).action_approve_loss()
        self.assertEqual(deal.loss_approval_state, "approved")
        self.assertFalse(self._activities(deal, "sales_funnel.mail_activity_type_loss_approval"))
        self.assertIn("Loss approved", deal.message_ids[0].body)

    def test_head_returns_the_deal(self):
        deal = self._deal(primary_demand="Drills")
        self._put_on(deal, "waiting_decision")
        self._lose(deal, self.lost_reason)
        wizard = (
            self.env["crm.lead.loss.return"]
            .with_user(self.head)
            .with_context(active_test=False)
            .create({"lead_id": deal.id, "note": "Offer a discount"})
        )
        self.assertEqual(wizard.step_id, self.step(self.typical, "waiting_decision"))
        wizard.step_id = self.step(self.typical, "commercial_proposal")
        wizard.action_return()
        self.assertTrue(deal.active)
        self.assertEqual(deal.stage_id, self.stage("commercial_proposal"))
        self.assertFalse(deal.loss_approval_state)
        self.assertNotIn("lost", deal.stage_log_ids.mapped("outcome"), "the loss was not one")
        self.assertTrue(deal.activity_ids.filtered(lambda a: a.user_id == self.salesperson))
        self.assertTrue(deal.message_ids.filtered(lambda m: "Offer a discount" in (m.body or "")))

    def test_manual_scenario_needs_no_approval(self):
        deal = self._deal(scenario_id=self.free_form.id)
        self._lose(deal, self.lost_reason)
        self.assertFalse(deal.active)
        self.assertFalse(deal.loss_approval_state)


@tagged("post_install", "-at_install")
class TestHangingDeals(SalesFunnelCommon):
    def test_health_and_digest(self):
        on_track, today, overdue, nothing = (
            self._deal(name=name) for name in ("On track", "Today", "Overdue", "Nothing")
        )
        on_track.activity_ids.date_deadline = fields.Date.today() + timedelta(days=2)
        overdue.activity_ids.date_deadline = fields.Date.today() - timedelta(days=1)
        nothing.activity_ids.unlink()
        self.assertEqual(
            (on_track | today | overdue | nothing).mapped("health"),
            ["green", "yellow", "red", "red"],
        )
        hanging = self.env["crm.lead"].search(
            [("health", "=", "red"), ("team_id", "=", self.team.id)]
        )
        self.assertEqual(hanging, overdue | nothing)

        self.env["crm.lead"]._cron_hanging_deals_digest()
        mail = self.env["mail.mail"].search([("email_to", "ilike", "helen@example.com")])
        self.assertEqual(len(mail), 1)
        self.assertIn("Overdue", mail.body_html)
        self.assertIn("Nothing", mail.body_html)
        self.assertNotIn("On track", mail.body_html)


@tagged("post_install", "-at_install")
class TestRoles(SalesFunnelCommon):
    def test_salesperson_sees_own_deals_and_history_only(self):
        mine = self._deal(name="Mine")
        theirs = self._deal(name="Theirs", user=self.salesperson_other)
        Log = self.env["crm.stage.log"].with_user(self.salesperson)
        self.assertEqual(Log.search([("lead_id", "in", (mine | theirs).ids)]).lead_id, mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesperson).read(["name"])
        with self.assertRaises(AccessError):
            mine.stage_log_ids.with_user(self.salesperson).write({"outcome": "won"})
        with self.assertRaises(AccessError):
            mine.stage_log_ids.with_user(self.head).write({"outcome": "won"})
        with self.assertRaises(AccessError):
            mine.stage_log_ids.with_user(self.head).unlink()

    def test_only_the_head_edits_scenarios(self):
        with self.assertRaises(AccessError):
            self.typical.with_user(self.salesperson).write({"transition_mode": "manual"})
        self.typical.with_user(self.head).write({"require_primary_demand": False})
        self.assertFalse(self.typical.require_primary_demand)

    def test_accountant_and_warehouse_have_no_crm_rights(self):
        for user in (self.accountant, self.warehouse_user):
            with self.assertRaises(AccessError):
                self.deal.with_user(user).read(["name"])
