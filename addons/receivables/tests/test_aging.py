from datetime import date, timedelta

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

    def _pay_on(self, invoice, amount, day):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": day})
            ._create_payments()
        )

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
        self._pay_on(invoice, 400.0, AS_OF - timedelta(days=10))
        self._pay_on(invoice, 250.0, AS_OF + timedelta(days=5))
        self.assertEqual(
            self._row()["buckets"], [0.0, 0.0, 600.0, 0.0, 0.0], "later payment ignored"
        )
        later = self._row(as_of=AS_OF + timedelta(days=5))
        self.assertEqual(later["total"], 350.0)
        self.assertEqual(later["buckets"][2], 350.0, "45 days overdue by then")
        self.assertIsNone(self._row(as_of=AS_OF - timedelta(days=121)), "not invoiced yet")

    def test_credit_notes(self):
        self._invoice(500.0, AS_OF - timedelta(days=10))
        refund = self._invoice(150.0, AS_OF, move_type="out_refund")
        self.assertEqual(self._row()["total"], 350.0, "an open credit note lowers the debt")
        self.assertEqual(self._row()["buckets"][0], -150.0)
        self.assertTrue(
            refund.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
        )

    def test_multi_currency_invoice_in_company_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        company_currency = self.env.company.currency_id
        other = eur if company_currency != eur else self.env.ref("base.USD")
        other.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": other.id,
                "name": AS_OF - timedelta(days=200),
                "rate": 2.0,
                "company_id": self.env.company.id,
            }
        )
        self._invoice(300.0, AS_OF - timedelta(days=1), currency=other)
        self.assertEqual(self._row()["buckets"][1], 150.0, "300 at 2 per unit of company currency")

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
