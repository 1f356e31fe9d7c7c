from odoo.tests import HttpCase, tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestReservationsUi(HttpCase, SalesFunnelCommon):
    def test_warehouse_reserves_an_order_from_the_report(self):
        """8 drills ordered, 5 in stock, nothing reserved: the warehouse user opens the
        report from the Inventory menu and reserves the 5 for the order."""
        order = self._quotation_for(self.deal, qty=8)
        order.action_confirm()
        order.picking_ids.do_unreserve()
        self.start_tour("/odoo", "sales_funnel_reservations", login=self.warehouse_user.login)
        self.assertEqual(order.picking_ids.move_ids.quantity, 5.0)
        self.assertEqual(order.picking_ids.state, "assigned")
