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
