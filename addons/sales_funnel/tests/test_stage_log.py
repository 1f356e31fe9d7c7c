from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestStageLogPaths(SalesFunnelCommon):
    """Every path that makes, closes, reopens, merges or deletes a deal leaves one clean chain
    of visits: one open visit while the deal is in the funnel, one final outcome at most."""

    def _visits(self, deal):
        return (
            self.env["crm.stage.log"]
            .with_context(active_test=False)
            .search([("lead_id", "=", deal.id)], order="id")
        )

    def assertOneCleanChain(self, deal, open_on=None):
        visits = self._visits(deal)
        open_visits = visits.filtered(lambda visit: not visit.date_out)
        if open_on:
            self.assertEqual(open_visits.stage_id, self.stage(open_on), "one open visit, there")
        else:
            self.assertFalse(open_visits, "a deal out of the funnel has no open visit")
        closed = visits - open_visits
        self.assertTrue(all(closed.mapped("outcome")), "every closed visit says how it ended")
        final = visits.filtered(lambda visit: visit.outcome in ("won", "lost"))
        self.assertLessEqual(len(final), 1, "one final outcome at most")
        return visits

    def _lead(self, name="Lead", **values):
        return (
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .create(
                {
                    "name": name,
                    "type": "lead",
                    "partner_id": self.client.id,
                    "user_id": self.salesperson.id,
                    "team_id": self.team.id,
                    **values,
                }
            )
        )

    # conversion ----------------------------------------------------------

    def test_converted_lead_enters_the_funnel(self):
        lead = self._lead()
        self.assertFalse(self._visits(lead), "a lead is not in the funnel")
        wizard = (
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.salesperson)
            .with_context(active_model="crm.lead", active_id=lead.id, active_ids=lead.ids)
            .create({"name": "convert", "action": "exist", "partner_id": self.client.id})
        )
        wizard.action_apply()
        self.assertEqual(lead.type, "opportunity")
        self.assertOneCleanChain(lead, open_on="lead_rating")
        self.assertTrue(lead.activity_ids, "the first step's entry activity is planned")

    def test_mass_conversion_into_a_scenario_team(self):
        plain_team = self.env["crm.team"].create({"name": "Plain team"})
        leads = self._lead("First", team_id=plain_team.id) | self._lead(
            "Second", team_id=plain_team.id
        )
        wizard = (
            self.env["crm.lead2opportunity.partner.mass"]
            .with_context(active_model="crm.lead", active_ids=leads.ids)
            .create(
                {
                    "name": "convert",
                    "action": "nothing",
                    "deduplicate": False,
                    "team_id": self.team.id,
                    "user_ids": [Command.set(self.salesperson.ids)],
                    "force_assignment": True,
                }
            )
        )
        wizard.action_mass_convert()
        for lead in leads:
            lead.scenario_id = self.typical  # a plain team's lead had no scenario
            self.assertOneCleanChain(lead, open_on="lead_rating")

    def test_writing_the_type_enters_and_leaves_the_funnel(self):
        lead = self._lead()
        lead.write({"type": "opportunity"})
        self.assertOneCleanChain(lead, open_on="lead_rating")
        lead.with_user(self.head).write({"type": "lead"})
        visits = self.assertOneCleanChain(lead)
        self.assertEqual(visits.mapped("outcome"), ["left"])

    # reopening -------------------------------------------------------------

    def _won_deal(self):
        deal = self._deal(primary_demand="Drills")
        self._put_on(deal, "agreement")
        order = self._quotation_for(deal)
        order.with_user(self.salesperson).action_confirm()
        self._pay(self._invoice(order))
        self._commit_documents()
        self._deliver(order)
        self._commit_documents()
        self.assertEqual(deal.stage_id, self.stage("won"))
        return deal, order

    def _return_and_redeliver(self, order, user=None):
        delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        wizard = (
            self.env["stock.return.picking"]
            .with_user(user or self.warehouse_user)
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({"picking_id": delivery.id})
        )
        wizard.product_return_moves.quantity = 1.0
        wizard.action_create_exchanges()
        returned = order.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        returned.move_ids.quantity = 1.0
        returned.move_ids.picked = True
        returned.with_user(user or self.warehouse_user).button_validate()

    def test_won_deal_returned_and_delivered_again_is_won_once(self):
        deal, order = self._won_deal()
        self._return_and_redeliver(order)
        self._commit_documents()
        self.assertEqual(deal.stage_id, self.stage("shipment"), "the goods came back")
        self.assertOneCleanChain(deal, open_on="shipment")
        self.assertNotIn("won", self._visits(deal).mapped("outcome"), "not won any more")
        self._deliver(order)
        self._commit_documents()
        self.assertEqual(deal.stage_id, self.stage("won"))
        visits = self.assertOneCleanChain(deal, open_on="won")
        self.assertEqual(visits.mapped("outcome").count("won"), 1)

    def test_head_returns_a_lost_deal_in_one_visit(self):
        deal = self._deal(primary_demand="Drills")
        self._put_on(deal, "waiting_decision")
        self._lose(deal)
        before = len(self._visits(deal))
        wizard = (
            self.env["crm.lead.loss.return"]
            .with_user(self.head)
            .with_context(active_test=False)
            .create({"lead_id": deal.id, "note": "Offer a discount"})
        )
        wizard.step_id = self.step(self.typical, "commercial_proposal")
        wizard.action_return()
        visits = self.assertOneCleanChain(deal, open_on="commercial_proposal")
        self.assertEqual(len(visits), before + 1, "one visit, on the step returned to")
        self.assertEqual(visits[-2].stage_id, self.stage("waiting_decision"))
        self.assertNotIn("lost", visits.mapped("outcome"))

    def test_lost_again_after_a_return_is_lost_once(self):
        deal = self._deal(primary_demand="Drills")
        self._lose(deal)
        deal.with_user(self.head).with_context(active_test=False).action_unarchive()
        self.assertOneCleanChain(deal, open_on="lead_rating")
        self._lose(deal)
        visits = self.assertOneCleanChain(deal)
        self.assertEqual(visits[-1].outcome, "lost")

    # merge and deletion ----------------------------------------------------

    def test_merge_keeps_every_history(self):
        ahead = self._deal("Ahead", primary_demand="Drills")
        self._put_on(ahead, "presentation")
        behind = self._deal("Behind", primary_demand="Drills")
        self._put_on(behind, "meeting_preparation")
        lost = self._deal("Lost", primary_demand="Drills")
        self._lose(lost)
        histories = len(self._visits(ahead)) + len(self._visits(behind)) + len(self._visits(lost))
        (
            self.env["crm.merge.opportunity"]
            .with_user(self.salesperson)
            .with_context(active_model="crm.lead", active_ids=(ahead | behind).ids)
            .create(
                {
                    "opportunity_ids": [Command.set((ahead | behind).ids)],
                    "user_id": self.salesperson.id,
                    "team_id": self.team.id,
                }
            )
            .action_merge()
        )
        # A loss waiting for approval is not merged away but by the head of sales.
        with self.assertRaises(AccessError):
            (ahead | lost).with_user(self.salesperson).merge_opportunity()
        self.assertEqual(self._visits(lost).mapped("outcome").count("lost"), 1)
        lost.with_user(self.head).action_approve_loss()
        # Odoo's deduplication merges deals whose loss is decided into the surviving one.
        (ahead | lost).with_user(self.salesperson).merge_opportunity()
        self.assertTrue(ahead.exists())
        self.assertFalse((behind | lost).exists())
        self.assertEqual(ahead.stage_id, self.stage("presentation"), "merging is not moving")
        visits = self.assertOneCleanChain(ahead, open_on="presentation")
        self.assertEqual(len(visits), histories, "the merged deals' visits came along")
        self.assertNotIn("lost", visits.mapped("outcome"), "the surviving deal is not lost")
        self.assertEqual(visits.mapped("outcome").count("merged"), 2)

    def test_merge_into_a_deal_on_another_stage(self):
        survivor = self._deal("Survivor", primary_demand="Drills")
        self._put_on(survivor, "agreement")
        plain = self.env["crm.lead"].create(
            {
                "name": "Plain opportunity",
                "type": "opportunity",
                "partner_id": self.client.id,
                "stage_id": self.env.ref("crm.stage_lead1").id,
                "team_id": self.env["crm.team"].create({"name": "Plain team"}).id,
            }
        )
        (survivor | plain).with_user(self.head).merge_opportunity(
            user_id=self.salesperson.id, team_id=self.team.id
        )
        self.assertEqual(survivor.stage_id, self.stage("agreement"))
        self.assertOneCleanChain(survivor, open_on="agreement")

    def test_deleting_a_deal_keeps_its_visits(self):
        deal = self._deal(primary_demand="Drills")
        self._put_on(deal, "presentation")
        visit_ids = self._visits(deal).ids
        deal.with_user(self.head).unlink()
        visits = self.env["crm.stage.log"].browse(visit_ids)
        self.assertEqual(len(visits.exists()), len(visit_ids), "the past funnel is unchanged")
        self.assertFalse(visits.filtered(lambda visit: not visit.date_out))
        self.assertEqual(visits.sorted("id")[-1].outcome, "left")
        readable = (
            self.env["crm.stage.log"].with_user(self.salesperson).search([("id", "in", visit_ids)])
        )
        self.assertEqual(readable, visits, "the salesperson still reads their history")
        hidden = (
            self.env["crm.stage.log"]
            .with_user(self.salesperson_other)
            .search([("id", "in", visit_ids)])
        )
        self.assertFalse(hidden, "a colleague does not")

    # what a salesperson's write cannot forge --------------------------------

    def test_a_deal_given_a_scenario_starts_on_its_first_step(self):
        plain_team = self.env["crm.team"].create({"name": "Plain team"})
        deal = self._deal("No scenario yet", team_id=plain_team.id, scenario_id=False)
        self.assertFalse(deal.scenario_id)
        deal.write({"scenario_id": self.typical.id, "stage_id": self.stage("won").id})
        self.assertEqual(deal.stage_id, self.stage("lead_rating"), "not won by a write")
        visits = self.assertOneCleanChain(deal, open_on="lead_rating")
        self.assertEqual(visits.mapped("outcome"), ["left", False])
        self.assertEqual(visits[-1].scenario_id, self.typical, "the open visit is the scenario's")
        won_elsewhere = self._deal("Won in a plain team", team_id=plain_team.id, scenario_id=False)
        won_elsewhere.write({"stage_id": self.stage("won").id})
        with self.assertRaises(UserError):
            won_elsewhere.write({"team_id": self.team.id})  # its scenario comes with the team

    def test_a_lead_converted_or_reopened_starts_where_a_new_deal_does(self):
        ahead = self._lead("On a later step", stage_id=self.stage("presentation").id)
        with self.assertRaises(UserError):
            ahead.write({"type": "opportunity"})
        archived = self._lead("Archived on won", stage_id=self.stage("won").id)
        archived.sudo().active = False
        with self.assertRaises(AccessError):
            archived.write({"type": "opportunity", "active": True})
        self.assertFalse(self._visits(ahead) | self._visits(archived))

    def test_visits_follow_whoever_holds_the_deal(self):
        deal = self._deal()
        deal.with_user(self.head).user_id = self.salesperson_other
        [visit] = self._visits(deal)
        self.assertEqual(visit.user_id, self.salesperson_other)
        self._lose(deal)
        self.assertEqual(self._visits(deal).user_id, self.salesperson_other, "their loss")

    def test_a_win_is_not_taken_back_by_a_salesperson(self):
        deal, _order = self._won_deal()
        with self.assertRaises(AccessError):
            self._lose(deal)
        self.assertEqual(self._visits(deal).mapped("outcome").count("won"), 1)

    def test_a_deal_merged_but_kept_keeps_its_history(self):
        first, second = self._deal("First"), self._deal("Second")
        (first | second).with_user(self.salesperson).merge_opportunity(auto_unlink=False)
        for deal in (first, second):
            self.assertOneCleanChain(deal, open_on="lead_rating")

    def test_documents_amounts_and_deliveries_are_not_written(self):
        deal = self._deal(primary_demand="Drills")
        self._put_on(deal, "agreement")
        order = self._quotation_for(deal)
        order.with_user(self.salesperson).action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).write({"amount_total": 0.0, "amount_untaxed": 0.0})
        stocked = order.order_line.filtered(lambda line: line.qty_delivered_method == "stock_move")
        with self.assertRaises(UserError):
            stocked.with_user(self.salesperson).qty_delivered = stocked.product_uom_qty
        self._commit_documents()
        self.assertNotEqual(deal.stage_id, self.stage("won"))


@tagged("post_install", "-at_install")
class TestStageHistoryAnalysis(SalesFunnelCommon):
    """The stage history screen counts visits, averages days and amounts, names open visits
    and the loss reason, and keeps a salesperson to their own deals."""

    def test_days_counts_averages_and_labels(self):
        mine = self._deal("Mine", expected_revenue=1000.0, primary_demand="Drills")
        self._move(mine, "meeting_preparation")
        theirs = self._deal("Theirs", user=self.salesperson_other, expected_revenue=3000.0)
        self._lose(theirs)
        visits = self.env["crm.stage.log"].search([("lead_id", "in", (mine | theirs).ids)])
        for visit in visits:
            visit.date_in = visit.date_in - timedelta(days=4)
            if visit.date_out:
                visit.date_out = visit.date_in + timedelta(days=2)
        self.env.flush_all()

        Report = self.env["crm.stage.visit.report"].with_user(self.head)
        rows = Report.search([("lead_id", "in", (mine | theirs).ids)])
        open_visit = rows.filtered(lambda row: row.lead_id == mine and row.outcome == "open")
        self.assertEqual(open_visit.stage_id, self.stage("meeting_preparation"))
        self.assertAlmostEqual(open_visit.days, 4.0, places=2, msg="so far, for an open visit")
        self.assertEqual(
            dict(Report._fields["outcome"]._description_selection(self.env))["open"], "Still here"
        )
        lost = rows.filtered(lambda row: row.outcome == "lost")
        self.assertEqual((lost.lead_id, lost.lost_reason_id), (theirs, self.lost_reason))

        [(count, days, amount)] = Report._read_group(
            [("lead_id", "in", (mine | theirs).ids), ("outcome", "!=", "open")],
            [],
            ["__count", "days:avg", "expected_revenue:avg"],
        )
        self.assertEqual(count, 2, "the first step of each deal, left")
        self.assertAlmostEqual(days, 2.0, places=2)
        self.assertEqual(amount, 2000.0, "averaged, not summed")

        as_salesperson = self.env["crm.stage.visit.report"].with_user(self.salesperson)
        self.assertEqual(
            as_salesperson.search([("lead_id", "in", (mine | theirs).ids)]).lead_id, mine
        )
        for user in (self.accountant, self.warehouse_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["crm.stage.visit.report"].with_user(user).search([])
