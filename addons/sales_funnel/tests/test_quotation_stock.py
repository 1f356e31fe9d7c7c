from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import SalesFunnelCommon


class ExpectedReceipts:
    def _expect_receipt(self, qty, date, product=None, warehouse=None):
        """A confirmed receipt of the supplier into the warehouse's stock, due on ``date``."""
        product = product or self.product
        warehouse = warehouse or self.warehouse
        supplier = self.env.ref("stock.stock_location_suppliers")
        receipt = (
            self.env["stock.picking"]
            .with_user(self.warehouse_user)
            .create(
                {
                    "picking_type_id": warehouse.in_type_id.id,
                    "location_id": supplier.id,
                    "location_dest_id": warehouse.lot_stock_id.id,
                    "scheduled_date": date,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "product_uom": product.uom_id.id,
                                "location_id": supplier.id,
                                "location_dest_id": warehouse.lot_stock_id.id,
                                "date": date,
                            }
                        )
                    ],
                }
            )
        )
        receipt.action_confirm()
        return receipt


@tagged("post_install", "-at_install")
class TestQuotationStock(ExpectedReceipts, SalesFunnelCommon):
    """A quotation line tells what comes in by its delivery date and what neither the free
    stock nor that can serve (Odoo's forecast widget shows it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.promised = fields.Datetime.now() + timedelta(days=10)
        cls.employee = mail_new_test_user(
            cls.env, login="as_employee", name="Emma Employee", groups="base.group_user"
        )

    def _quotation(self, lines, user=None):
        """A quotation of the deal promised for ``self.promised``: ``lines`` as (product, qty)."""
        return (
            self.env["sale.order"]
            .with_user(user or self.salesperson)
            .create(
                {
                    "partner_id": self.client.id,
                    "opportunity_id": self.deal.id,
                    "commitment_date": self.promised,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": qty})
                        for product, qty in lines
                    ],
                }
            )
        )

    def _numbers(self, line):
        # Odoo's forecast counts the lines before this one, computed with it in their order.
        lines = line.browse(line.order_id.order_line.ids)
        self.env.invalidate_all()
        lines.mapped("stock_shortage_qty")
        return line.incoming_qty_at_date, line.stock_shortage_qty, line.is_stock_shortage

    def test_incoming_by_the_date_and_shortage(self):
        self._expect_receipt(2, self.promised - timedelta(days=3))
        self._expect_receipt(4, self.promised + timedelta(days=3))  # too late for the client
        line = self._quotation([(self.product, 10)]).order_line
        self.assertEqual(line.free_qty_today, 5, "Odoo's own forecast: 5 free in stock")
        self.assertEqual(self._numbers(line), (2, 3, True), "10 - 5 free - 2 incoming")

        line.product_uom_qty = 7
        self.assertEqual(self._numbers(line), (2, 0, False), "5 + 2 serve 7")
        line.product_uom_qty = 8
        self.assertEqual(self._numbers(line), (2, 1, True))

    def test_draft_receipt_and_other_warehouse_do_not_count(self):
        draft = self._expect_receipt(3, self.promised - timedelta(days=1))
        draft.action_cancel()
        other_warehouse = self.env["stock.warehouse"].create(
            {"name": "Second warehouse", "code": "WH2", "company_id": self.company.id}
        )
        self._expect_receipt(6, self.promised - timedelta(days=1), warehouse=other_warehouse)
        line = self._quotation([(self.product, 10)]).order_line
        self.assertEqual(self._numbers(line), (0, 5, True))

    def test_lines_of_one_product_share_the_stock(self):
        """Odoo's forecast counts the lines before a line of the same product; so does the
        shortage, each line short by at most its own quantity."""
        self._expect_receipt(2, self.promised - timedelta(days=1))
        first, second = self._quotation([(self.product, 4), (self.product, 6)]).order_line
        self.assertEqual(self._numbers(first), (2, 0, False))
        self.assertEqual(self._numbers(second), (2, 3, True), "4 of the 7 went to the first line")
        order = first.order_id
        order.order_line = [Command.create({"product_id": self.product.id, "product_uom_qty": 5})]
        third = order.order_line[2]
        self.assertEqual(self._numbers(third), (2, 5, True), "nothing left: short by all 5")

    def test_unit_of_the_line(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        self._expect_receipt(12, self.promised - timedelta(days=1))
        line = self._quotation([(self.product, 2)]).order_line
        line.product_uom = dozen
        line.product_uom_qty = 2
        incoming, shortage, short = self._numbers(line)
        self.assertAlmostEqual(incoming, 1.0, msg="12 units are a dozen")
        self.assertAlmostEqual(shortage, 2 - 5 / 12 - 1, places=2)
        self.assertTrue(short)

    def test_only_storable_goods_on_quotations(self):
        self._expect_receipt(2, self.promised - timedelta(days=1))
        consumable = self.env["product.product"].create(
            {"name": "Drill bits", "type": "consu", "is_storable": False}
        )
        service = self.env["product.product"].create({"name": "Setup", "type": "service"})
        order = self._quotation([(self.product, 10), (consumable, 50), (service, 1)])
        drill, bits, setup = order.order_line
        for line in (bits, setup):
            self.assertEqual(self._numbers(line), (0, 0, False))
        self.assertEqual(self._numbers(drill), (2, 3, True))
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(self._numbers(drill), (0, 0, False), "an order: Odoo's moves say it")

    def test_roles(self):
        self._expect_receipt(2, self.promised - timedelta(days=1))
        line = self._quotation([(self.product, 10)]).order_line
        # A salesperson does not read the warehouse's moves, yet sees what comes in.
        for user in (self.salesperson, self.head):
            self.assertEqual(self._numbers(line.with_user(user)), (2, 3, True))
        # Odoo lets the warehouse read the sales; not a colleague or a plain employee.
        self.assertEqual(self._numbers(line.with_user(self.warehouse_user)), (2, 3, True))
        for user in (self.salesperson_other, self.employee):
            with self.assertRaises(AccessError):
                line.with_user(user).read(["stock_shortage_qty"])

    def test_queries_do_not_grow_with_the_lines(self):
        """What comes in is read in one query for all the lines of a warehouse and date, as
        Odoo reads the forecast beside it."""
        products = self.env["product.product"].create(
            [{"name": f"Tool {index}", "is_storable": True, "type": "consu"} for index in range(20)]
        )
        for product in products:
            self._expect_receipt(1, self.promised - timedelta(days=1), product=product)
        self.env["stock.quant"]._update_available_quantity(
            products[0], self.warehouse.lot_stock_id, 2.0
        )
        warm_up = self._quotation([(products[0], 1)]).order_line
        one = self._quotation([(products[1], 5)]).order_line
        twenty = self._quotation([(product, 5) for product in products]).order_line
        ours = ["incoming_qty_at_date", "stock_shortage_qty", "is_stock_shortage"]

        def compute(lines):
            lines = lines.with_user(self.salesperson).browse(lines.ids)
            self.env.invalidate_all()
            # Odoo's forecast first: the widget shows both.
            lines.mapped("free_qty_today")
            lines.invalidate_recordset(ours)
            before = self.cr.sql_log_count
            lines.mapped("stock_shortage_qty")
            return self.cr.sql_log_count - before

        compute(warm_up)
        queries = compute(one)
        self.assertLessEqual(queries, 3)
        self.assertEqual(compute(twenty), queries, "20 lines cost what one does")
        lines = twenty.with_user(self.salesperson).browse(twenty.ids)
        lines.invalidate_recordset(ours)
        with self.assertQueryCount(queries):
            lines.mapped("incoming_qty_at_date")
        self.assertEqual(twenty.mapped("incoming_qty_at_date"), [1.0] * 20)
        self.assertEqual(twenty.mapped("stock_shortage_qty"), [2.0] + [4.0] * 19)


@tagged("post_install", "-at_install")
class TestQuotationStockUi(ExpectedReceipts, HttpCase, SalesFunnelCommon):
    def test_forecast_widget_tells_the_shortage(self):
        """Odoo's forecast icon on the quotation line turns red and its popover tells what
        comes in by the date and by how much the line falls short."""
        promised = fields.Datetime.now() + timedelta(days=10)
        self._expect_receipt(2, promised - timedelta(days=3))
        order = self._quotation_for(self.deal, qty=10)
        order.commitment_date = promised
        self.start_tour(
            f"/odoo/sales/{order.id}", "sales_funnel_quotation_stock", login=self.salesperson.login
        )

    def test_pipeline_and_form_show_the_reservation(self):
        self.deal.primary_demand = "Drills"
        self._quotation_for(self.deal, qty=8).action_confirm()
        self._commit_documents()
        self.start_tour(
            "/odoo/action-crm.crm_lead_action_pipeline",
            "sales_funnel_reservation_badge",
            login=self.salesperson.login,
        )
