from odoo.tests import HttpCase, tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestSalesFunnelUi(HttpCase, SalesFunnelCommon):
    def test_salesperson_moves_a_deal_through_the_dialog(self):
        """Log in, open the pipeline and a deal, move it with the move dialog."""
        self.deal.primary_demand = "Drills"
        self.start_tour("/odoo", "sales_funnel_move_deal", login=self.salesperson.login)
        self.assertEqual(self.deal.stage_id, self.stage("meeting_preparation"))
        self.assertEqual(self.deal.stage_log_ids.sorted("id")[0].outcome, "moved")

    def test_list_archive_of_a_scenario_deal_points_to_lost(self):
        """The list's Archive, as the salesperson: refused on the server, with what to do."""
        self.start_tour("/odoo", "sales_funnel_archive_refused", login=self.salesperson.login)
        self.assertTrue(self.deal.active)
        self.assertFalse(self.deal.stage_log_ids.filtered("outcome").mapped("outcome"))

    def test_salesperson_drags_a_deal_to_the_next_step(self):
        """Drag the card to the next step's column: the move dialog for that step, then the
        card in its new column once the move is done."""
        self.deal.primary_demand = "Drills"
        call = self.deal.activity_ids
        self.assertTrue(call, "the first step plans its entry activity")
        self.start_tour("/odoo", "sales_funnel_drag_deal", login=self.salesperson.login)
        self.assertEqual(self.deal.stage_id, self.stage("meeting_preparation"))
        visits = self.deal.stage_log_ids.sorted("id")
        self.assertEqual(
            visits.stage_id, self.stage("lead_rating") | self.stage("meeting_preparation")
        )
        self.assertEqual(visits[0].outcome, "moved")
        self.assertFalse(call.exists(), "the current activity is done")
        self.assertIn(
            "Needs 20 drills a month",
            "".join(self.deal.message_ids.mapped("body")),
            "with its result in the chatter",
        )

    def test_dragging_over_a_step_is_refused_in_the_users_language(self):
        """Drag the card two steps ahead, as a salesperson working in Russian: the refusal
        in Russian, no dialog, and the deal where it was."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"].search([("name", "=", "sales_funnel")])._update_translations(
            ["ru_RU"]
        )
        self.salesperson.lang = "ru_RU"
        self.deal.primary_demand = "Drills"
        self.start_tour("/odoo", "sales_funnel_drag_skip_refused", login=self.salesperson.login)
        self.assertEqual(self.deal.stage_id, self.stage("lead_rating"))
        self.assertEqual(len(self.deal.stage_log_ids), 1, "no visit opened or closed")
        self.assertFalse(self.deal.stage_log_ids.outcome)
