import io
from datetime import datetime, time, timedelta

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .test_client_ownership import ClientOwnershipCommon


@tagged("post_install", "-at_install")
class TestClientReports(ClientOwnershipCommon):
    """The client base reports on a hand-built base, over the last 30 days and the 30
    before: the hunter's clients Alpha (new 40 days ago, regular 10 days ago, paid 500 in
    the previous period and 300 in this one, 1,200 still unpaid, a potential of 10,000),
    Bravo (new 5 days ago, called), Charlie (potential, held 100 days, met for 90 minutes,
    a potential of 5,000) and Delta (lost long ago, a proposal of 200 pending); the
    farmer's Echo (new 20 days ago)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report = cls.env["active.sales.client.report"]
        cls.date_from = cls.today - timedelta(days=29)
        cls.previous_from = cls.today - timedelta(days=59)
        cls.previous_to = cls.today - timedelta(days=30)
        clients = cls.env["res.partner"].create(
            [
                {"name": name, "is_company": True, "user_id": user.id}
                for name, user in (
                    ("Alpha", cls.hunter),
                    ("Bravo", cls.hunter),
                    ("Charlie", cls.hunter),
                    ("Delta", cls.hunter),
                    ("Echo", cls.farmer),
                )
            ]
        )
        cls.alpha, cls.bravo, cls.charlie, cls.delta, cls.echo = clients
        cls._pay(cls._invoice(cls.alpha, 60), 500, 45)
        cls._pay(cls._invoice(cls.alpha, 50), 300, 3)
        # The statuses as the rules decided them over the last months, not as the invoices
        # above decide them today.
        cls.env["res.partner.status.log"].sudo().search(
            [("partner_id", "in", clients.ids)]
        ).unlink()
        cls._history(cls.alpha, [("potential", "new", 40), ("new", "regular", 10)])
        cls._history(cls.bravo, [("potential", "new", 5)])
        cls._history(cls.delta, [("regular", "lost", 100)])
        cls._history(cls.echo, [("potential", "new", 20)])
        cls.env.cr.execute(
            "UPDATE res_partner SET create_date = %s WHERE id = ANY(%s)",
            [datetime.combine(cls.today - timedelta(days=400), time.min), clients.ids],
        )
        clients.invalidate_recordset(["create_date"])
        cls.alpha.sudo().write({"hunter_id": cls.hunter.id, "farmer_id": cls.farmer.id})
        cls.charlie.sudo().salesperson_since = cls.today - timedelta(days=100)
        cls.bravo.sudo().salesperson_since = cls.today - timedelta(days=40)
        cls.env["res.partner.potential"].create(
            [
                {"partner_id": cls.alpha.id, "year": cls.today.year,
                 "line_ids": [(0, 0, {"product_id": cls.product_a.id, "amount": 10000})]},
                {"partner_id": cls.charlie.id, "year": cls.today.year,
                 "line_ids": [(0, 0, {"product_id": cls.product_a.id, "amount": 5000})]},
            ]
        )  # fmt: skip
        cls._contacts()

    @classmethod
    def _invoice(cls, client, days_ago):
        return cls.init_invoice(
            "out_invoice", client, cls.today - timedelta(days=days_ago), post=True,
            amounts=[1000.0], taxes=[],
        )  # fmt: skip

    @classmethod
    def _pay(cls, invoice, amount, days_ago):
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"amount": amount, "payment_date": cls.today - timedelta(days=days_ago)}
        )._create_payments()

    @classmethod
    def _history(cls, client, changes):
        cls.env["res.partner.status.log"].sudo().create(
            [
                {"partner_id": client.id, "old_status": old, "new_status": new,
                 "date": cls.today - timedelta(days=days_ago), "reason": "first_sale"}
                for old, new, days_ago in changes
            ]
        )  # fmt: skip
        client.sudo().write(
            {
                "client_status": changes[-1][1],
                "client_status_date": cls.today - timedelta(days=changes[-1][2]),
            }
        )

    @classmethod
    def _contacts(cls):
        """Alpha has a call planned; Bravo was called; Charlie met for an hour and a half;
        a proposal of 200 to Delta waits for an answer."""
        call = cls.env.ref("mail.mail_activity_data_call")
        cls.alpha.activity_schedule(activity_type_id=call.id, user_id=cls.hunter.id,
                                    date_deadline=cls.today + timedelta(days=3))  # fmt: skip
        cls.alpha.sudo().last_contact_date = cls.today
        cls.bravo.activity_schedule(
            activity_type_id=call.id, user_id=cls.hunter.id
        ).action_feedback("Talked")
        start = datetime.combine(cls.today - timedelta(days=2), time(10))
        cls.env["calendar.event"].create(
            {"name": "Meeting Charlie", "start": start, "stop": start + timedelta(minutes=90),
             "partner_ids": [(6, 0, cls.charlie.ids)]}
        )  # fmt: skip
        quotation = cls.env["sale.order"].create(
            {"partner_id": cls.delta.id,
             "order_line": [(0, 0, {"product_id": cls.product_a.id, "price_unit": 200,
                                    "tax_id": [(6, 0, [])]})]}
        )  # fmt: skip
        quotation.action_quotation_sent()

    def _report(self, report, user=None, **kwargs):
        data = self.report.with_user(user or self.head).get_report(
            report, self.date_from, self.today, **kwargs
        )
        return data, {row["key"]: row for row in data["rows"]}

    def test_financial_funnel(self):
        data, rows = self._report("summary", domain=[("id", "in", self._clients().ids)])
        figures = ("clients", "entered", "potential", "payments")
        self.assertEqual(
            {key: tuple(row[figure] for figure in figures) for key, row in rows.items()},
            {
                "potential": (1, 0, 5000, 0),
                "new": (2, 2, 0, 0),
                "regular": (1, 1, 10000, 300),
                "lost": (1, 0, 0, 0),
            },
        )
        self.assertEqual([row["key"] for row in data["rows"]],
                         ["potential", "new", "regular", "lost"])  # fmt: skip
        previous = {key: row["previous"] for key, row in rows.items()}
        self.assertEqual(
            {
                key: (row["clients"], row["entered"], row["payments"])
                for key, row in previous.items()
            },
            {"potential": (3, 0, 0), "new": (1, 1, 500), "regular": (0, 0, 0), "lost": (1, 0, 0)},
        )
        self.assertEqual(data["totals"]["clients"], 5)
        self.assertEqual(data["previous_period"],
                         {"date_from": str(self.previous_from), "date_to": str(self.previous_to)})  # fmt: skip

    def test_contact_frequency(self):
        _data, rows = self._report("contact")
        hunter = rows[self.hunter.id]
        self.assertEqual(hunter["clients"], 4)
        self.assertEqual(hunter["abandoned"], 2, "Charlie and Delta: nothing planned")
        self.assertEqual(hunter["abandoned_share"], 0.5)
        self.assertEqual(hunter["calls"], 1)
        self.assertEqual(hunter["meeting_hours"], 1.5)
        self.assertEqual(hunter["potential"], 15000)
        self.assertEqual(hunter["proposals"], 200)
        self.assertEqual(hunter["unpaid"], 1200)
        self.assertEqual(hunter["payments"], 300)
        self.assertEqual(hunter["previous"]["payments"], 500)
        self.assertEqual(rows[self.farmer.id]["clients"], 1)

    def test_filters_through_relations(self):
        """Conditions on related records (tags, the commercial entity) keep the clients
        they keep, and a report reads those clients' figures only."""
        tag = self.env["res.partner.category"].create({"name": "Key account"})
        self.charlie.category_id = tag
        _data, rows = self._report(
            "contact",
            domain=[
                ("category_id", "not in", tag.ids),
                ("commercial_partner_id.name", "!=", False),
            ],
        )
        hunter = rows[self.hunter.id]
        self.assertEqual(hunter["clients"], 3, "Charlie is filtered out")
        self.assertEqual(hunter["meeting_hours"], 0, "Charlie's meeting goes with him")
        self.assertEqual(hunter["calls"], 1)

    def test_overdue_clients_by_months_held(self):
        data, rows = self._report("overdue")
        hunter = rows[self.hunter.id]
        self.assertEqual(
            [column["key"] for column in data["columns"]],
            ["potential_0", "potential_1", "potential_2", "potential_overdue",
             "buyer_0", "buyer_1", "buyer_overdue"],
        )  # fmt: skip
        self.assertEqual(hunter["potential_overdue"], 1, "Charlie, held 100 days of 90")
        self.assertEqual(hunter["buyer_overdue"], 1, "Alpha, regular, still with the hunter")
        self.assertEqual(hunter["buyer_1"], 1, "Bravo, held 40 days")
        self.assertEqual(rows[self.farmer.id]["buyer_0"], 1, "Echo, held since today")

        action = self.report.with_user(self.head).action_reassign(
            self.date_from, self.today, self.hunter.id
        )
        review = (
            self.env["active.sales.client.handover"]
            .with_user(self.head)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(review.line_ids.partner_id, self.alpha | self.charlie)
        self.assertEqual(
            {line.partner_id: line.reason for line in review.line_ids},
            {self.alpha: "handover", self.charlie: "held_too_long"},
        )

    def test_client_qualification_by_salesperson_and_by_source(self):
        (self.alpha | self.bravo).sudo().write({"is_qualified": True})
        self.alpha.sudo().write({"qualification_days": 10, "abc_class": "a"})
        self.bravo.sudo().write({"qualification_days": 4, "abc_class": "c"})
        self.charlie.sudo().abc_class = "c"
        _data, rows = self._report("qualification")
        hunter = rows[self.hunter.id]
        self.assertEqual(
            {figure: hunter[figure] for figure in
             ("clients", "qualified", "qualified_share", "days_to_qualify", "abc_a", "abc_b", "abc_c")},
            {"clients": 4, "qualified": 2, "qualified_share": 0.5, "days_to_qualify": 7,
             "abc_a": 1, "abc_b": 0, "abc_c": 2},
        )  # fmt: skip
        self.assertNotIn("qualification_days", [column["key"] for column in _data["columns"]])

        fair = self.env["utm.source"].create({"name": "Trade fair"})
        self.env["crm.lead"].create({"name": "Bravo at the fair", "partner_id": self.bravo.id,
                                     "source_id": fair.id, "user_id": self.hunter.id})  # fmt: skip
        data, rows = self._report(
            "qualification", domain=[("id", "in", self._clients().ids)], group_by="source_id"
        )
        self.assertEqual(data["group_by"], "source_id")
        self.assertEqual((rows[fair.id]["label"], rows[fair.id]["clients"], rows[fair.id]["qualified"]),
                         ("Trade fair", 1, 1))  # fmt: skip
        self.assertEqual((rows[False]["label"], rows[False]["clients"]), ("No source", 4))
        action = self.report.with_user(self.head).action_open_clients(
            "qualification", self.date_from, self.today, fair.id, "qualified",
            group_by="source_id",
        )  # fmt: skip
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.bravo)
        with self.assertRaises(UserError):
            self._report("summary", group_by="source_id")

    def test_a_number_opens_the_clients_behind_it(self):
        action = self.report.with_user(self.head).action_open_clients(
            "summary", self.date_from, self.today, "new", "clients",
            domain=[("id", "in", self._clients().ids)],
        )  # fmt: skip
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.bravo | self.echo)
        action = self.report.with_user(self.head).action_open_clients(
            "contact", self.date_from, self.today, self.hunter.id, "payments", previous=True
        )
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.alpha)
        action = self.report.with_user(self.head).action_open_clients(
            "contact", self.date_from, self.today, None, "abandoned",
            domain=[("id", "in", self._clients().ids)],
        )  # fmt: skip
        self.assertEqual(self.env["res.partner"].search(action["domain"]),
                         self.charlie | self.delta | self.echo)  # fmt: skip
        with self.assertRaises(UserError):
            self.report.action_open_clients(
                "contact", self.date_from, self.today, None, "abandoned_share"
            )

    def test_a_salesperson_sees_own_clients_only(self):
        _data, rows = self._report("contact", user=self.hunter)
        self.assertEqual(list(rows), [self.hunter.id])
        _data, rows = self._report("summary", user=self.farmer)
        self.assertEqual(rows["new"]["clients"], 1)
        self.assertEqual(rows["potential"]["previous"]["clients"], 1, "Echo, before they bought")
        self.assertEqual(rows["potential"]["clients"], 0)
        action = self.report.with_user(self.farmer).action_open_clients(
            "summary", self.date_from, self.today, None, "clients"
        )
        self.assertEqual(self.env["res.partner"].search(action["domain"]), self.echo)
        employee = mail_new_test_user(self.env, login="report_employee", groups="base.group_user")
        for user in (self.warehouse_user, employee):
            with self.assertRaises(AccessError):
                self.report.with_user(user).get_report("summary", self.date_from, self.today)

    def test_bad_input_gets_a_clear_answer(self):
        for report, date_from, date_to, domain in (
            ("nonsense", self.date_from, self.today, None),
            ("summary", self.today, self.date_from, None),
            ("summary", "yesterday", self.today, None),
            ("summary", self.date_from, self.today, [("no_such_field", "=", 1)]),
            ("summary", self.date_from, self.today, [("name", "no_such_operator", 1)]),
            ("summary", self.date_from, self.today, "[(1, '=', 1)"),
            ("summary", self.date_from, self.today, "garbage"),
            ("summary", self.date_from, self.today, [("id", "=", "abc")]),
            ("summary", self.date_from, self.today, [("create_date", ">", "not a date")]),
            ("summary", 5, 6, None),
            ("summary", [self.date_from], self.today, None),
            ("summary", "0001-01-01", self.today, None),
            ("summary", self.date_from, "9999-12-31", None),
            (["summary"], self.date_from, self.today, None),
        ):
            with self.subTest(report=report, domain=domain, date_from=date_from), \
                    self.assertRaises(UserError):  # fmt: skip
                self.report.with_user(self.head).get_report(report, date_from, date_to,
                                                            domain=domain)  # fmt: skip
        for row_key in ("abc", [1, 2], {"a": 1}):
            with self.subTest(row_key=row_key), self.assertRaises(UserError):
                self.report.with_user(self.head).action_open_clients(
                    "contact", self.date_from, self.today, row_key, "clients"
                )
        with self.assertRaises(UserError):
            self.report.with_user(self.head).action_open_clients(
                "summary", self.date_from, self.today, 5, "clients"
            )
        # A user's time zone the server does not know reads as UTC, as Odoo's dates do.
        self.report.with_user(self.head).with_context(tz="Mars/Olympus").get_report(
            "summary", self.date_from, self.today
        )

    def test_xlsx_export(self):
        content, filename = self.report.with_user(self.head)._xlsx_export(
            {"report": "summary", "date_from": str(self.date_from), "date_to": str(self.today),
             "domain": [("id", "in", self._clients().ids)]}
        )  # fmt: skip
        self.assertIn("Financial funnel", filename)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=4, values_only=True)}
        # Clients and their previous-period count, then those who came in, for each status.
        self.assertEqual(rows["Regular"][:4], (1, 0, 1, 0))
        self.assertEqual(rows["Total"][0], 5)

    def _clients(self):
        return self.alpha | self.bravo | self.charlie | self.delta | self.echo
