from odoo.fields import Command
from odoo.tests import tagged

from .common import SalesFunnelCommon

# Ceilings of one engine pass, measured at 10 and 40 documents alike: 42 after payments,
# 39 after deliveries (moving the deals, closing the activities of the steps they leave,
# planning those of the steps they enter, one note per deal in its salesperson's language,
# the last expected revenue and, for won deals, the furthest step on the closing visits).
ENGINE_QUERIES_AFTER_PAYMENTS = 42
ENGINE_QUERIES_AFTER_DELIVERIES = 39


@tagged("post_install", "-at_install", "sales_funnel_performance")
class TestEnginePerformance(SalesFunnelCommon):
    """The engine's pass after a document action costs the same queries for 10 or 40
    documents, whoever acts: the accountant paying invoices in one call, the warehouse
    validating deliveries in one call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 1000.0
        )

    def _confirmed_deals(self, count):
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
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
                for deal in deals
            ]
        )
        orders.action_confirm()
        self._commit_documents()
        return deals, orders

    def _engine_pass_queries(self):
        """Queries of the engine's pre-commit pass alone, after flushing the documents."""
        self.env.flush_all()
        before = self.cr.sql_log_count
        self.env["crm.lead"]._run_document_sync()
        return self.cr.sql_log_count - before

    def _queries_after_payments(self, count):
        deals, orders = self._confirmed_deals(count)
        invoices = self._invoice(orders)
        self._pay(invoices, user=self.accountant)
        queries = self._engine_pass_queries()
        self.assertEqual(deals.stage_id, self.stage("shipment"), "every deal paid")
        return queries

    def _queries_after_deliveries(self, count):
        deals, orders = self._confirmed_deals(count)
        self._pay(self._invoice(orders))
        self._commit_documents()
        pickings = orders.picking_ids.with_user(self.warehouse_user)
        pickings.action_assign()
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        pickings.button_validate()
        queries = self._engine_pass_queries()
        self.assertEqual(deals.stage_id, self.stage("won"), "every deal paid and delivered")
        return queries

    def test_payments_by_the_accountant(self):
        self._queries_after_payments(2)  # warm-up: caches, first-use queries
        ten, forty = self._queries_after_payments(10), self._queries_after_payments(40)
        self.assertEqual(ten, forty, "40 payments cost the engine what 10 do")
        self.assertLessEqual(forty, ENGINE_QUERIES_AFTER_PAYMENTS)

    def test_deliveries_by_the_warehouse(self):
        self._queries_after_deliveries(2)
        ten, forty = self._queries_after_deliveries(10), self._queries_after_deliveries(40)
        self.assertEqual(ten, forty, "40 deliveries cost the engine what 10 do")
        self.assertLessEqual(forty, ENGINE_QUERIES_AFTER_DELIVERIES)
