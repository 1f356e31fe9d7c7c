from unittest import SkipTest
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.sale.models.sale_order import SaleOrder

from .common import ReceivablesCommon


@tagged("post_install", "-at_install")
class TestCreditHold(ReceivablesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head = cls._new_user(
            "rcv_head",
            "Hugo Head",
            "sales_team.group_sale_manager,receivables.group_credit_hold_override",
        )
        cls.env.company.write(
            {"credit_hold_days": 30, "credit_hold_amount": 100.0, "credit_hold_mode": "block"}
        )
        cls.old_invoice = cls._invoice(500.0, cls._days_ago(45))

    def _quotation(self, user=None, company=None):
        return (
            self.env["sale.order"]
            .with_user(user or self.salesperson)
            .create(
                {
                    "partner_id": self.client.id,
                    "company_id": (company or self.env.company).id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        )

    def _aging_queries(self):
        """Spy on the cursor: the queries that read the receivable lines."""
        return patch.object(self.env.cr, "execute", wraps=self.env.cr.execute)

    @staticmethod
    def _count_aging_reads(spy):
        # "settled_later" is only in the aging's own query (other addons read receivables too).
        return sum("settled_later" in str(call.args[0]) for call in spy.call_args_list)

    def test_no_way_round_the_hold(self):
        clean = self.env["res.partner"].create(
            {"name": "Clean Ltd", "user_id": self.salesperson.id}
        )
        invoiced_to_held = self._quotation()
        invoiced_to_held.write({"partner_id": clean.id, "partner_invoice_id": self.client.id})
        with self.assertRaises(UserError):
            invoiced_to_held.with_user(self.salesperson).action_confirm()
        order = self._quotation()
        order.partner_id = clean
        order.with_user(self.salesperson).action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).write({"partner_id": self.client.id})
        order.with_user(self.head).write({"partner_id": self.client.id})  # who may override
        # Its state written over RPC, not confirmed: held all the same.
        with self.assertRaises(UserError):
            self._quotation().with_user(self.salesperson).write({"state": "sale"})
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.salesperson).create(
                {"partner_id": self.client.id, "state": "sale"}
            )

    def test_an_installment_stays_with_its_order(self):
        order = self._quotation()
        other = self._quotation(user=self.head)
        installment = self.env["sale.order.installment"].create(
            {"order_id": order.id, "date_due": self._days_ago(-30), "amount": 10.0}
        )
        for values in ({"order_id": other.id}, {"partner_id": self.head.partner_id.id}):
            with self.subTest(values=values), self.assertRaises(UserError):
                installment.with_user(self.salesperson).write(values)
        installment.with_user(self.salesperson).amount = 20.0

    def test_block_names_the_debt(self):
        order = self._quotation()
        self.assertIn("owes", order.credit_hold_message)
        with self.assertRaisesRegex(
            UserError,
            r"(?s)Credit hold.*Debtor Ltd owes .*500\.00 overdue, up to 45 days.*"
            r"more than \$.?100\.00 overdue for more than 30 days.*"
            r"Who may confirm it anyway: Hugo Head",
        ):
            order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_another_salesperson_is_held_without_the_debt(self):
        other = self._new_user("rcv_other", "Olga Other", "sales_team.group_sale_salesman")
        order = self.env["sale.order"].with_user(other).new({"partner_id": self.client.id})
        self.assertIn("Debtor Ltd is overdue past the limit", order.credit_hold_message)
        self.assertNotIn("500", order.credit_hold_message, "not the other's client's debt")
        self.assertIn("500.00", self._quotation().credit_hold_message, "their own client's")

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

    def test_each_order_under_its_companys_rules(self):
        company_b = self.setup_other_company()["company"]
        company_b.credit_hold_days = 0
        self.salesperson.company_ids |= company_b
        both = {"allowed_company_ids": [self.env.company.id, company_b.id]}
        in_b = self._quotation(company=company_b)
        self.assertFalse(in_b.credit_hold_message, "no hold in company B")
        in_b.with_user(self.salesperson).with_context(**both).action_confirm()
        self.assertEqual(in_b.state, "sale", "confirmed while company A is active")

        company_b.write({"credit_hold_days": 30, "credit_hold_amount": 100.0})
        self.env.company.credit_hold_days = 0
        self._invoice(400.0, self._days_ago(40), company=company_b)
        in_a = self._quotation()
        self.assertFalse(in_a.with_context(**both).credit_hold_message, "only B's debt, B's rule")
        in_a.with_user(self.salesperson).with_context(**both).action_confirm()
        self.assertEqual(in_a.state, "sale")
        held_in_b = self._quotation(company=company_b)
        self.assertIn("400.00", held_in_b.credit_hold_message, "B's debt only, not A's 500")
        self.assertNotIn("500.00", held_in_b.credit_hold_message)

    def test_one_grouped_query_for_many_orders(self):
        orders = self._quotation(user=self.head) | self._quotation(user=self.head)
        with self._aging_queries() as spy:
            orders.with_user(self.head).with_context(credit_hold_confirmed=True).action_confirm()
        self.assertEqual(self._count_aging_reads(spy), 1)
        many = self.env["sale.order"].union(*(self._quotation(user=self.head) for _i in range(6)))
        many.invalidate_recordset(["credit_hold_message"])
        with self._aging_queries() as spy:
            self.assertEqual(len(set(many.mapped("credit_hold_message"))), 1)
        self.assertEqual(self._count_aging_reads(spy), 1, "the messages of all quotations")
        with self._aging_queries() as spy:
            many.with_user(self.head).with_context(credit_hold_confirmed=True).action_confirm()
        self.assertEqual(self._count_aging_reads(spy), 1, "confirming all of them")
        self.assertEqual(set(many.mapped("state")), {"sale"})

    def test_customer_confirming_online_is_never_refused(self):
        portal = self._create_new_portal_user()
        order = self._quotation()
        order.with_user(portal).sudo().action_confirm()
        self.assertEqual(order.state, "sale")
        note = order.message_ids.filtered(
            lambda message: "Confirmed online" in (message.body or "")
        )
        self.assertTrue(note.subtype_id.internal, "an internal note, never shown to the customer")
        self.assertEqual(
            order.activity_ids.user_id, self.salesperson, "the salesperson is told to look at it"
        )

    def test_oca_financial_risk_bypass_counts_as_confirmed(self):
        """OCA's sale_financial_risk re-runs the confirmation with ``bypass_risk`` once its
        own dialog is accepted: it must not bring our dialog back, yet in block mode our
        override right still applies."""
        order = self._quotation(user=self.head)
        order.with_user(self.head).with_context(bypass_risk=True).action_confirm()
        self.assertEqual(order.state, "sale")
        overrides = order.message_ids.filtered(
            lambda message: "Credit hold overridden" in (message.body or "")
        )
        self.assertEqual(len(overrides), 1)
        with self.assertRaises(UserError):
            self._quotation().with_user(self.salesperson).with_context(
                bypass_risk=True
            ).action_confirm()

    def test_override_logged_only_once_really_confirmed(self):
        """Another check stopping the confirmation (as OCA's financial risk does by returning
        its dialog) leaves no "overridden" note on a quotation that stays a quotation."""
        order = self._quotation(user=self.head)
        other_dialog = {"type": "ir.actions.act_window", "res_model": "res.partner"}
        with patch.object(SaleOrder, "action_confirm", return_value=other_dialog):
            result = (
                order.with_user(self.head).with_context(credit_hold_confirmed=True).action_confirm()
            )
        self.assertEqual(result, other_dialog)
        self.assertEqual(order.state, "draft")
        self.assertFalse(
            order.message_ids.filtered(lambda message: "overridden" in (message.body or ""))
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

    def test_unpaid_orders_count_what_is_not_paid(self):
        order = self._confirmed_order(qty=4)
        self.assertEqual(self.client.unpaid_order_count, 1, "confirmed, not invoiced")
        invoice = order._create_invoices()
        invoice.action_post()
        self.env.invalidate_all()
        self.assertEqual(self.client.unpaid_order_count, 1, "invoiced in full, not paid")
        self._pay(invoice, 150.0)
        self.env.invalidate_all()
        self.assertEqual(self.client.unpaid_order_count, 1, "paid in part")
        action = self.client.action_view_unpaid_orders()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), order)
        self._pay(invoice, 50.0)
        self.env.invalidate_all()
        self.assertEqual(self.client.unpaid_order_count, 0, "paid in full")


@tagged("post_install", "-at_install")
class TestCreditHoldNextToOcaFinancialRisk(ReceivablesCommon):
    """Next to OCA's ``sale_financial_risk`` (``make test-oca`` installs it): a user allowed
    to go past both checks accepts each dialog once and the order is confirmed; an override
    is logged only on an order that is really confirmed."""

    OURS = "receivables.credit.hold.wizard"
    THEIRS = "partner.risk.exceeded.wiz"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.THEIRS not in cls.env or "risk_sale_order_include" not in cls.env["res.partner"]:
            raise SkipTest("OCA's sale_financial_risk is not installed (make test-oca runs this)")
        cls.head = cls._new_user(
            "rcv_head_oca",
            "Hugo Head",
            "sales_team.group_sale_manager,receivables.group_credit_hold_override,"
            "account_financial_risk.group_account_financial_risk_manager",
        )
        cls.env.company.write(
            {"credit_hold_days": 30, "credit_hold_amount": 100.0, "credit_hold_mode": "block"}
        )
        cls._invoice(500.0, cls._days_ago(45))
        cls.client.sudo().write({"risk_sale_order_include": True, "credit_limit": 10.0})

    def _quotation(self, user):
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.client.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        )

    def _accept(self, action, user):
        if action["res_model"] == self.OURS:
            wizard = self.env[self.OURS].with_user(user).with_context(**action["context"])
            return wizard.create({}).action_confirm_anyway()
        return self.env[self.THEIRS].with_user(user).browse(action["res_id"]).button_continue()

    def test_each_dialog_once_then_confirmed(self):
        order = self._quotation(self.head)
        action = order.with_user(self.head).action_confirm()
        dialogs = []
        while isinstance(action, dict) and action.get("res_model") in (self.OURS, self.THEIRS):
            dialogs.append(action["res_model"])
            self.assertLessEqual(len(dialogs), 2, f"the dialogs send each other back: {dialogs}")
            action = self._accept(action, self.head)
        self.assertEqual(sorted(dialogs), [self.THEIRS, self.OURS])
        self.assertEqual(order.state, "sale")
        overrides = order.message_ids.filtered(
            lambda message: "Credit hold overridden" in (message.body or "")
        )
        self.assertEqual(len(overrides), 1)

    def test_no_note_on_an_order_oca_then_refuses(self):
        self.env.company.credit_hold_mode = "warn"
        order = self._quotation(self.salesperson)
        action = order.with_user(self.salesperson).action_confirm()
        if action["res_model"] == self.OURS:
            action = self._accept(action, self.salesperson)
        self.assertEqual(action["res_model"], self.THEIRS, "OCA's check stops the order")
        self.assertEqual(order.state, "draft")
        self.assertFalse(
            order.message_ids.filtered(
                lambda message: "despite the credit hold" in (message.body or "")
            )
        )
