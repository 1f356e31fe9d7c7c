from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ReceivablesCommon
from .menus import ACCOUNTANT_MENUS, HEAD_MENUS, SALESPERSON_MENUS, MenuWalkMixin


@tagged("post_install", "-at_install")
class TestReceivablesRoles(ReceivablesCommon, MenuWalkMixin):
    """Who sees which debts: the aging, the panel, the wizards and every menu of the addon,
    for the four roles and an employee with no sales or accounting right."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = cls._new_user(
            "rcv_colleague", "Cora Colleague", "sales_team.group_sale_salesman"
        )
        cls.head = cls._new_user("rcv_head", "Hugo Head", "sales_team.group_sale_manager")
        warehouse_group = "stock.group_stock_user" if "stock.picking" in cls.env else ""
        cls.warehouse = cls._new_user("rcv_warehouse", "Walt Warehouse", warehouse_group)
        cls.employee = cls._new_user("rcv_employee", "Emma Employee", "")
        cls.theirs = cls.env["res.partner"].create(
            {"name": "Colleague's client", "user_id": cls.colleague.id}
        )
        cls._invoice(100.0, cls._days_ago(5))
        cls._invoice(80.0, cls._days_ago(5), partner=cls.theirs)
        cls.clients = cls.client | cls.theirs
        cls.sees = {
            cls.salesperson: cls.client,
            cls.colleague: cls.theirs,
            cls.head: cls.clients,
            cls.accountant: cls.clients,
        }

    def test_get_aging_per_role(self):
        Aging = self.env["receivables.aging.report"]
        today = self._days_ago(0)
        for user, clients in self.sees.items():
            with self.subTest(user=user.login):
                rows = Aging.with_user(user).get_aging(today)["rows"]
                seen = self.env["res.partner"].browse(row["partner_id"] for row in rows)
                self.assertEqual(seen & self.clients, clients)
                losses = Aging.with_user(user).get_overdue_losses(today)
                self.assertEqual(
                    sum(loss["amount_overdue"] for loss in losses),
                    sum(100.0 if client == self.client else 80.0 for client in clients),
                )
        for user in (self.warehouse, self.employee):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Aging.with_user(user).get_aging(today)

    def test_settlement_panel_per_role(self):
        for user in (*self.sees, self.warehouse, self.employee):
            visible = self.sees.get(user, self.env["res.partner"])
            for client in self.clients:
                with self.subTest(user=user.login, client=client.name):
                    panel = client.with_user(user)
                    expected = (
                        (100.0 if client == self.client else 80.0) if client in visible else 0.0
                    )
                    self.assertEqual(panel.receivable_open_amount, expected)
                    self.assertEqual(panel.receivable_overdue_amount, expected)

    def test_debts_on_orders_and_deals_per_role(self):
        """An order or a deal shows its client's debt as the client's card does: a
        related field would read it as the superuser."""
        for user in (*self.sees, self.warehouse, self.employee):
            visible = self.sees.get(user, self.env["res.partner"])
            for client in self.clients:
                if user in (self.warehouse, self.employee):
                    with self.subTest(user=user.login), self.assertRaises(AccessError):
                        self.deal.with_user(user).read(["receivable_open_amount"])
                    continue
                deal = self.env["crm.lead"].create(
                    {"name": "Deal", "partner_id": client.id, "user_id": user.id}
                )
                with self.subTest(user=user.login, client=client.name):
                    expected = (
                        (100.0 if client == self.client else 80.0) if client in visible else 0.0
                    )
                    self.assertEqual(deal.with_user(user).receivable_open_amount, expected)
        with self.assertRaises(AccessError):
            self.client.with_user(self.warehouse).read(["debt_notice_date"])
        orders = self.env["sale.order"].with_user(self.warehouse)
        orders.search_read([], ["name"])  # warehouse staff read the orders they ship
        for field in ("receivable_open_amount", "credit_hold_message"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                orders.search_read([], [field])

    def test_notice_wizard_per_role(self):
        Wizard = self.env["receivables.notify.wizard"]
        for user in (self.head, self.accountant):
            Wizard.with_user(user).create({}).action_select()
        for user in (self.salesperson, self.warehouse, self.employee):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Wizard.with_user(user).create({})

    def test_every_menu_opens_for_each_role(self):
        self.assertMenusOpen(
            ["receivables"],
            {
                self.salesperson: SALESPERSON_MENUS,
                self.head: HEAD_MENUS,
                self.accountant: ACCOUNTANT_MENUS,
                self.warehouse: set(),
                self.employee: set(),
            },
        )
