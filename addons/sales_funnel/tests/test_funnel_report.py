import io

import openpyxl

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SalesFunnelCommon

STEPS = (
    "lead_rating",
    "meeting_preparation",
    "presentation",
    "commercial_proposal",
    "waiting_decision",
    "agreement",
    "payment",
    "shipment",
    "won",
)


@tagged("post_install", "-at_install")
class TestFunnelReport(SalesFunnelCommon):
    """The funnel of March 2026 (previous period: February) over a hand-built history of
    the typical sale: a won deal that skipped steps, losses at three steps (one after going
    back), a loss returned, deals open at the end of the month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        cls._own_typical_sale()
        cls.deals = {}
        history = {
            # deal: (salesperson, [(step, date_in, date_out, outcome, last amount, furthest)])
            "D1": ("me", [
                ("lead_rating", "2026-03-01 09:00", "2026-03-02", "moved", 0, None),
                ("commercial_proposal", "2026-03-02", "2026-03-05", "won", 1000, "won"),
                ("won", "2026-03-05", None, None, 1000, None),
            ]),
            "D2": ("me", [
                ("lead_rating", "2026-03-01 09:00", "2026-03-03", "moved", 0, None),
                ("presentation", "2026-03-03", "2026-03-10", "lost", 500, "presentation"),
            ]),
            "D3": ("me", [
                ("lead_rating", "2026-03-01 09:00", "2026-03-02", "moved", 0, None),
                ("meeting_preparation", "2026-03-02", "2026-03-04", "moved", 0, None),
                ("waiting_decision", "2026-03-04", "2026-03-06", "moved", 300, None),
                ("meeting_preparation", "2026-03-06", "2026-03-22", "lost", 300,
                 "waiting_decision"),
            ]),
            # Lost on 18 March, returned on the 25th: not a loss.
            "D4": ("me", [
                ("lead_rating", "2026-03-01 09:00", "2026-03-18", "moved", 50, "lead_rating"),
                ("lead_rating", "2026-03-25", None, None, 50, None),
            ]),
            "D5": ("me", [
                ("lead_rating", "2026-03-01 09:00", "2026-03-20 12:00", "lost", 0, "lead_rating"),
            ]),
            "D6": ("other", [("agreement", "2026-03-15", None, None, 2000, None)]),
            "D7": ("me", [
                ("presentation", "2026-03-28", "2026-04-05", "moved", 700, None),
                ("waiting_decision", "2026-04-05", None, None, 700, None),
            ]),
            "D8": ("me", [
                ("lead_rating", "2026-02-01", "2026-02-10", "moved", 0, None),
                ("payment", "2026-02-10", "2026-02-20", "won", 400, "won"),
                ("won", "2026-02-20", None, None, 400, None),
            ]),
            "D9": ("me", [
                ("commercial_proposal", "2026-02-05", "2026-02-15", "lost", 250,
                 "commercial_proposal"),
            ]),
            "D10": ("me", [("presentation", "2026-02-10", "2026-03-05", "left", 100, None)]),
        }  # fmt: skip
        for name, (owner, visits) in history.items():
            user = cls.salesperson if owner == "me" else cls.salesperson_other
            cls.deals[name] = cls._deal_with_history(name, user, visits)

    def _funnel(self, user=None, **kwargs):
        report = self.env["crm.funnel.report"].with_user(user or self.head)
        return report.get_funnel(self.typical.id, "2026-03-01", "2026-03-31", **kwargs)

    def column(self, funnel, figure, previous=False):
        rows = funnel["steps"]
        return [(row["previous"] if previous else row)[figure] for row in rows]

    # closed part -----------------------------------------------------------

    def test_reached_counts_skipped_steps_and_the_furthest_one(self):
        funnel = self._funnel()
        self.assertEqual([row["stage_id"] for row in funnel["steps"]],
                         [self.stage(name).id for name in STEPS])  # fmt: skip
        # D1 won (every step), D2 lost at presentation, D3 lost at meeting preparation after
        # reaching waiting for a decision, D5 lost at the first step; D4's loss returned.
        self.assertEqual(self.column(funnel, "reached"), [4, 3, 3, 2, 2, 1, 1, 1, 1])
        self.assertEqual(self.column(funnel, "passed"), [3, 3, 2, 2, 1, 1, 1, 1, 1])
        self.assertEqual(self.column(funnel, "lost"), [1, 1, 1, 0, 0, 0, 0, 0, 0])
        self.assertEqual(
            self.column(funnel, "amount_reached"),
            [1800, 1800, 1800, 1300, 1300, 1000, 1000, 1000, 1000],
        )
        self.assertEqual(self.column(funnel, "amount_lost"), [0, 300, 500, 0, 0, 0, 0, 0, 0])
        totals = funnel["totals"]
        self.assertEqual(
            (totals["closed"], totals["won"], totals["lost"], totals["amount_won"]),
            (4, 1, 3, 1000),
        )
        self.assertEqual(totals["win_rate"], 0.25)

    def test_open_deals_at_the_end_of_the_period(self):
        funnel = self._funnel()
        self.assertEqual(self.column(funnel, "current"), [1, 0, 1, 0, 0, 1, 0, 0, 0])
        self.assertEqual(self.column(funnel, "amount_current"), [50, 0, 700, 0, 0, 2000, 0, 0, 0])
        self.assertEqual(self.column(funnel, "avg_days"), [7, 0, 4, 0, 0, 17, 0, 0, 0])
        self.assertEqual(funnel["period"]["as_of"], "2026-04-01 00:00:00")

    def test_open_deals_at_a_past_moment(self):
        # End of 20 March: D3 back on meeting preparation since the 6th, D6 on agreement
        # since the 15th; D4 was lost then, D7 not there yet.
        funnel = self._funnel(as_of="2026-03-20")
        self.assertEqual(self.column(funnel, "current"), [0, 1, 0, 0, 0, 1, 0, 0, 0])
        self.assertEqual(self.column(funnel, "amount_current"), [0, 300, 0, 0, 0, 2000, 0, 0, 0])
        self.assertEqual(self.column(funnel, "avg_days"), [0, 15, 0, 0, 0, 6, 0, 0, 0])

    def test_thin_history_uses_template_probabilities(self):
        funnel = self._funnel()
        self.assertEqual(
            self.column(funnel, "win_probability"),
            [0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9, 0.95, 1.0],
        )
        self.assertEqual(self.column(funnel, "forecast"), [5, 0, 210, 0, 0, 1400, 0, 0, 0])
        self.assertEqual(funnel["totals"]["forecast"], 1615)

    def test_own_history_gives_the_probability_from_twenty_deals(self):
        # 20 more deals lost at the first step in January: 26 closed deals reached it in
        # the twelve months, 2 of them won (D1, D8); the second step keeps its template.
        for index in range(20):
            self._deal_with_history(f"Lost {index}", self.salesperson, [
                ("lead_rating", "2026-01-05", "2026-01-06", "lost", 10, "lead_rating"),
            ])  # fmt: skip
        funnel = self._funnel()
        probabilities = self.column(funnel, "win_probability")
        self.assertAlmostEqual(probabilities[0], 2 / 26)
        self.assertEqual(probabilities[1], 0.2)
        self.assertAlmostEqual(funnel["steps"][0]["forecast"], 50 * 2 / 26)

    def test_previous_period(self):
        funnel = self._funnel()
        self.assertEqual(
            funnel["previous_period"],
            {"date_from": "2026-01-29", "date_to": "2026-02-28", "as_of": "2026-03-01 00:00:00"},
        )
        # D8 won, D9 lost at the commercial proposal; D10 open on presentation for 19 days
        # (the month before March is 31 days long: from 29 January).
        self.assertEqual(self.column(funnel, "reached", True), [2, 2, 2, 2, 1, 1, 1, 1, 1])
        self.assertEqual(self.column(funnel, "passed", True), [2, 2, 2, 1, 1, 1, 1, 1, 1])
        self.assertEqual(self.column(funnel, "lost", True), [0, 0, 0, 1, 0, 0, 0, 0, 0])
        self.assertEqual(self.column(funnel, "current", True), [0, 0, 1, 0, 0, 0, 0, 0, 0])
        self.assertEqual(self.column(funnel, "avg_days", True), [0, 0, 19, 0, 0, 0, 0, 0, 0])
        self.assertEqual(funnel["totals"]["previous"]["amount_won"], 400)

    # filters and rights ----------------------------------------------------

    def test_filter_on_any_deal_field(self):
        funnel = self._funnel(domain=[("user_id", "=", self.salesperson_other.id)])
        self.assertEqual(self.column(funnel, "current"), [0, 0, 0, 0, 0, 1, 0, 0, 0])
        self.assertEqual(funnel["totals"]["closed"], 0)
        funnel = self._funnel(domain=[("name", "in", ["D2", "D9"])])
        self.assertEqual(self.column(funnel, "lost"), [0, 0, 1, 0, 0, 0, 0, 0, 0])
        self.assertEqual(self.column(funnel, "lost", True), [0, 0, 0, 1, 0, 0, 0, 0, 0])

    def test_salesperson_sees_their_own_deals(self):
        mine = self._funnel(user=self.salesperson)
        self.assertEqual(self.column(mine, "current"), [1, 0, 1, 0, 0, 0, 0, 0, 0])
        other = self._funnel(user=self.salesperson_other)
        self.assertEqual(self.column(other, "current"), [0, 0, 0, 0, 0, 1, 0, 0, 0])
        self.assertEqual(other["totals"]["closed"], 0)

    def test_no_sales_right_no_funnel(self):
        for user in (self.accountant, self.warehouse_user):
            with self.assertRaises(AccessError):
                self._funnel(user=user)

    def test_bad_input_is_a_user_error(self):
        report = self.env["crm.funnel.report"].with_user(self.head)
        with self.assertRaises(UserError):
            report.get_funnel(self.typical.id, "2026-03-31", "2026-03-01")
        with self.assertRaises(UserError):
            report.get_funnel(self.typical.id, "March", "2026-03-31")
        with self.assertRaises(UserError):
            report.get_funnel(self.typical.id, "2026-03-01", "2026-03-31", [("no_such", "=", 1)])
        with self.assertRaises(UserError):
            report.get_funnel(self.typical.id, "2026-03-01", "2026-03-31", target=-5)
        with self.assertRaises(UserError):
            report.get_funnel(0, "2026-03-01", "2026-03-31")
        dates = ("2026-03-01", "2026-03-31")
        for args, kwargs in (
            (("abc", *dates), {}),
            (([self.typical.id], *dates), {}),
            ((self.typical.id, 2026, "2026-03-31"), {}),
            ((self.typical.id, "0001-01-01", "2026-03-31"), {}),
            ((self.typical.id, *dates), {"as_of": 5}),
            ((self.typical.id, *dates), {"as_of": "9999-12-31"}),
            ((self.typical.id, *dates), {"domain": "garbage"}),
            ((self.typical.id, *dates), {"domain": [("id", "=", "abc")]}),
            ((self.typical.id, *dates), {"domain": [("create_date", ">", "garbage")]}),
            ((self.typical.id, *dates), {"target": "a"}),
            ((self.typical.id, *dates), {"target": [1]}),
            ((self.typical.id, *dates), {"target": 10**400}),
        ):
            with self.subTest(args=args, kwargs=kwargs), self.assertRaises(UserError):
                report.get_funnel(*args, **kwargs)
        for periods in ("a", None, [1]):
            with self.subTest(periods=periods), self.assertRaises(UserError):
                report.get_forecast_accuracy(self.typical.id, periods)
        with self.assertRaises(UserError):
            report.get_forecast_accuracy(self.typical.id, 3, until=5)
        step = self.typical.sudo()._funnel_steps()[0]
        for user_id in ([1, 2], "x"):
            with self.subTest(user_id=user_id), self.assertRaises(UserError):
                report.action_open_deals(
                    self.typical.id, *dates, step.id, "reached", user_id=user_id
                )
        with self.assertRaises(UserError):
            report._funnel_of_params([1])

    # plan and needed input ---------------------------------------------------

    def _plan(self, counts, amounts=None, user=None, team=None, month=("2026-03-01", "2026-03-31")):
        plan = (
            self.env["crm.funnel.plan"]
            .with_user(self.head)
            .create(
                {
                    "scenario_id": self.typical.id,
                    "date_from": month[0],
                    "date_to": month[1],
                    "team_id": (team or self.team).id,
                    "user_id": user and user.id,
                }
            )
        )
        for line, count, amount in zip(plan.line_ids, counts, amounts or [0] * 9, strict=True):
            line.write({"count": count, "amount": amount})
        return plan

    def test_plan_deviation(self):
        plan = self._plan([5, 4, 4, 3, 3, 3, 3, 3, 3], [2000, 0, 0, 0, 0, 0, 0, 0, 900])
        self.assertEqual(len(plan.line_ids), 9, "a new plan lists every step")
        self.assertEqual((plan.planned_wins, plan.planned_amount), (3, 900))
        funnel = self._funnel()
        first, won = funnel["steps"][0]["plan"], funnel["steps"][-1]["plan"]
        self.assertEqual(first, {"count": 5, "amount": 2000, "deviation": -1,
                                 "amount_deviation": -200})  # fmt: skip
        self.assertEqual((won["deviation"], won["amount_deviation"]), (-2, 100))
        self.assertEqual(
            funnel["needed_input"],
            {"target": 3, "source": "plan", "conversion": 0.1, "needed": 30},
        )

    def test_salespeople_plans_when_the_filter_names_them(self):
        self._plan([9] * 9)
        self._plan([2] * 9, user=self.salesperson_other)
        team_funnel = self._funnel()
        self.assertEqual(team_funnel["steps"][0]["plan"]["count"], 9)
        own = self._funnel(domain=[("user_id", "=", self.salesperson_other.id)])
        self.assertEqual(own["steps"][0]["plan"]["count"], 2)
        by_person = self._funnel(by_salesperson=True)["salespeople"]
        self.assertEqual(
            [person["name"] for person in by_person], ["Oscar Other", "Sally Salesperson"]
        )
        self.assertEqual(by_person[0]["steps"][0]["plan"]["count"], 2)
        self.assertEqual(by_person[0]["steps"][5]["current"], 1)
        self.assertEqual(by_person[1]["steps"][0]["plan"], False)
        self.assertEqual(by_person[1]["totals"]["closed"], 4)

    def test_plans_never_count_twice(self):
        plan = self._plan([4] * 9)
        with self.assertRaises(ValidationError):
            plan.copy()
        with self.assertRaises(ValidationError):
            self._plan([1] * 9, month=("2026-03-15", "2026-04-15"))
        self._plan([1] * 9, month=("2026-04-01", "2026-04-30"))  # the next month
        self._plan([2] * 9, user=self.salesperson_other)
        with self.assertRaises(ValidationError):  # hers, whatever team it names
            self.env["crm.funnel.plan"].with_user(self.head).create(
                {"scenario_id": self.typical.id, "date_from": "2026-03-01",
                 "date_to": "2026-03-31", "user_id": self.salesperson_other.id}
            )  # fmt: skip
        company_plan = (
            self.env["crm.funnel.plan"]
            .with_user(self.head)
            .create(
                {"scenario_id": self.typical.id, "date_from": "2026-03-01", "date_to": "2026-03-31"}
            )
        )
        company_plan.line_ids[0].count = 10
        self.assertEqual(self._funnel()["steps"][0]["plan"]["count"], 10, "the company's plan")
        team_funnel = self._funnel(domain=[("team_id", "=", self.team.id)])
        self.assertEqual(team_funnel["steps"][0]["plan"]["count"], 4)
        own = (
            self.env["crm.funnel.report"]
            .with_user(self.salesperson)
            .get_funnel(self.typical.id, "2026-03-01", "2026-03-31")
        )
        self.assertFalse(own["steps"][0]["plan"], "a salesperson's funnel: their own plan")
        other_scenario = self.typical.copy({"team_ids": []})
        with self.assertRaises(ValidationError):
            self.env["crm.funnel.plan.line"].with_user(self.head).create(
                {"plan_id": plan.id, "step_id": other_scenario.step_ids[0].id}
            )

    def test_needed_input_for_a_typed_target(self):
        self.assertEqual(
            self._funnel(target=10)["needed_input"],
            {"target": 10, "source": "typed", "conversion": 0.1, "needed": 100},
        )
        self.assertIsNone(self._funnel()["needed_input"]["needed"], "no plan, no target")

    # forecast accuracy and drill-down ----------------------------------------

    def test_forecast_accuracy(self):
        report = self.env["crm.funnel.report"].with_user(self.head)
        february, march = report.get_forecast_accuracy(self.typical.id, 2, until="2026-04-15")
        # On 1 March, D10 stood on presentation (100 × 30%); March won D1 (1,000).
        self.assertEqual((march["date_from"], march["date_to"]), ("2026-03-01", "2026-03-31"))
        self.assertEqual((march["forecast"], march["won"], march["won_deals"]), (30, 1000, 1))
        self.assertAlmostEqual(march["deviation"], (1000 - 30) / 30)
        # On 1 February nothing was open: no forecast, 400 won.
        self.assertEqual((february["forecast"], february["won"], february["deviation"]),
                         (0, 400, None))  # fmt: skip

    def test_deals_behind_a_number(self):
        report = self.env["crm.funnel.report"].with_user(self.head)
        lead_rating = self.step(self.typical, "lead_rating")
        presentation = self.step(self.typical, "presentation")

        def deals(step, measure, **kwargs):
            action = report.action_open_deals(
                self.typical.id, "2026-03-01", "2026-03-31", step.id, measure, **kwargs
            )
            return set(self.env["crm.lead"].with_context(active_test=False).search(
                action["domain"]).mapped("name"))  # fmt: skip

        self.assertEqual(deals(lead_rating, "reached"), {"D1", "D2", "D3", "D5"})
        self.assertEqual(deals(lead_rating, "lost"), {"D5"})
        self.assertEqual(deals(presentation, "passed"), {"D1", "D3"})
        self.assertEqual(deals(presentation, "current"), {"D7"})
        self.assertEqual(deals(lead_rating, "reached", previous=True), {"D8", "D9"})
        with self.assertRaises(UserError):
            deals(lead_rating, "won_by_magic")


@tagged("post_install", "-at_install")
class TestFunnelLogFromTheEngine(SalesFunnelCommon):
    """The stage engine writes what the funnel reads: the furthest step on the visit that
    closed a deal, and the deal's expected revenue on its visits."""

    def _closing_visit(self, deal):
        return self.env["crm.stage.log"].search(
            [("lead_id", "=", deal.id), ("outcome", "in", ("won", "lost"))]
        )

    def test_lost_after_going_back_keeps_the_furthest_step(self):
        deal = self._deal(expected_revenue=100)
        self._put_on(deal, "presentation")
        self._put_on(deal, "meeting_preparation")
        deal.sudo().expected_revenue = 250
        open_visit = self.env["crm.stage.log"].search(
            [("lead_id", "=", deal.id), ("date_out", "=", False)]
        )
        self.assertEqual(open_visit.expected_revenue_last, 250, "the open visit follows")
        self._lose(deal)
        closing = self._closing_visit(deal)
        self.assertEqual(closing.stage_id, self.stage("meeting_preparation"))
        self.assertEqual(closing.furthest_stage_id, self.stage("presentation"))
        self.assertEqual(closing.expected_revenue_last, 250)

    def test_won_deal_reaches_the_won_step(self):
        deal = self._deal(expected_revenue=100)
        self._put_on(deal, "shipment")
        self._put_on(deal, "won")
        closing = self._closing_visit(deal)
        self.assertEqual(closing.stage_id, self.stage("shipment"))
        self.assertEqual(closing.furthest_stage_id, self.stage("won"))


@tagged("post_install", "-at_install")
class TestFunnelExports(SalesFunnelCommon):
    """The screen's table, exported: XLSX read back cell by cell, PDF rendered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        cls._own_typical_sale()
        cls._deal_with_history("Won", cls.salesperson, [
            ("lead_rating", "2026-03-02", "2026-03-03", "won", 1200, "won"),
            ("won", "2026-03-03", None, None, 1200, None),
        ])  # fmt: skip
        cls._deal_with_history("Lost", cls.salesperson_other, [
            ("lead_rating", "2026-03-02", "2026-03-04", "lost", 300, "lead_rating"),
        ])  # fmt: skip
        cls._deal_with_history("Open", cls.salesperson, [
            ("presentation", "2026-03-10", None, None, 800, None),
        ])  # fmt: skip
        cls.params = {
            "scenario_id": cls.typical.id,
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
            "domain": [],
            "target": 4,
            "by_salesperson": True,
        }

    def test_xlsx_reads_back(self):
        report = self.env["crm.funnel.report"].with_user(self.head)
        content, filename = report._xlsx_export(self.params)
        self.assertTrue(filename.endswith("2026-03-01 2026-03-31.xlsx"))
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        sheet = workbook["Funnel"]
        self.assertIn("2026-03-01", sheet["A1"].value)
        header = [cell.value for cell in sheet[3]]
        self.assertEqual(header[:5], ["Step", "Reached", "Passed", "Conversion", "Lost"])
        rows = {row[0]: row for row in sheet.iter_rows(min_row=4, max_row=12, values_only=True)}
        lead_rating = rows[self.stage("lead_rating").name]
        self.assertEqual(lead_rating[1:5], (2, 1, 0.5, 1))
        self.assertEqual(lead_rating[6], 300, "amount lost")
        presentation = rows[self.stage("presentation").name]
        self.assertEqual((presentation[7], presentation[8]), (1, 800), "open now, open amount")
        self.assertAlmostEqual(presentation[11], 800 * 0.3, msg="forecast")
        totals = {row[0]: row[1] for row in sheet.iter_rows(min_row=13, values_only=True)}
        self.assertEqual((totals["Closed"], totals["Won"], totals["Amount won"]), (2, 1, 1200))
        self.assertGreater(sheet.column_dimensions["A"].width, 20, "the step names fit")
        people = workbook["By salesperson"]
        self.assertEqual(people["B1"].value, "Oscar Other: Reached")
        self.assertEqual((people["B2"].value, people["C2"].value), (1, 1), "Oscar's lost deal")

    def test_pdf_renders_the_table(self):
        html = (
            self.env["ir.actions.report"]
            .with_user(self.head)
            ._render_qweb_html("sales_funnel.report_sales_funnel", [], data=self.params)[0]
            .decode()
        )
        self.assertIn("Sales funnel", html)
        self.assertIn(self.stage("presentation").name, html)
        self.assertIn("To win", html)
