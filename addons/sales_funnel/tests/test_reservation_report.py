from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestReservationReport(SalesFunnelCommon):
    """stock.reservation.report: one row per confirmed order line with its deliveries; the
    Drill has 5 units in the main warehouse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report = cls.env["stock.reservation.report"]
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.employee = mail_new_test_user(
            cls.env, login="as_employee_resv", name="Emma Employee", groups="base.group_user"
        )

    def _order(self, qty, deal=None, warehouse=None, **values):
        deal = deal or self.deal
        order = self._quotation_for(deal, qty=qty)
        if warehouse or values:
            order.sudo().write({"warehouse_id": (warehouse or self.warehouse).id, **values})
        order.with_user(deal.user_id).action_confirm()
        return order

    def _row(self, order, user=None):
        self.env.flush_all()
        self.env.invalidate_all()
        report = self.report.with_user(user) if user else self.report
        rows = report.search([("order_id", "=", order.id)])
        self.assertEqual(len(rows), 1, "one row for the order's one product line")
        return rows

    def _assert_row(self, row, **expected):
        self.assertEqual({name: row[name] for name in expected}, expected)

    def _receipt(self, qty, warehouse=None):
        warehouse = warehouse or self.warehouse
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "location_id": self.supplier_location.id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom_qty": qty,
                            "product_uom": self.product.uom_id.id,
                            "location_id": self.supplier_location.id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        return receipt

    def _validate(self, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()

    # ------------------------------------------------------------
    # quantities
    # ------------------------------------------------------------

    def test_partial_reservation(self):
        order = self._order(8)
        row = self._row(order)
        self._assert_row(
            row,
            order_line_id=order.order_line,
            lead_id=self.deal,
            partner_id=self.client,
            user_id=self.salesperson,
            team_id=self.team,
            company_id=self.company,
            product_id=self.product,
            product_uom_id=self.product.uom_id,
            warehouse_id=self.warehouse,
            ordered_qty=8.0,
            delivered_qty=0.0,
            reserved_qty=5.0,
            missing_qty=3.0,
            free_qty=0.0,
            incoming_qty=0.0,
        )
        self.assertEqual(row.commitment_date, order.picking_ids.scheduled_date)

    def test_commitment_date_of_the_order_first(self):
        promised = datetime(2030, 1, 15, 10, 0)
        order = self._order(1, commitment_date=promised)
        self.assertEqual(self._row(order).commitment_date, promised)

    def test_incoming_then_reserved_when_the_receipt_arrives(self):
        order = self._order(8)
        receipt = self._receipt(3)
        self._assert_row(self._row(order), incoming_qty=3.0, reserved_qty=5.0, missing_qty=3.0)
        self._validate(receipt)
        self._assert_row(self._row(order), incoming_qty=0.0)
        self._row(order).with_user(self.warehouse_user).action_reserve()
        self._assert_row(
            self._row(order), reserved_qty=8.0, missing_qty=0.0, free_qty=0.0, incoming_qty=0.0
        )

    def test_unreserve_and_reserve_again(self):
        order = self._order(8)
        self._row(order).with_user(self.warehouse_user).action_unreserve()
        self._assert_row(self._row(order), reserved_qty=0.0, missing_qty=8.0, free_qty=5.0)
        self._row(order).with_user(self.warehouse_user).action_reserve()
        self._assert_row(self._row(order), reserved_qty=5.0, missing_qty=3.0, free_qty=0.0)

    def test_delivered(self):
        order = self._order(3)
        self._assert_row(self._row(order), reserved_qty=3.0, missing_qty=0.0, free_qty=2.0)
        self._deliver(order)
        self._assert_row(
            self._row(order),
            ordered_qty=3.0,
            delivered_qty=3.0,
            reserved_qty=0.0,
            missing_qty=0.0,
            free_qty=2.0,
        )

    def test_nothing_left_to_reserve_once_delivered(self):
        order = self._order(3)
        self._deliver(order)
        row = self._row(order).with_user(self.warehouse_user)
        with self.assertRaisesRegex(UserError, "no delivery left to prepare"):
            row.action_reserve()

    def test_two_warehouses(self):
        north = self.env["stock.warehouse"].create(
            {"name": "North", "code": "NRT", "company_id": self.company.id}
        )
        self.env["stock.quant"]._update_available_quantity(self.product, north.lot_stock_id, 2.0)
        self._receipt(4, warehouse=north)
        north_order = self._order(8, warehouse=north)
        main_order = self._order(1)
        self._assert_row(
            self._row(north_order),
            warehouse_id=north,
            reserved_qty=2.0,
            missing_qty=6.0,
            free_qty=0.0,
            incoming_qty=4.0,
        )
        self._assert_row(
            self._row(main_order),
            warehouse_id=self.warehouse,
            reserved_qty=1.0,
            missing_qty=0.0,
            free_qty=4.0,
            incoming_qty=0.0,
        )

    def test_cancelled_order_has_no_row(self):
        order = self._order(2)
        order.sudo()._action_cancel()
        self.env.flush_all()
        self.assertFalse(self.report.search([("order_id", "=", order.id)]))

    # ------------------------------------------------------------
    # who sees what
    # ------------------------------------------------------------

    def _other_order(self):
        """An order of Oscar's (the client is Sally's: the order would default to her)."""
        other_deal = self._deal("Oscar's drills", user=self.salesperson_other)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.client.id,
                "opportunity_id": other_deal.id,
                "user_id": self.salesperson_other.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        return order

    def test_salespeople_see_their_own_rows(self):
        mine, theirs = self._order(2), self._other_order()
        self.env.flush_all()
        domain = [("order_id", "in", (mine | theirs).ids)]
        self.assertEqual(self.report.with_user(self.salesperson).search(domain).order_id, mine)
        self.assertEqual(
            self.report.with_user(self.salesperson_other).search(domain).order_id, theirs
        )
        self.assertEqual(self.report.with_user(self.head).search(domain).order_id, mine | theirs)
        with self.assertRaises(AccessError):
            self.report.with_user(self.salesperson).browse(self._row(theirs).id).read(
                ["missing_qty"]
            )

    def test_warehouse_reads_every_row_and_the_deal_name_only(self):
        mine, theirs = self._order(2), self._other_order()
        self.env.flush_all()
        rows = self.report.with_user(self.warehouse_user).search(
            [("order_id", "in", (mine | theirs).ids)]
        )
        self.assertEqual(rows.order_id, mine | theirs)
        row = self._row(mine, user=self.warehouse_user)
        [values] = row.web_read(
            {"lead_id": {"fields": {"display_name": {}}}, "user_id": {"fields": {}}}
        )
        self.assertEqual(
            values["lead_id"], {"id": self.deal.id, "display_name": "Drills for Client Ltd"}
        )
        self.assertEqual(values["user_id"], {"id": self.salesperson.id})
        self.assertEqual(row.read(["lead_id"])[0]["lead_id"], (self.deal.id, self.deal.name))
        with self.assertRaises(AccessError):
            row.lead_id.read(["expected_revenue"])

    def test_no_access_without_sales_or_stock_rights(self):
        order = self._order(2)
        row = self._row(order)
        for user in (self.employee, self.accountant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.report.with_user(user).search([("id", "=", row.id)])

    def test_only_the_warehouse_reserves(self):
        order = self._order(8)
        row = self._row(order)
        self.salesperson.lang = "en_US"
        for user in (self.salesperson, self.head):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(AccessError, "Only warehouse staff"):
                    row.with_user(user).action_reserve()
                with self.assertRaisesRegex(AccessError, "Only warehouse staff"):
                    row.with_user(user).action_unreserve()
        self._assert_row(self._row(order), reserved_qty=5.0)

    def test_other_company_rows_are_hidden(self):
        order = self._order(2)
        other = self.env["res.company"].create({"name": "Other company"})
        self.head.write({"company_ids": [Command.link(other.id)], "company_id": other.id})
        self.env.flush_all()
        report = self.report.with_user(self.head).with_context(allowed_company_ids=other.ids)
        self.assertFalse(report.search([("order_id", "=", order.id)]))

    # ------------------------------------------------------------
    # performance
    # ------------------------------------------------------------

    def test_grouped_read_query_count_does_not_grow(self):
        report = self.report.with_user(self.warehouse_user)

        def grouped_read():
            self.env.flush_all()
            self.env.invalidate_all()
            return report._read_group(
                [("product_id", "=", self.product.id)],
                ["warehouse_id", "product_id"],
                ["ordered_qty:sum", "reserved_qty:sum", "missing_qty:sum"],
            )

        self._order(1)
        grouped_read()  # warm-up: rules and field metadata
        # The report's settings (one statement), then the grouped read.
        with self.assertQueryCount(2):
            grouped_read()
        for qty in (1, 2, 3, 4):
            self._order(qty)
        with self.assertQueryCount(2):
            groups = grouped_read()
        sums = {
            (warehouse, product): (ordered, reserved, missing)
            for warehouse, product, ordered, reserved, missing in groups
        }
        # Odoo reserves at confirmation, order after order: 1, 1, 2, 1 of 3, none of 4.
        self.assertEqual(sums, {(self.warehouse, self.product): (11.0, 5.0, 6.0)})
