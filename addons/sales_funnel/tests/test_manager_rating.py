from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestManagerRating(SalesFunnelCommon):
    """March 2026 against the 31 days before: Sally invoiced, refunded, was paid, sold
    with a discount, won one deal and lost two, did two activities; Oscar invoiced and lost a
    deal in February."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        cls.product.standard_price = 60.0
        sally, oscar = cls.salesperson, cls.salesperson_other
        march_invoice = cls._customer_move("out_invoice", sally, "2026-03-10", 1000.0)
        cls.march_refund = cls._customer_move("out_refund", sally, "2026-03-20", 200.0)
        cls.march_invoice = march_invoice
        cls._customer_move("out_invoice", oscar, "2026-02-15", 500.0)
        cls._register_payment(march_invoice, amount=600.0, date="2026-03-25")
        cls._order(sally, "2026-03-05 10:00:00", qty=10, discount=10.0)
        won = cls._deal_with_history("Won", sally, [
            ("lead_rating", "2026-03-01", "2026-03-04", "won", 900, "won"),
            ("won", "2026-03-04", None, None, 900, None),
        ])  # fmt: skip
        expensive = cls._deal_with_history("Expensive", sally, [
            ("lead_rating", "2026-03-01", "2026-03-08", "lost", 100, "lead_rating"),
        ])  # fmt: skip
        cls._deal_with_history("Silent", sally, [
            ("lead_rating", "2026-03-01", "2026-03-09", "lost", 100, "lead_rating"),
        ])  # fmt: skip
        cls._deal_with_history("February", oscar, [
            ("lead_rating", "2026-02-01", "2026-02-10", "lost", 100, "lead_rating"),
        ])  # fmt: skip
        expensive.sudo().lost_reason_id = cls.lost_reason
        for summary in ("Call", "Meeting"):
            cls._done_activity(won, summary, "2026-03-12 09:00:00")

    @classmethod
    def _customer_move(cls, move_type, user, day, amount):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.client.id,
                "invoice_user_id": user.id,
                "invoice_date": day,
                "date": day,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Drills", "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _register_payment(cls, invoice, amount, date):
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": date})._create_payments()

    @classmethod
    def _order(cls, user, moment, qty, discount):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.client.id,
                "user_id": user.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": qty,
                            "price_unit": 100.0,
                            "discount": discount,
                            "tax_id": [],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = moment  # confirming dates the order now
        return order

    @classmethod
    def _done_activity(cls, deal, summary, moment):
        activity = deal.activity_schedule(
            "mail.mail_activity_data_call", summary=summary, user_id=deal.user_id.id
        )
        messages = deal.message_ids
        activity.action_feedback(feedback="Done")
        (deal.message_ids - messages).sudo().date = fields.Datetime.to_datetime(moment)

    def _rating(self, user=None, domain=None):
        rating = self.env["crm.manager.rating"].with_user(user or self.head)
        return rating.get_rating("2026-03-01", "2026-03-31", domain)

    def _sally_payments(self):
        return self._row(self._rating(), self.salesperson)["payments"]

    def _row(self, rating, user):
        return next(row for row in rating["rows"] if row["user_id"] == user.id)

    def test_every_column_for_the_period_and_the_one_before(self):
        # The two salespeople only: the totals would otherwise count the demo data's own.
        rating = self._rating(
            domain=[("id", "in", (self.salesperson | self.salesperson_other).ids)]
        )
        self.assertEqual(rating["previous"], {"date_from": "2026-01-29", "date_to": "2026-02-28"})
        self.assertEqual(
            [column["key"] for column in rating["columns"]][:11],
            [
                "revenue", "margin", "payments", "won", "lost", "win_rate", "revenue_per_deal",
                "activities_done", "revenue_per_activity", "discounts", "loss_reasons",
            ],
        )  # fmt: skip
        sally = self._row(rating, self.salesperson)
        figures = {key: sally[key] for key in (
            "revenue", "margin", "payments", "won", "lost", "revenue_per_deal",
            "activities_done", "revenue_per_activity", "discounts",
        )}  # fmt: skip
        self.assertEqual(
            figures,
            {
                "revenue": 800.0,  # 1,000 invoiced, 200 refunded
                "margin": 300.0,  # 10 × 100 − 10 % = 900, cost 10 × 60
                "payments": 600.0,
                "won": 1,
                "lost": 2,
                "revenue_per_deal": 800.0,
                "activities_done": 2,
                "revenue_per_activity": 400.0,
                "discounts": 100.0,
            },
        )
        self.assertAlmostEqual(sally["win_rate"], 1 / 3)
        self.assertEqual(
            [(reason["name"], reason["count"]) for reason in sally["loss_reasons"]],
            [("No reason", 1), ("Too expensive", 1)],
        )
        self.assertEqual(sally["previous"]["revenue"], 0)
        oscar = self._row(rating, self.salesperson_other)
        self.assertEqual((oscar["revenue"], oscar["lost"]), (0, 0))
        self.assertEqual((oscar["previous"]["revenue"], oscar["previous"]["lost"]), (500.0, 1))
        self.assertEqual(oscar["previous"]["win_rate"], 0.0)
        self.assertEqual((rating["totals"]["revenue"], rating["totals"]["lost"]), (800.0, 2))
        self.assertEqual(rating["totals"]["previous"]["revenue"], 500.0)

    def test_payments_are_what_payments_paid(self):
        """A credit note set against the invoice is no payment; a payment taken back is
        none any more; the partials already there when the addon is installed are read as
        the ORM decides them."""
        (self.march_invoice | self.march_refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.assertEqual(self._sally_payments(), 600.0, "the credit note is not a payment")
        partials = self.march_invoice.line_ids.matched_credit_ids
        self.assertEqual(
            sorted(partial.paid_client_id.id for partial in partials), [False, self.client.id]
        )
        decided = {partial.id: partial.paid_invoice_id.id for partial in partials}
        self.env.cr.execute(
            "UPDATE account_partial_reconcile SET paid_invoice_id = NULL, paid_client_id = NULL"
            " WHERE id = ANY(%s)",
            [partials.ids],
        )
        self.env["account.partial.reconcile"]._fill_paid_invoices()
        partials.invalidate_recordset()
        self.assertEqual({partial.id: partial.paid_invoice_id.id for partial in partials}, decided)
        with self.assertRaisesRegex(UserError, "cannot be set"):
            partials.with_user(self.accountant).write({"paid_client_id": self.client.id})
        payment_line = partials.filtered("paid_invoice_id").credit_move_id
        payment_line.remove_move_reconcile()
        self.assertEqual(self._sally_payments(), 0.0, "the payment taken back")

    def test_a_salesperson_is_rated_alone(self):
        rating = self._rating(user=self.salesperson, domain=[("id", "=", self.head.id)])
        self.assertEqual([row["user_id"] for row in rating["rows"]], [self.salesperson.id])

    def test_the_head_filters_salespeople(self):
        rating = self._rating(domain=[("id", "=", self.salesperson_other.id)])
        self.assertEqual([row["name"] for row in rating["rows"]], ["Oscar Other"])
        self.assertEqual(rating["totals"]["previous"]["revenue"], 500.0)

    def test_no_sales_right_no_rating(self):
        for user in (self.accountant, self.warehouse_user):
            with self.assertRaises(AccessError):
                self._rating(user=user)

    def test_bad_input_is_a_user_error(self):
        rating = self.env["crm.manager.rating"].with_user(self.head)
        with self.assertRaises(UserError):
            rating.get_rating("2026-03-31", "2026-03-01")
        with self.assertRaises(UserError):
            rating.get_rating("March", "2026-03-31")
        with self.assertRaises(UserError):
            rating.get_rating("2026-03-01", "2026-03-31", [("no_such_field", "=", 1)])
        with self.assertRaises(UserError):
            rating.get_rating(2026, "2026-03-31")
        with self.assertRaises(UserError):
            rating.get_rating("2026-03-01", "2026-03-31", [("id", "=", "abc")])

    def test_the_filter_reads_what_the_head_may(self):
        """A filter through what the head cannot read (another user's API keys) finds
        nobody, as the head's own search does: run as the superuser, it told which users
        match."""
        self.env["res.users.apikeys"].with_user(self.salesperson_other).sudo()._generate(
            None, "backup-robot", None
        )
        rating = self._rating(domain=[("api_key_ids.name", "=like", "backup%")])
        self.assertEqual(rating["rows"], [])
