from datetime import timedelta
from unittest import SkipTest

from odoo import Command, fields
from odoo.modules.registry import Registry
from odoo.tests import tagged
from odoo.tests.common import get_db_name

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

OCA_REPORT = "report.account_financial_report.aged_partner_balance"
OCA_WIZARD = "aged.partner.balance.report.wizard"
# OCA's columns, oldest last, and the bucket of ours (not due, 1-30, 31-60, 61-90, 91+) each
# falls in: their limits are ours up to 90 days; their 91-120 and older are our 91+.
OCA_COLUMNS = ("current", "30_days", "60_days", "90_days", "120_days", "older")
OUR_BUCKET = {"current": 0, "30_days": 1, "60_days": 2, "90_days": 3, "120_days": 4, "older": 4}


@tagged("post_install", "-at_install")
class TestAgingAgreesWithOcaAgedPartnerBalance(AccountTestInvoicingCommon):
    """Our aging (``get_aging``) and OCA's aged partner balance (account_financial_report,
    installed by ``make test-oca``; skipped elsewhere) agree to the cent, per client, on
    four dates: invoices partly paid before and after each date, one paid in full between
    two of them, an open credit note, and a receivable line without a due date.

    What each client owes as of a date is compared as it is: both rebuild it from today's
    residuals and the partial reconciliations dated (``max_date``) after the date.

    The buckets are compared through OCA's own per-item figures (their report with the
    item details), where the two reports differ by design and nowhere else:

    - limits: ours are set to 30/60/90 days, theirs are fixed at 30/60/90/120: their first
      four columns are our first four buckets, their "91-120" and "older" our "91+";
    - an item without a due date: OCA always shows it as current; ours is due on its date
      and ages from it (an old entry typed by hand is overdue, not current);
    - open credits (a credit note not matched to an invoice): OCA shows each item in its
      own column, the credit as a negative amount; ours lets a client's credits pay their
      oldest debts first, what is left of them staying in "not due".

    OCA's report rebuilds past residuals only for a date before today (it compares with
    ``date.today()``), so every date here is in the past.
    """

    @classmethod
    def setUpClass(cls):
        if OCA_REPORT not in Registry(get_db_name()):
            raise SkipTest(
                "OCA's account_financial_report is not installed in this database "
                "(make test-oca installs it and runs this comparison)"
            )
        super().setUpClass()
        cls.env.company.write({"aging_limit_1": 30, "aging_limit_2": 60, "aging_limit_3": 90})
        cls.start = fields.Date.context_today(cls.env.user) - timedelta(days=300)
        cls.dates = [cls._day(days) for days in (25, 70, 130, 250)]
        Partner = cls.env["res.partner"]
        cls.part_payer = Partner.create({"name": "OCA aging: part payer"})
        cls.late_payer = Partner.create({"name": "OCA aging: late payer"})
        cls.in_credit = Partner.create({"name": "OCA aging: credit note"})
        cls.no_due_date = Partner.create({"name": "OCA aging: no due date"})
        cls.partners = cls.part_payer | cls.late_payer | cls.in_credit | cls.no_due_date

        part_paid = cls._invoice(cls.part_payer, 1000.0, day=0, due=30)
        cls._pay(part_paid, 400.0, day=50)
        cls._pay(part_paid, 250.0, day=200)
        cls._invoice(cls.part_payer, 800.0, day=100, due=160)

        late = cls._invoice(cls.late_payer, 2500.0, day=10, due=10)
        cls._pay(late, 1000.0, day=140)
        cls._invoice(cls.late_payer, 700.0, day=60, due=90)

        cls._invoice(cls.in_credit, 1200.0, day=0, due=30)
        cls._invoice(cls.in_credit, 300.0, day=40, due=40, move_type="out_refund")
        paid_later = cls._invoice(cls.in_credit, 500.0, day=120, due=150)
        cls._pay(paid_later, 500.0, day=180)

        cls.undated_line = cls._entry_without_due_date(cls.no_due_date, 150.0, day=5)
        cls._invoice(cls.no_due_date, 400.0, day=20, due=80)

    @classmethod
    def _day(cls, days):
        return cls.start + timedelta(days=days)

    @classmethod
    def _invoice(cls, partner, amount, *, day, due, move_type="out_invoice"):
        """A posted customer invoice (or credit note) without taxes, dated ``day`` and due
        ``due`` days after the start."""
        move = cls.init_invoice(
            move_type, partner=partner, invoice_date=cls._day(day), amounts=[amount], taxes=[]
        )
        move.invoice_payment_term_id = False
        move.invoice_date_due = cls._day(due)
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, *, day):
        """Odoo's payment wizard registers ``amount`` on ``invoice`` on that day."""
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": cls._day(day)})
            ._create_payments()
        )

    @classmethod
    def _entry_without_due_date(cls, partner, amount, *, day):
        """A journal entry typed by hand: a receivable line with no due date."""
        entry = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": cls._day(day),
                "journal_id": cls.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": cls.company_data["default_account_receivable"].id,
                            "partner_id": partner.id,
                            "debit": amount,
                            "date_maturity": False,
                        }
                    ),
                    Command.create(
                        {
                            "account_id": cls.company_data["default_account_revenue"].id,
                            "credit": amount,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        return entry.line_ids.filtered(lambda line: line.partner_id == partner)

    # ------------------------------------------------------------
    # the two reports
    # ------------------------------------------------------------

    def _ours(self, as_of):
        """Per partner: (total, five buckets) from ``get_aging``."""
        aging = self.env["receivables.aging.report"].get_aging(as_of)
        self.assertEqual(aging["buckets"][1:], ["1-30", "31-60", "61-90", "91+"])
        return {
            row["partner_id"]: (row["total"], row["buckets"])
            for row in aging["rows"]
            if row["partner_id"] in self.partners.ids
        }

    def _oca_report(self, as_of):
        """OCA's aged partner balance as of ``as_of``, with its items, as the report's own
        wizard and report model compute it for the PDF, HTML and XLSX exports."""
        receivable_accounts = self.env["account.account"].search(
            [
                ("account_type", "=", "asset_receivable"),
                ("company_ids", "in", self.env.company.ids),
            ]
        )
        wizard = self.env[OCA_WIZARD].create(
            {
                "date_at": as_of,
                "company_id": self.env.company.id,
                "target_move": "posted",
                "account_ids": [Command.set(receivable_accounts.ids)],
                "partner_ids": [Command.set(self.partners.ids)],
                "show_move_line_details": True,
            }
        )
        data = wizard._prepare_report_data()
        # As the web client sends it back: a string.
        data["date_at"] = fields.Date.to_string(as_of)
        return self.env[OCA_REPORT]._get_report_values(wizard.ids, data)["aged_partner_balance"]

    def _oca_per_partner(self, as_of):
        """Per partner: OCA's open amount, its own columns, and its items as
        (amount, OCA column, due date, date)."""
        per_partner = {}
        by_name = {partner.name: partner.id for partner in self.partners}
        for account in self._oca_report(as_of):
            for partner in account["partners"]:
                partner_id = by_name[partner["name"]]
                entry = per_partner.setdefault(
                    partner_id,
                    {"total": 0.0, "columns": dict.fromkeys(OCA_COLUMNS, 0.0), "items": []},
                )
                entry["total"] += partner["residual"]
                for column in OCA_COLUMNS:
                    entry["columns"][column] += partner[column]
                for item in partner["move_lines"]:
                    [column] = [c for c in OCA_COLUMNS if item[c]] or ["current"]
                    entry["items"].append(
                        (item["residual"], column, item["due_date"], item["date"])
                    )
        return per_partner

    # ------------------------------------------------------------
    # the mapping
    # ------------------------------------------------------------

    @staticmethod
    def _our_bucket_of(days_overdue):
        for bucket, limit in enumerate((0, 30, 60, 90)):
            if days_overdue <= limit:
                return bucket
        return 4

    def _expected_buckets(self, as_of, items):
        """Our five buckets from OCA's items: each item in the bucket its OCA column maps
        to, an item without due date aged from its date, then the client's credits paying
        the oldest debts first."""
        debts = [0.0] * 5
        credits = 0.0
        for amount, column, due_date, date in items:
            if due_date:
                bucket = OUR_BUCKET[column]
            else:
                self.assertEqual(column, "current", "OCA: no due date is current")
                bucket = self._our_bucket_of((as_of - date).days)
            if amount > 0:
                debts[bucket] += amount
            else:
                credits -= amount
        for bucket in (4, 3, 2, 1, 0):
            paid = min(debts[bucket], credits)
            debts[bucket] -= paid
            credits -= paid
        debts[0] -= credits
        return debts

    # ------------------------------------------------------------
    # tests
    # ------------------------------------------------------------

    def test_fixtures_are_what_the_comparison_needs(self):
        self.assertFalse(self.undated_line.date_maturity, "a receivable line without due date")
        self.assertTrue(all(as_of < fields.Date.today() for as_of in self.dates))

    def test_same_open_amount_and_buckets_on_four_dates(self):
        currency = self.env.company.currency_id
        seen_columns = set()
        for as_of in self.dates:
            with self.subTest(as_of=as_of):
                theirs = self._oca_per_partner(as_of)
                ours = self._ours(as_of)
                self.assertEqual(set(ours), set(theirs), "the same clients owe something")
                for partner in self.partners.filtered(lambda p, t=theirs: p.id in t):
                    oca = theirs[partner.id]
                    total, buckets = ours[partner.id]
                    self.assertEqual(
                        currency.round(total),
                        currency.round(oca["total"]),
                        f"{partner.name} owes the same on {as_of}",
                    )
                    # OCA's items add up to OCA's columns: the mapping starts from them.
                    for column in OCA_COLUMNS:
                        in_items = sum(a for a, c, _due, _date in oca["items"] if c == column)
                        self.assertEqual(
                            currency.round(in_items), currency.round(oca["columns"][column])
                        )
                        if oca["columns"][column]:
                            seen_columns.add(column)
                    self.assertEqual(
                        [currency.round(amount) for amount in buckets],
                        [
                            currency.round(amount)
                            for amount in self._expected_buckets(as_of, oca["items"])
                        ],
                        f"{partner.name}'s buckets on {as_of}",
                    )
        self.assertEqual(seen_columns, set(OCA_COLUMNS), "every OCA column is exercised")

    def test_plain_clients_match_ocas_columns_directly(self):
        """Clients without open credits or undated items: OCA's columns, merged beyond 90
        days, are our buckets as they are."""
        currency = self.env.company.currency_id
        for as_of in self.dates:
            theirs = self._oca_per_partner(as_of)
            ours = self._ours(as_of)
            for partner in self.part_payer | self.late_payer:
                if partner.id not in theirs:
                    continue
                columns = theirs[partner.id]["columns"]
                merged = [columns[c] for c in OCA_COLUMNS[:4]]
                merged.append(columns["120_days"] + columns["older"])
                self.assertEqual(
                    [currency.round(amount) for amount in ours[partner.id][1]],
                    [currency.round(amount) for amount in merged],
                    f"{partner.name} on {as_of}",
                )
