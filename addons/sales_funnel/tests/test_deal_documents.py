from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestDealDocuments(SalesFunnelCommon):
    def _action_records(self, xmlid, user):
        action = self.env.ref(xmlid)
        model = self.env[action.res_model].with_user(user)
        return model.search(safe_eval(action.domain or "[]", {"uid": user.id}))

    def test_roles(self):
        head_groups = self.head.groups_id
        self.assertIn(self.env.ref("sales_funnel.group_active_sales_salesperson"), head_groups)
        self.assertIn(self.env.ref("sales_team.group_sale_manager"), head_groups)
        self.assertIn(self.env.ref("sales_team.group_sale_salesman"), self.salesperson.groups_id)
        self.assertNotIn(
            self.env.ref("sales_team.group_sale_salesman_all_leads"), self.salesperson.groups_id
        )
        # Odoo's own "own documents" rule keeps a salesperson out of a colleague's deal.
        with self.assertRaises(AccessError):
            self.deal.with_user(self.salesperson_other).read(["name"])

    def test_deal_with_confirmed_order(self):
        order = self._quotation_for(self.deal, qty=3)
        self.assertNotIn(
            self.deal,
            self._action_records("sales_funnel.action_deals_in_fulfilment", self.salesperson),
        )
        order.with_user(self.salesperson).action_confirm()

        self.assertEqual(order.state, "sale")
        self.assertEqual(self.deal.order_ids, order)
        self.assertEqual(self.deal.sale_amount_total, order.amount_untaxed)
        self.assertIn(
            self.deal,
            self._action_records("sales_funnel.action_deals_in_fulfilment", self.salesperson),
        )
        # The warehouse sees the reservation with its deal, without any CRM right.
        rows = self._action_records("sales_funnel.action_deal_reservations", self.warehouse_user)
        row = rows.filtered(lambda r: r.order_id == order)
        self.assertEqual((row.ordered_qty, row.reserved_qty), (3, 3), "5 in stock: 3 reserved")
        self.assertEqual(row.with_user(self.warehouse_user).lead_id.display_name, self.deal.name)
