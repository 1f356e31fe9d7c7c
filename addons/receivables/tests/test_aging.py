from datetime import date, timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ReceivablesCommon

AS_OF = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestAging(ReceivablesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor = cls.env["res.partner"].create(
            {"name": "Aging debtor", "user_id": cls.salesperson.id}
        )

    @classmethod
    def _invoice(cls, amount, due, **values):
        values.setdefault("partner", cls.debtor)
        values.setdefault("invoice_date", AS_OF - timedelta(days=120))
        return super()._invoice(amount, due, **values)

    def _row(self, as_of=AS_OF, partner=None, domain=None):
        aging = self.env["receivables.aging.report"].get_aging(as_of, domain)
        rows = [row for row in aging["rows"] if row["partner_id"] == (partner or self.debtor).id]
        return rows[0] if rows else None

    def test_bucket_edges(self):
        for days, amount in (
            (-5, 10.0),
            (0, 100.0),
            (30, 200.0),
            (31, 300.0),
            (90, 400.0),
            (91, 500.0),
        ):
            self._invoice(amount, AS_OF - timedelta(days=days))
        row = self._row()
        self.assertEqual(row["buckets"], [110.0, 200.0, 300.0, 400.0, 500.0])
        self.assertEqual(row["total"], 1510.0)
        self.assertEqual(row["max_days_overdue"], 91)
        self.assertEqual(row["user_id"], self.salesperson.id)
        aging = self.env["receivables.aging.report"].get_aging(AS_OF)
        self.assertEqual(aging["buckets"], ["Not due", "1-30", "31-60", "61-90", "91+"])
        self.assertEqual(
            [label for _key, label in self.env["receivables.aging.report"]._selection_bucket()],
            aging["buckets"],
            "the pivot's buckets read as the PDF's",
        )

    def test_configurable_buckets(self):
        self.env.company.write({"aging_limit_1": 10, "aging_limit_2": 20, "aging_limit_3": 45})
        self._invoice(100.0, AS_OF - timedelta(days=15))
        self._invoice(200.0, AS_OF - timedelta(days=46))
        row = self._row()
        self.assertEqual(row["buckets"], [0.0, 0.0, 100.0, 0.0, 200.0])
        labels = self.env["receivables.aging.report"].get_aging(AS_OF)["buckets"]
        self.assertEqual(labels[1:], ["1-10", "11-20", "21-45", "46+"])

    def test_partial_payments_and_payments_after_the_date(self):
        invoice = self._invoice(1000.0, AS_OF - timedelta(days=40))
        self._pay(invoice, 400.0, AS_OF - timedelta(days=10))
        self._pay(invoice, 250.0, AS_OF + timedelta(days=5))
        self.assertEqual(
            self._row()["buckets"], [0.0, 0.0, 600.0, 0.0, 0.0], "later payment ignored"
        )
        later = self._row(as_of=AS_OF + timedelta(days=5))
        self.assertEqual(later["total"], 350.0)
        self.assertEqual(later["buckets"][2], 350.0, "45 days overdue by then")
        self.assertIsNone(self._row(as_of=AS_OF - timedelta(days=121)), "not invoiced yet")

    def test_credit_notes_and_payments_on_account_pay_the_oldest_debts(self):
        self._invoice(500.0, AS_OF - timedelta(days=10))
        self._invoice(300.0, AS_OF - timedelta(days=70))
        self._invoice(150.0, AS_OF - timedelta(days=40), move_type="out_refund")
        row = self._row()
        self.assertEqual(row["total"], 650.0, "an open credit note lowers the debt")
        self.assertEqual(row["buckets"], [0.0, 500.0, 0.0, 150.0, 0.0], "oldest paid first")
        self.assertEqual(row["max_days_overdue"], 70)
        self._invoice(300.0, AS_OF - timedelta(days=5), move_type="out_refund")
        row = self._row()
        self.assertEqual(row["buckets"], [0.0, 350.0, 0.0, 0.0, 0.0])
        self.assertEqual(row["max_days_overdue"], 10, "the 70 days old debt is covered")
        self._assert_lines_agree_with_totals()

    def test_a_filter_keeps_the_credits_netted(self):
        self._invoice(500.0, AS_OF - timedelta(days=10))
        self._invoice(300.0, AS_OF - timedelta(days=70))
        self._invoice(300.0, AS_OF - timedelta(days=40), move_type="out_refund")
        whole = self._row()
        self.assertEqual(
            whole["buckets"], [0.0, 500.0, 0.0, 0.0, 0.0], "the credit note is used up"
        )
        self.assertEqual(self._row(domain=[("partner_id", "=", self.debtor.id)]), whole)
        own = self.env["receivables.aging.report"].with_user(self.salesperson).get_aging(AS_OF)
        self.assertEqual([row for row in own["rows"] if row["partner_id"] == self.debtor.id],
                         [whole], "the salesperson's own aging, netted as the head's")  # fmt: skip

    def test_bad_input_is_a_user_error(self):
        Aging = self.env["receivables.aging.report"]
        for as_of, domain in (
            ("garbage", None), ("2024-02-30", None), (5, None), ([AS_OF], None),
            ("0001-01-01", None), ("9999-12-31", None), (AS_OF, "garbage"),
            (AS_OF, [("id", "=", "abc")]), (AS_OF, [("date", "=", "garbage")]),
        ):  # fmt: skip
            with self.subTest(as_of=as_of, domain=domain), self.assertRaises(UserError):
                Aging.get_aging(as_of, domain)
        with self.assertRaises(UserError):
            Aging.get_overdue_losses([AS_OF])
        for domain in ("garbage", 5, [("nope", "=", 1)], [("date", "=", "garbage")], ["|"]):
            with self.subTest(domain=domain), self.assertRaises(UserError):
                Aging.get_overdue_losses(AS_OF, domain)

    def test_client_covered_by_credits_is_not_a_debtor(self):
        self._invoice(200.0, AS_OF - timedelta(days=45))
        self._invoice(200.0, AS_OF - timedelta(days=90), move_type="out_refund")
        self.assertIsNone(self._row(), "net 0: not listed")
        lines = self._lines()
        self.assertFalse(lines, "nothing owed, nothing listed")
        self._invoice(50.0, AS_OF - timedelta(days=3), move_type="out_refund")
        row = self._row()
        self.assertEqual(row["buckets"], [-50.0, 0.0, 0.0, 0.0, 0.0], "in credit: not due")
        self.assertEqual(row["max_days_overdue"], 0)
        self.assertFalse(
            [amount for amount in self._lines().mapped("amount_overdue") if amount < 0],
            "a credit is never overdue",
        )
        self._assert_lines_agree_with_totals()

    def _lines(self, as_of=AS_OF):
        return (
            self.env["receivables.aging.report"]
            .with_context(aging_date=as_of)
            .search([("partner_id", "=", self.debtor.id)])
        )

    def _assert_lines_agree_with_totals(self):
        """The per-line view (pivot, panel, credit hold, notices) nets as ``get_aging`` does."""
        by_bucket = dict.fromkeys(("b0", "b1", "b2", "b3", "b4"), 0.0)
        for line in self._lines():
            by_bucket[line.bucket] += line.amount_open
        self.assertEqual(list(by_bucket.values()), self._row()["buckets"])

    def test_multi_currency_invoice_in_company_currency(self):
        other = self.setup_other_currency("EUR")
        self._invoice(300.0, AS_OF - timedelta(days=1), currency=other)
        self.assertEqual(self._row()["buckets"][1], 150.0, "300 at 2 per unit of company currency")

    def test_each_company_in_its_currency_and_buckets(self):
        other = self.setup_other_company(currency_id=self.setup_other_currency("EUR").id)
        company_b = other["company"]
        company_b.write({"aging_limit_1": 10, "aging_limit_2": 20, "aging_limit_3": 30})
        self._invoice(100.0, AS_OF - timedelta(days=15))
        self._invoice(70.0, AS_OF - timedelta(days=15), company=company_b)
        Aging = self.env["receivables.aging.report"]
        ours = Aging.get_aging(AS_OF)
        self.assertEqual(
            (ours["company_id"], ours["currency_id"]),
            (self.env.company.id, self.env.company.currency_id.id),
        )
        self.assertEqual(self._row()["buckets"], [0.0, 100.0, 0.0, 0.0, 0.0], "A: 1-30")
        theirs = Aging.with_company(company_b).get_aging(AS_OF)
        self.assertEqual(theirs["currency_id"], company_b.currency_id.id)
        self.assertEqual(theirs["buckets"][1:], ["1-10", "11-20", "21-30", "31+"])
        [row] = [row for row in theirs["rows"] if row["partner_id"] == self.debtor.id]
        self.assertEqual(row["buckets"], [0.0, 0.0, 70.0, 0.0, 0.0], "B: 11-20 days")
        lines = Aging.with_context(
            aging_date=AS_OF, allowed_company_ids=[self.env.company.id, company_b.id]
        ).search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(
            {(line.company_id, line.currency_id, line.bucket, line.amount_open) for line in lines},
            {
                (self.env.company, self.env.company.currency_id, "b1", 100.0),
                (company_b, company_b.currency_id, "b2", 70.0),
            },
        )

    def test_domain_and_sql_view(self):
        self._invoice(100.0, AS_OF - timedelta(days=3))
        other = self.env["res.partner"].create({"name": "Someone else's client"})
        self._invoice(70.0, AS_OF - timedelta(days=3), partner=other)
        mine = self.env["receivables.aging.report"].get_aging(
            AS_OF, [("user_id", "=", self.salesperson.id)]
        )
        self.assertEqual([row["partner_id"] for row in mine["rows"]], [self.debtor.id])
        self.assertEqual(mine["totals"]["total"], 100.0)
        lines = (
            self.env["receivables.aging.report"]
            .with_context(aging_date=AS_OF)
            .search([("partner_id", "in", (self.debtor | other).ids)])
        )
        self.assertEqual(sorted(lines.mapped("amount_open")), [70.0, 100.0])
        self.assertEqual(set(lines.mapped("bucket")), {"b1"})

    def test_aging_as_of_a_date_from_the_menu(self):
        self._invoice(100.0, AS_OF - timedelta(days=10))
        wizard = (
            self.env["receivables.aging.wizard"].with_user(self.accountant).create({"date": AS_OF})
        )
        action = wizard.action_open()
        lines = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .search([("partner_id", "=", self.debtor.id)])
        )
        self.assertEqual(lines.days_overdue, 10, "as of the chosen date, not today")
        report = wizard.action_print()
        html, _format = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            ._render_qweb_html(report["report_name"], None, data=report["data"])
        )
        self.assertIn("06/30/2026", html.decode())
        self.assertIn("Aging debtor", html.decode())
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report["report_name"], None, data=report["data"])
        )
        self.assertEqual((kind, pdf[:5]), ("pdf", b"%PDF-"), "a real PDF, by wkhtmltopdf")

    def test_pdf_and_overdue_losses(self):
        self._invoice(100.0, AS_OF - timedelta(days=10))
        self._invoice(50.0, AS_OF - timedelta(days=4))
        losses = self.env["receivables.aging.report"].get_overdue_losses(AS_OF)
        mine = next(loss for loss in losses if loss["user_id"] == self.salesperson.id)
        self.assertEqual(
            (mine["amount_overdue"], mine["overdue_loss"]), (150.0, 100.0 * 10 + 50.0 * 4)
        )
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "receivables.report_aging", None, data={"as_of": str(AS_OF)}
        )
        self.assertIn("Aging debtor", html.decode())
        self.assertIn("150.00", html.decode())
        with self.assertRaisesRegex(UserError, "is not a date"):
            self.env["ir.actions.report"]._render_qweb_html(
                "receivables.report_aging", None, data={"as_of": "garbage"}
            )
