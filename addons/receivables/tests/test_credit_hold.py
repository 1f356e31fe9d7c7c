from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ReceivablesCommon


@tagged("post_install", "-at_install")
class TestCreditHold(ReceivablesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head = mail_new_test_user(
            cls.env,
            login="rcv_head",
            name="Hugo Head",
            groups="base.group_user,sales_team.group_sale_manager,receivables.group_credit_hold_override",
        )
        cls.env.company.write(
            {"credit_hold_days": 30, "credit_hold_amount": 100.0, "credit_hold_mode": "block"}
        )
        cls.old_invoice = cls._invoice(500.0, cls._days_ago(45))

    def _quotation(self):
        return (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.client.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        )

    def test_block_names_the_debt(self):
        order = self._quotation()
        self.assertIn("owes", order.credit_hold_message)
        with self.assertRaisesRegex(
            UserError, r"(?s)Credit hold.*Debtor Ltd owes .*500\.00.*more than 30 days"
        ):
            order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_head_overrides_and_it_is_logged(self):
        order = self._quotation()
        action = order.with_user(self.head).action_confirm()
        self.assertEqual(action["res_model"], "receivables.credit.hold.wizard")
        self.assertEqual(order.state, "draft", "not before the head confirms")
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.head)
            .with_context(**action["context"])
            .create({})
        )
        wizard.action_confirm_anyway()
        self.assertEqual(order.state, "sale")
        bodies = order.message_ids.mapped("body")
        self.assertTrue(
            any("Credit hold overridden by Hugo Head" in (body or "") for body in bodies)
        )

    def test_salesperson_cannot_force_in_block_mode(self):
        order = self._quotation()
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).with_context(
                credit_hold_confirmed=True
            ).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_warn_mode_asks_then_logs(self):
        self.env.company.credit_hold_mode = "warn"
        order = self._quotation()
        action = order.with_user(self.salesperson).action_confirm()
        self.assertEqual(action["res_model"], "receivables.credit.hold.wizard")
        self.assertIn("500.00", action["context"]["default_message"])
        self.env[action["res_model"]].with_user(self.salesperson).with_context(
            **action["context"]
        ).create({}).action_confirm_anyway()
        self.assertEqual(order.state, "sale")
        self.assertTrue(
            any(
                "despite the credit hold" in (body or "")
                for body in order.message_ids.mapped("body")
            )
        )

    def test_within_limits_confirms(self):
        self.env.company.credit_hold_amount = 1000.0
        order = self._quotation()
        self.assertFalse(order.credit_hold_message)
        self.assertTrue(order.with_user(self.salesperson).action_confirm())
        self.assertEqual(order.state, "sale")
        self.env.company.write({"credit_hold_amount": 0.0, "credit_hold_days": 60})
        self.assertFalse(self._quotation().credit_hold_message, "45 days overdue is under 60")
        self.env.company.credit_hold_days = 0
        self.assertFalse(self._quotation().credit_hold_message, "0 days: off")


@tagged("post_install", "-at_install")
class TestSettlementPanel(ReceivablesCommon):
    def test_client_debt_on_partner_deal_and_quotation(self):
        self._invoice(300.0, self._days_ago(10))
        self._invoice(200.0, self._days_ago(-5), invoice_date=self._days_ago(0))
        self._confirmed_order(qty=2)
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.client.id})
        for record in (self.client, contact):
            self.assertEqual(record.receivable_open_amount, 500.0)
            self.assertEqual(record.receivable_overdue_amount, 300.0)
            self.assertEqual(record.receivable_max_days_overdue, 10)
            self.assertEqual(record.receivable_open_invoice_count, 2)
            self.assertEqual(record.unpaid_order_count, 1)
        deal = self.deal.with_user(self.salesperson)
        self.assertEqual(
            (deal.receivable_open_amount, deal.receivable_overdue_amount), (500.0, 300.0)
        )
        quotation = (
            self.env["sale.order"].with_user(self.salesperson).create({"partner_id": contact.id})
        )
        self.assertEqual(quotation.receivable_overdue_amount, 300.0)
        action = self.client.action_view_open_receivables()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]).mapped("amount_open"),
            [300.0, 200.0],
        )
