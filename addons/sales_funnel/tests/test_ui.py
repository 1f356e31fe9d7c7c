from odoo.tests import HttpCase, tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestSalesFunnelUi(HttpCase, SalesFunnelCommon):
    def test_salesperson_opens_a_deal(self):
        self.deal.stage_id = self.env["crm.stage"].search([], order="sequence", limit=1)
        self.start_tour("/odoo", "sales_funnel_open_deal", login=self.salesperson.login)
