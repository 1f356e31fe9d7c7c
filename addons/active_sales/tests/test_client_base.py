from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sales_funnel.tests.common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestClientBase(SalesFunnelCommon):
    def _my_clients(self, user, filter_name):
        """The client base as the user sees it with the given search filter on."""
        action = self.env.ref("active_sales.action_client_base")
        view = self.env.ref("active_sales.view_res_partner_filter_client_base")
        arch = view._get_combined_arch()
        filter_domain = arch.xpath(f"//filter[@name='{filter_name}']")[0].get("domain")
        domain = safe_eval(action.domain, {"uid": user.id}) + safe_eval(
            filter_domain, {"uid": user.id}
        )
        return self.env["res.partner"].with_user(user).search(domain)

    def test_client_moves_to_bought_with_a_confirmed_order(self):
        self.assertIn(self.client, self._my_clients(self.salesperson, "never_bought"))
        self.assertNotIn(self.client, self._my_clients(self.salesperson, "bought"))

        self._quotation_for(self.deal).with_user(self.salesperson).action_confirm()

        self.assertIn(self.client, self._my_clients(self.salesperson, "bought"))
        self.assertNotIn(self.client, self._my_clients(self.salesperson, "never_bought"))
        self.assertIn(self.client, self._my_clients(self.salesperson, "my_clients"))
        self.assertNotIn(self.client, self._my_clients(self.salesperson_other, "my_clients"))
