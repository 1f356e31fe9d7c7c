from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ReceivablesCommon


@tagged("post_install", "-at_install")
class TestPaymentSchedule(ReceivablesCommon):
    def _order(self, **values):
        return (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.client.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 4, "tax_id": False}
                        )
                    ],
                    **values,
                }
            )
        )

    def test_installments_from_payment_terms(self):
        terms = self.env["account.payment.term"].create(
            {
                "name": "30% now, rest in 30 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 70, "nb_days": 30}),
                ],
            }
        )
        order = self._order(payment_term_id=terms.id)
        order.action_confirm()
        self.assertEqual(order.installment_ids.mapped("amount"), [60.0, 140.0])
        self.assertEqual(
            (order.installment_ids[1].date_due - order.installment_ids[0].date_due).days, 30
        )
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 100.0})._create_payments()
        self.assertEqual(order.installment_ids.mapped("payment_state"), ["paid", "partial"])
        calendar = self.env.ref("receivables.action_payment_calendar")
        self.assertIn("search_default_not_paid", calendar.context)
        still_due = self.env["sale.order.installment"].search(
            [("order_id", "=", order.id), ("payment_state", "!=", "paid")]
        )
        self.assertEqual(still_due, order.installment_ids[1], "the calendar hides what is paid")
        self.assertEqual(still_due.display_name, f"Debtor Ltd: $\xa0140.00 ({order.name})")

    def test_typed_installments_must_add_up(self):
        order = self._order()
        order.installment_ids = [
            Command.create({"date_due": self._days_ago(-10), "amount": 50.0}),
            Command.create({"date_due": self._days_ago(-40), "amount": 100.0}),
        ]
        with self.assertRaisesRegex(UserError, "add up to"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        order.installment_ids[1].amount = 150.0
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(order.installment_ids), 2, "typed installments are kept")

    def test_negative_installment_refused(self):
        order = self._order()
        with self.assertRaisesRegex(ValidationError, "must be positive"):
            order.installment_ids = [
                Command.create({"date_due": self._days_ago(0), "amount": -5.0})
            ]

    def test_order_worth_nothing_gets_no_schedule(self):
        order = self._order()
        order.order_line.product_uom_qty = -1
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.installment_ids)

    def test_a_confirmed_schedule_still_adds_up(self):
        order = self._order()
        order.action_confirm()
        [installment] = order.installment_ids
        salesperson = self.env(user=self.salesperson)
        changes = {
            "an amount cut": lambda: installment.with_env(salesperson).write({"amount": 1.0}),
            "one more": lambda: salesperson["sale.order.installment"].create(
                {"order_id": order.id, "date_due": self._days_ago(-5), "amount": 10.0}
            ),
            "the schedule emptied": lambda: installment.with_env(salesperson).unlink(),
        }
        for change, make in changes.items():
            with self.subTest(change=change):
                with self.assertRaises(UserError) as refused:
                    make()
                self.assertIn("add up to", str(refused.exception))
        # Rescheduled in one save of the order, the total kept: the client's new terms.
        order.with_user(self.salesperson).installment_ids = [
            Command.update(installment.id, {"amount": 150.0, "date_due": self._days_ago(-20)}),
            Command.create({"date_due": self._days_ago(-50), "amount": 50.0}),
        ]
        self.assertEqual(sorted(order.installment_ids.mapped("amount")), [50.0, 150.0])
        order.with_user(self.salesperson).action_compute_installments()
        self.assertEqual(order.installment_ids.mapped("amount"), [200.0], "from the terms again")
