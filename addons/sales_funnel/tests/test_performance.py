from odoo.fields import Command
from odoo.tests import tagged

from .common import SalesFunnelCommon

# Queries of one engine pass for 10 or 100 deals alike (measured: 18/14 and 22/22).
ENGINE_QUERIES_CONFIRM = 18
ENGINE_QUERIES_PAY = 22


@tagged("post_install", "-at_install", "sales_funnel_performance")
class TestEnginePerformance(SalesFunnelCommon):
    """Confirming or paying N orders in one call costs the engine the same queries for any N."""

    def _deals_with_quotations(self, count):
        deals = self.env["crm.lead"].create(
            [
                {
                    "name": f"Bulk deal {index}",
                    "type": "opportunity",
                    "partner_id": self.client.id,
                    "user_id": self.salesperson.id,
                    "team_id": self.team.id,
                    "stage_id": self.stage("agreement").id,
                }
                for index in range(count)
            ]
        )
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.client.id,
                    "opportunity_id": deal.id,
                    "order_line": [Command.create({"product_id": self.service.id})],
                }
                for deal in deals
            ]
        )
        return deals, orders

    def _engine_pass(self, expected):
        """Run the engine's pre-commit pass alone, after flushing what the documents wrote."""
        self.env.flush_all()
        with self.assertQueryCount(expected, flush=False):
            self.env["crm.lead"]._sf_run_scheduled_sync()

    def setUp(self):
        super().setUp()
        self.service = self.env["product.product"].create(
            {"name": "Consulting", "type": "service", "list_price": 50.0, "invoice_policy": "order"}
        )

    def test_confirm_orders_in_one_call(self):
        for count in (10, 100):
            deals, orders = self._deals_with_quotations(count)
            orders.action_confirm()
            self._engine_pass(ENGINE_QUERIES_CONFIRM)
            self.assertEqual(set(deals.mapped("stage_id.name")), {"Payment"})

    def test_pay_invoices_in_one_call(self):
        for count in (10, 100):
            deals, orders = self._deals_with_quotations(count)
            orders.action_confirm()
            self._commit_documents()
            invoices = orders._create_invoices()
            invoices.action_post()
            self._pay(invoices)
            self._engine_pass(ENGINE_QUERIES_PAY)
            self.assertEqual(set(deals.mapped("stage_id.name")), {"Won"}, "services: paid = done")
