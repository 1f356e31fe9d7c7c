import io
import math
from collections import defaultdict
from datetime import date, datetime
from typing import NamedTuple

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .crm_funnel_period import FunnelPeriod, end_of_day
from .report_input import (
    day_of,
    filter_errors,
    filtered_query,
    report_period,
    user_tz,
    whole_number,
)

# Below this many closed deals having reached a step, its win probability is the step's
# template probability rather than the company's own history.
MIN_HISTORY_DEALS = 20
# The figures each step and each period has; `previous` repeats them for the period before.
FIGURES = (
    "reached",
    "passed",
    "lost",
    "current",
    "amount_reached",
    "amount_lost",
    "amount_current",
    "win_probability",
    "forecast",
    "avg_days",
)
# Months the forecast accuracy goes back at most.
MAX_ACCURACY_PERIODS = 36
# The most deals the needed-input line is asked about.
MAX_TARGET = 1_000_000_000
# What a click on a number of the funnel opens.
MEASURES = ("reached", "passed", "lost", "current")


class ClosedGroup(NamedTuple):
    """Deals closed (won or lost) of one salesperson that went as far as ``furthest`` and
    closed on ``closing`` (step positions), counted in each window."""

    user_id: int
    furthest: int
    closing: int
    won: bool
    count: int
    amount: float
    previous_count: int
    previous_amount: float
    history_count: int
    previous_history_count: int


class OpenGroup(NamedTuple):
    """Deals of one salesperson open on the step at ``position`` at the period's moment
    and at the previous period's."""

    user_id: int
    position: int
    count: int
    amount: float
    days: float
    previous_count: int
    previous_amount: float
    previous_days: float


class CrmFunnelReport(models.AbstractModel):
    """The sales funnel of a scenario over a period, read from the stage log.

    Closed part: the deals won or lost in the period. A deal counts as having reached every
    step up to the furthest one it visited (a skipped step counts as reached and passed),
    and as lost at the step where it was lost; a deal returned from a loss is not lost.
    Amounts are the expected revenue at closing.
    Open part: the deals open at a moment (the end of the period, or any past moment),
    reconstructed from the visits' entry and exit times: count, amount and days on their
    step. Amounts of deals open at a past moment are those they had when they left the
    step, or have now if they are still there.
    Win probability of a step: the share of the deals closed over the twelve months before
    the period's end that reached the step and were won; the step's template probability
    when fewer than twenty reached it. Forecast: open amount times that probability."""

    _name = "crm.funnel.report"
    _description = "Sales funnel"

    # ------------------------------------------------------------
    # PUBLIC
    # ------------------------------------------------------------

    @api.model
    @api.readonly
    def get_funnel(
        self,
        scenario_id,
        date_from,
        date_to,
        domain=None,
        as_of=None,
        *,
        target=None,
        by_salesperson=False,
    ):
        """The funnel of a scenario for the days ``date_from`` to ``date_to`` (included).

        :param domain: deals to count (a domain on crm.lead: team, salesperson, country,
            client category, source... any deal field)
        :param as_of: the moment (UTC datetime) or the day (at its end) the open deals are
            taken at; default: the end of the period, or now
        :param target: deals to win for the needed-input line; default: the plan's wins
        :param by_salesperson: add the figures per salesperson (``salespeople``)
        :return: ``{'steps': [{'step_id', 'stage_id', 'name', 'reached', 'passed', 'lost',
            'current', 'amount_reached', 'amount_lost', 'amount_current',
            'win_probability', 'forecast', 'avg_days', 'plan', 'previous'}],
            'totals': {...}, 'needed_input': {...}, 'period': {...}, 'previous_period':
            {...}, 'currency_id', 'scenario_id', 'salespeople': [...]}``
        """
        scenario = self._scenario(scenario_id)
        period = self._period(date_from, date_to, as_of)
        steps = scenario.sudo()._funnel_steps()
        visits = self._visits(scenario, domain)
        self._tune_grouped_reads()
        closed = self._closed_groups(visits, steps, period)
        opened = self._open_groups(visits, steps, period)
        funnel = self._funnel_figures(steps, closed, opened)
        plans = self.env["crm.funnel.plan"]._plans_for(scenario, period, domain)
        self._add_plan(funnel, steps, plans)
        result = {
            "scenario_id": scenario.id,
            "currency_id": self.env.company.currency_id.id,
            "period": self._period_values(period),
            "previous_period": self._period_values(period.previous()),
            **funnel,
            "needed_input": self._needed_input(funnel, target),
        }
        if by_salesperson:
            result["salespeople"] = self._salespeople_figures(
                scenario, period, steps, closed, opened
            )
        return result

    @api.model
    @api.readonly
    def get_forecast_accuracy(self, scenario_id, periods=6, domain=None, until=None):
        """How well the funnel forecast each of the last ``periods`` months: the forecast
        at the month's start (open amount times win probability then) against the amount
        actually won in the month.

        :param until: a day in the month after the last one measured; default today
        :return: ``[{'date_from', 'date_to', 'forecast', 'won', 'forecast_deals',
            'won_deals', 'deviation'}]``, oldest first; ``deviation`` is
            (won - forecast) / forecast, or None without a forecast
        """
        months_error = self.env._("Measure from 1 to %s months.", MAX_ACCURACY_PERIODS)
        periods = whole_number(self.env, periods, months_error)
        if not 1 <= periods <= MAX_ACCURACY_PERIODS:
            raise UserError(months_error)
        scenario = self._scenario(scenario_id)
        until = day_of(self.env, until) or fields.Date.context_today(self)
        steps = scenario.sudo()._funnel_steps()
        visits = self._visits(scenario, domain)
        self._tune_grouped_reads()
        first_month = until.replace(day=1) - relativedelta(months=periods)
        months = [first_month + relativedelta(months=index) for index in range(periods)]
        return [self._accuracy_of_month(steps, visits, month) for month in months]

    @api.model
    def action_open_deals(
        self,
        scenario_id,
        date_from,
        date_to,
        step_id,
        measure,
        *,
        domain=None,
        as_of=None,
        user_id=None,
        previous=False,
    ):
        """The deals behind a number of the funnel, in Odoo's deal list."""
        if measure not in MEASURES:
            raise UserError(self.env._("The funnel has no figure “%s”.", measure))
        scenario = self._scenario(scenario_id)
        period = self._period(date_from, date_to, as_of)
        if previous:
            period = period.previous()
        steps = scenario.sudo()._funnel_steps()
        step = steps.filtered(lambda s: s.id == step_id)
        if not step:
            raise UserError(self.env._("This step is not one of the scenario's."))
        if user_id and (isinstance(user_id, bool) or not isinstance(user_id, int)):
            raise UserError(self.env._("This salesperson is not one of the funnel's."))
        visits = self._visits(scenario, domain)
        lead_ids = self._deals_behind(visits, steps, period, step, measure, user_id=user_id)
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action.update(
            {
                "name": self._measure_title(measure, step.stage_id.name),
                "domain": [("id", "in", lead_ids)],
                "context": {"active_test": False, "create": False},
                "views": [(False, "list"), (False, "kanban"), (False, "form")],
                "view_mode": "list,kanban,form",
            }
        )
        return action

    # ------------------------------------------------------------
    # INPUT
    # ------------------------------------------------------------

    @api.model
    def _scenario(self, scenario_id):
        self.env["crm.stage.log"].check_access("read")
        if isinstance(scenario_id, bool) or not isinstance(scenario_id, int):
            raise UserError(self.env._("Choose a sales scenario for the funnel."))
        scenario = self.env["crm.scenario"].browse(scenario_id).exists()
        if not scenario:
            raise UserError(self.env._("Choose a sales scenario for the funnel."))
        scenario.check_access("read")
        return scenario

    @api.model
    def _period(self, date_from, date_to, as_of=None):
        return report_period(self.env, date_from, date_to, self._moment(as_of))

    @api.model
    def _moment(self, as_of):
        """``as_of`` as a UTC moment: a day means its end, in the user's time zone."""
        if not as_of:
            return None
        if (
            isinstance(as_of, str)
            and len(as_of) == len("2000-01-01")
            or (isinstance(as_of, date) and not isinstance(as_of, datetime))
        ):
            return end_of_day(day_of(self.env, as_of), self._tz())
        try:
            if not isinstance(as_of, str | datetime):
                raise TypeError(as_of)
            moment = fields.Datetime.to_datetime(as_of)
        except (ValueError, TypeError) as error:
            raise UserError(self.env._("“%s” is not a date.", as_of)) from error
        day_of(self.env, moment.date())
        return moment

    @api.model
    def _tz(self):
        return user_tz(self.env)

    @api.model
    def _visits(self, scenario, domain):
        """The scenario's visits in the active company that the user may read (the stage
        log's record rules) and whose deal the filter keeps, as SQL to select from."""
        log_domain = [("scenario_id", "=", scenario.id), ("company_id", "=", self.env.company.id)]
        query = self.env["crm.stage.log"].with_context(active_test=False)._search(log_domain)
        if domain:
            # The deals the filter keeps, read once for both grouped reads (archived ones
            # included: lost deals are archived).
            cannot_apply = self.env._("The funnel cannot apply this filter: %s")
            deals = self.env["crm.lead"].with_context(active_test=False)
            leads = filtered_query(deals, domain, cannot_apply, probe=False)
            with filter_errors(self.env, cannot_apply):
                rows = self.env.execute_query(leads.select())
            # One array literal: tens of thousands of ids parse fast, and hash.
            query.add_where(
                SQL(
                    "%s.lead_id = ANY(%s::int[])",
                    SQL.identifier(query.table),
                    "{" + ",".join(str(row[0]) for row in rows) + "}",
                )
            )
        return query.select(SQL("%s.*", SQL.identifier(query.table)))

    # ------------------------------------------------------------
    # SQL: two grouped reads of the log
    # ------------------------------------------------------------

    @api.model
    def _tune_grouped_reads(self):
        """Settings of this transaction only (LOCAL), for the grouped reads of hundreds of
        thousands of visits: compiling them (JIT) costs more than it saves, and their groups
        (salesperson and step) are hashed in memory rather than sorted on disk."""
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")

    @api.model
    def _position(self, steps, column):
        """The position (from 1) of the step whose stage is in ``column``, NULL when none:
        a lookup in the steps' stage ids, no join, so that the grouped reads run in
        parallel."""
        return SQL("array_position(%s::int[], %s)", steps.stage_id.ids, column)

    @api.model
    def _furthest_and_closing(self, steps):
        """SQL of a closing visit's furthest and closing positions: a won deal reached the
        won step; a lost one the furthest of the steps it visited, and was lost on its
        visit's step."""
        furthest = self._position(steps, SQL("visit.furthest_stage_id"))
        closing = self._position(steps, SQL("visit.stage_id"))
        return (
            SQL(
                "CASE WHEN visit.outcome = 'won' THEN %s ELSE COALESCE(GREATEST(%s, %s), 1) END",
                len(steps),
                furthest,
                closing,
            ),
            SQL("COALESCE(%s, %s, 1)", closing, furthest),
        )

    @api.model
    def _closed_query(self, visits, steps, period):
        """Deals won or lost from the start of the earliest window to the period's end,
        grouped by salesperson, furthest and closing step and outcome, counted per window:
        the period, the previous period and the two probability histories."""
        previous = period.previous()
        amount = SQL("COALESCE(visit.expected_revenue_last, visit.expected_revenue, 0)")

        def within(start, end):
            return SQL("visit.date_out >= %s AND visit.date_out < %s", start, end)

        furthest, closing = self._furthest_and_closing(steps)
        return SQL(
            """
            WITH visits AS NOT MATERIALIZED (%(visits)s)
            SELECT visit.user_id, %(furthest)s, %(closing)s, visit.outcome = 'won',
                   COUNT(*) FILTER (WHERE %(in_period)s),
                   COALESCE(SUM(%(amount)s) FILTER (WHERE %(in_period)s), 0)::float,
                   COUNT(*) FILTER (WHERE %(in_previous)s),
                   COALESCE(SUM(%(amount)s) FILTER (WHERE %(in_previous)s), 0)::float,
                   COUNT(*) FILTER (WHERE %(in_history)s),
                   COUNT(*) FILTER (WHERE %(in_previous_history)s)
              FROM visits visit
             WHERE visit.outcome IN ('won', 'lost')
               AND visit.date_out >= %(since)s AND visit.date_out < %(end)s
          GROUP BY 1, 2, 3, 4
            """,
            visits=visits,
            furthest=furthest,
            closing=closing,
            amount=amount,
            in_period=within(period.start, period.end),
            in_previous=within(previous.start, previous.end),
            in_history=within(period.history_start, period.end),
            in_previous_history=within(previous.history_start, previous.end),
            since=min(previous.start, previous.history_start),
            end=period.end,
        )

    @api.model
    def _open_query(self, visits, steps, period):
        """Deals open on each step at the period's moment and at the previous period's,
        grouped by salesperson and step: count, amount and days on the step so far."""
        previous = period.previous()
        amount = SQL("COALESCE(visit.expected_revenue_last, visit.expected_revenue, 0)")

        def open_at(moment):
            return SQL(
                "visit.date_in <= %(moment)s AND (visit.date_out IS NULL OR visit.date_out > %(moment)s)",
                moment=moment,
            )

        def days_at(moment):
            return SQL("EXTRACT(EPOCH FROM %s - visit.date_in) / 86400", moment)

        # Still open, or left after the earlier moment: two index ranges, not one OR. The
        # columns are named so that both ranges are read from their indexes alone.
        return SQL(
            """
            WITH visits AS NOT MATERIALIZED (%(visits)s),
                 open_visits AS (
                    SELECT user_id, stage_id, date_in, NULL::timestamp AS date_out,
                           expected_revenue, expected_revenue_last
                      FROM visits
                     WHERE date_out IS NULL AND date_in <= %(latest)s
                 UNION ALL
                    SELECT user_id, stage_id, date_in, date_out,
                           expected_revenue, expected_revenue_last
                      FROM visits
                     WHERE date_out > %(earliest)s AND date_in <= %(latest)s
                 )
            SELECT visit.user_id, %(position)s,
                   COUNT(*) FILTER (WHERE %(open_now)s),
                   COALESCE(SUM(%(amount)s) FILTER (WHERE %(open_now)s), 0)::float,
                   COALESCE(SUM(%(days_now)s) FILTER (WHERE %(open_now)s), 0)::float,
                   COUNT(*) FILTER (WHERE %(open_before)s),
                   COALESCE(SUM(%(amount)s) FILTER (WHERE %(open_before)s), 0)::float,
                   COALESCE(SUM(%(days_before)s) FILTER (WHERE %(open_before)s), 0)::float
              FROM open_visits visit
             WHERE visit.stage_id = ANY(%(open_stages)s)
          GROUP BY 1, 2
            """,
            visits=visits,
            position=self._position(steps, SQL("visit.stage_id")),
            open_stages=steps.filtered(lambda step: not step.is_won).stage_id.ids,
            amount=amount,
            open_now=open_at(period.as_of),
            open_before=open_at(previous.as_of),
            days_now=days_at(period.as_of),
            days_before=days_at(previous.as_of),
            latest=max(period.as_of, previous.as_of),
            earliest=min(period.as_of, previous.as_of),
        )

    @api.model
    def _closed_groups(self, visits, steps, period):
        rows = self.env.execute_query(self._closed_query(visits, steps, period))
        return [ClosedGroup(*row) for row in rows]

    @api.model
    def _open_groups(self, visits, steps, period):
        rows = self.env.execute_query(self._open_query(visits, steps, period))
        return [OpenGroup(*row) for row in rows]

    # ------------------------------------------------------------
    # FIGURES: from the grouped rows (a few per step and salesperson)
    # ------------------------------------------------------------

    @api.model
    def _funnel_figures(self, steps, closed, opened):
        """Steps and totals, with the previous period's figures as ``previous``."""
        current = self._window_figures(steps, closed, opened, previous=False)
        before = self._window_figures(steps, closed, opened, previous=True)
        step_rows = []
        for step, figures, previous in zip(steps, current["steps"], before["steps"], strict=True):
            step_rows.append(
                {
                    "step_id": step.id,
                    "stage_id": step.stage_id.id,
                    "name": step.stage_id.name,
                    "is_won": step.is_won,
                    **figures,
                    "plan": False,
                    "previous": previous,
                }
            )
        return {"steps": step_rows, "totals": {**current["totals"], "previous": before["totals"]}}

    @api.model
    def _window_figures(self, steps, closed, opened, previous, probabilities=None):
        """The figures of one window (the period or the previous one) for the given groups."""
        count, amount, history = (
            ("previous_count", "previous_amount", "previous_history_count")
            if previous
            else ("count", "amount", "history_count")
        )
        open_count, open_amount, open_days = (
            ("previous_count", "previous_amount", "previous_days")
            if previous
            else ("count", "amount", "days")
        )
        if probabilities is None:
            probabilities = self._win_probabilities(steps, closed, history)
        rows = []
        for position, probability in enumerate(probabilities, start=1):
            reaching = [g for g in closed if g.furthest >= position]
            lost_here = [g for g in closed if not g.won and g.closing == position]
            open_here = [g for g in opened if g.position == position]
            current = sum(getattr(g, open_count) for g in open_here)
            amount_current = sum(getattr(g, open_amount) for g in open_here)
            rows.append(
                {
                    "reached": sum(getattr(g, count) for g in reaching),
                    "passed": sum(
                        getattr(g, count) for g in reaching if g.won or g.furthest > position
                    ),
                    "lost": sum(getattr(g, count) for g in lost_here),
                    "current": current,
                    "amount_reached": sum(getattr(g, amount) for g in reaching),
                    "amount_lost": sum(getattr(g, amount) for g in lost_here),
                    "amount_current": amount_current,
                    "win_probability": probability,
                    "forecast": amount_current * probability,
                    "avg_days": sum(getattr(g, open_days) for g in open_here) / current
                    if current
                    else 0.0,
                }
            )
        won = [g for g in closed if g.won]
        totals = {
            "closed": rows[0]["reached"] if rows else 0,
            "won": sum(getattr(g, count) for g in won),
            "lost": sum(row["lost"] for row in rows),
            "amount_won": sum(getattr(g, amount) for g in won),
            "amount_lost": sum(row["amount_lost"] for row in rows),
            "current": sum(row["current"] for row in rows),
            "amount_current": sum(row["amount_current"] for row in rows),
            "forecast": sum(row["forecast"] for row in rows),
            "forecast_deals": sum(row["current"] * row["win_probability"] for row in rows),
            "conversion": probabilities[0] if probabilities else 0.0,
        }
        totals["win_rate"] = totals["won"] / totals["closed"] if totals["closed"] else 0.0
        return {"steps": rows, "totals": totals, "probabilities": probabilities}

    @api.model
    def _win_probabilities(self, steps, closed, history):
        """Per step: won / reached over the history window, or the template probability
        when fewer than MIN_HISTORY_DEALS closed deals reached the step."""
        probabilities = []
        for position, step in enumerate(steps, start=1):
            reaching = [g for g in closed if g.furthest >= position]
            reached = sum(getattr(g, history) for g in reaching)
            won = sum(getattr(g, history) for g in reaching if g.won)
            if step.is_won:
                probabilities.append(1.0)
            elif reached >= MIN_HISTORY_DEALS:
                probabilities.append(won / reached)
            else:
                probabilities.append(step.probability / 100.0)
        return probabilities

    @api.model
    def _salespeople_figures(self, scenario, period, steps, closed, opened):
        """The period's figures per salesperson (at the time the deal closed, or of its open
        visit), with the funnel's win probabilities."""
        probabilities = self._win_probabilities(steps, closed, "history_count")
        by_user = defaultdict(lambda: ([], []))
        for group in closed:
            by_user[group.user_id][0].append(group)
        for group in opened:
            by_user[group.user_id][1].append(group)
        users = self.env["res.users"].browse(uid for uid in by_user if uid).sudo()
        result = []
        for user in users.sorted("name"):
            figures = self._window_figures(
                steps, *by_user[user.id], previous=False, probabilities=probabilities
            )
            step_rows = [
                {"step_id": step.id, **row, "plan": False}
                for step, row in zip(steps, figures["steps"], strict=True)
            ]
            funnel = {"steps": step_rows, "totals": figures["totals"]}
            plans = self.env["crm.funnel.plan"]._plans_for(
                scenario, period, [("user_id", "=", user.id)]
            )
            self._add_plan(funnel, steps, plans)
            result.append({"user_id": user.id, "name": user.name, **funnel})
        return result

    # ------------------------------------------------------------
    # PLAN AND NEEDED INPUT
    # ------------------------------------------------------------

    @api.model
    def _add_plan(self, funnel, steps, plans):
        """Each step's plan and the deviation of the deals and amounts that reached it."""
        if not plans:
            return
        planned = plans._planned_by_step()
        for step, row in zip(steps, funnel["steps"], strict=True):
            count, amount = planned.get(step.id, (0, 0.0))
            row["plan"] = {
                "count": count,
                "amount": amount,
                "deviation": row["reached"] - count,
                "amount_deviation": row["amount_reached"] - amount,
            }

    @api.model
    def _needed_input(self, funnel, target=None):
        """How many new deals it takes to win ``target`` deals (else the plan's wins) at
        the current conversion (the first step's win probability)."""
        source = "typed"
        if target is None:
            won_step = funnel["steps"][-1] if funnel["steps"] else {}
            plan = won_step.get("plan") if won_step.get("is_won") else None
            target = plan["count"] if plan else None
            source = "plan"
        conversion = funnel["totals"]["conversion"]
        if target is None:
            needed = None
        else:
            target = whole_number(
                self.env, target, self.env._("The number of deals to win is a whole number.")
            )
            if not 0 <= target <= MAX_TARGET:
                raise UserError(
                    self.env._("The number of deals to win goes from 0 to %s.", MAX_TARGET)
                )
            needed = math.ceil(target / conversion) if conversion else None
        return {
            "target": target,
            "source": source,
            "conversion": conversion,
            "needed": needed,
        }

    # ------------------------------------------------------------
    # FORECAST ACCURACY AND DRILL-DOWN
    # ------------------------------------------------------------

    @api.model
    def _accuracy_of_month(self, steps, visits, month):
        """The month's forecast as the funnel gave it on its first day (deals open then,
        probabilities from the twelve months before) and what was won in it."""
        last_day = month + relativedelta(months=1, days=-1)
        month_period = FunnelPeriod.of_days(month, last_day, self._tz())
        period = FunnelPeriod.of_days(month, last_day, self._tz(), as_of=month_period.start)
        closed = self._closed_groups(visits, steps, period)
        opened = self._open_groups(visits, steps, period)
        # The previous period ends where this one starts: its history is the one known then.
        probabilities = self._win_probabilities(steps, closed, "previous_history_count")
        totals = self._window_figures(
            steps, closed, opened, previous=False, probabilities=probabilities
        )["totals"]
        forecast, won = totals["forecast"], totals["amount_won"]
        return {
            "date_from": fields.Date.to_string(month),
            "date_to": fields.Date.to_string(last_day),
            "forecast": forecast,
            "won": won,
            "forecast_deals": totals["forecast_deals"],
            "won_deals": totals["won"],
            "deviation": (won - forecast) / forecast if forecast else None,
        }

    @api.model
    def _deals_behind(self, visits, steps, period, step, measure, *, user_id=None):
        """Ids of the deals behind one number, selected as the funnel counts them."""
        position = list(steps).index(step) + 1
        user = SQL("AND visit.user_id = %s", user_id) if user_id else SQL()
        if measure == "current":
            query = SQL(
                """
                WITH visits AS NOT MATERIALIZED (%(visits)s)
                SELECT DISTINCT visit.lead_id FROM visits visit
                 WHERE visit.stage_id = %(stage)s AND visit.lead_id IS NOT NULL
                   AND visit.date_in <= %(moment)s
                   AND (visit.date_out IS NULL OR visit.date_out > %(moment)s) %(user)s
                """,
                visits=visits,
                stage=step.stage_id.id,
                moment=period.as_of,
                user=user,
            )
        else:
            condition = {
                "reached": SQL("furthest >= %s", position),
                "passed": SQL("(won OR furthest > %s)", position),
                "lost": SQL("(NOT won AND closing = %s)", position),
            }[measure]
            furthest, closing = self._furthest_and_closing(steps)
            query = SQL(
                """
                WITH visits AS NOT MATERIALIZED (%(visits)s),
                     closed AS (
                    SELECT visit.lead_id, visit.outcome = 'won' AS won,
                           %(furthest)s AS furthest, %(closing)s AS closing
                      FROM visits visit
                     WHERE visit.outcome IN ('won', 'lost') AND visit.lead_id IS NOT NULL
                       AND visit.date_out >= %(start)s AND visit.date_out < %(end)s %(user)s
                )
                SELECT lead_id FROM closed WHERE %(condition)s
                """,
                visits=visits,
                furthest=furthest,
                closing=closing,
                start=period.start,
                end=period.end,
                user=user,
                condition=condition,
            )
        return [row[0] for row in self.env.execute_query(query)]

    @api.model
    def _measure_title(self, measure, step_name):
        return {
            "reached": self.env._("Deals that reached %s", step_name),
            "passed": self.env._("Deals that passed %s", step_name),
            "lost": self.env._("Deals lost on %s", step_name),
            "current": self.env._("Deals open on %s", step_name),
        }[measure]

    @api.model
    def _period_values(self, period):
        return {
            "date_from": fields.Date.to_string(period.first_day),
            "date_to": fields.Date.to_string(period.last_day),
            "as_of": fields.Datetime.to_string(period.as_of),
        }

    # ------------------------------------------------------------
    # EXPORT
    # ------------------------------------------------------------

    @api.model
    def _funnel_of_params(self, params):
        """get_funnel called with the screen's parameters (XLSX and PDF exports)."""
        if not isinstance(params, dict):
            raise UserError(self.env._("The export's parameters are not valid."))
        params = dict(params)
        return self.get_funnel(
            params.pop("scenario_id", False),
            params.pop("date_from", False),
            params.pop("date_to", False),
            domain=params.get("domain"),
            target=params.get("target"),
            by_salesperson=bool(params.get("by_salesperson")),
        )

    @api.model
    def _title(self, funnel):
        return self.env._(
            "Sales funnel: %(scenario)s, %(date_from)s – %(date_to)s",
            scenario=self.env["crm.scenario"].browse(funnel["scenario_id"]).name,
            date_from=funnel["period"]["date_from"],
            date_to=funnel["period"]["date_to"],
        )

    @api.model
    def _needed_input_text(self, needed_input):
        """The needed-input line, or None when there is nothing to say."""
        if not needed_input["needed"]:
            return None
        return self.env._(
            "To win %(target)s deals at the current conversion of %(conversion)s%% you need "
            "%(needed)s new deals.",
            target=needed_input["target"],
            conversion=round(needed_input["conversion"] * 100),
            needed=needed_input["needed"],
        )

    @api.model
    def _xlsx_columns(self):
        """(title, figure, format) of the funnel sheet, after the step's name."""
        return [
            (self.env._("Reached"), "reached", "count"),
            (self.env._("Passed"), "passed", "count"),
            (self.env._("Conversion"), "conversion", "percent"),
            (self.env._("Lost"), "lost", "count"),
            (self.env._("Amount reached"), "amount_reached", "money"),
            (self.env._("Amount lost"), "amount_lost", "money"),
            (self.env._("Open now"), "current", "count"),
            (self.env._("Open amount"), "amount_current", "money"),
            (self.env._("Days on step"), "avg_days", "days"),
            (self.env._("Win probability"), "win_probability", "percent"),
            (self.env._("Forecast"), "forecast", "money"),
            (self.env._("Plan"), "plan_count", "count"),
            (self.env._("Deviation"), "plan_deviation", "count"),
            (self.env._("Reached, previous period"), "previous_reached", "count"),
            (self.env._("Lost, previous period"), "previous_lost", "count"),
            (self.env._("Open, previous period"), "previous_current", "count"),
            (self.env._("Forecast, previous period"), "previous_forecast", "money"),
        ]

    @api.model
    def _xlsx_row(self, row):
        plan = row["plan"] or {}
        previous = row["previous"]
        return {
            **row,
            "conversion": row["passed"] / row["reached"] if row["reached"] else 0.0,
            "plan_count": plan.get("count", ""),
            "plan_deviation": plan.get("deviation", ""),
            **{f"previous_{figure}": previous[figure] for figure in FIGURES},
        }

    @api.model
    def _xlsx_export(self, params):
        """The funnel as an XLSX workbook: (bytes, file name)."""
        funnel = self._funnel_of_params(params)
        period = funnel["period"]
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        formats = self._xlsx_formats(workbook)
        sheet = workbook.add_worksheet(self.env._("Funnel"))
        sheet.write(0, 0, self._title(funnel), formats["title"])
        columns = self._xlsx_columns()
        sheet.write(2, 0, self.env._("Step"), formats["header"])
        for index, (header, _figure, _kind) in enumerate(columns, start=1):
            sheet.write(2, index, header, formats["header"])
        for line, row in enumerate(funnel["steps"], start=3):
            values = self._xlsx_row(row)
            sheet.write(line, 0, row["name"])
            for index, (_header, figure, kind) in enumerate(columns, start=1):
                sheet.write(line, index, values[figure], formats[kind])
        self._xlsx_totals(sheet, formats, 3 + len(funnel["steps"]), funnel["totals"])
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, len(columns), 14)
        sheet.freeze_panes(3, 1)
        if funnel.get("salespeople"):
            self._xlsx_salespeople(workbook, formats, funnel)
        workbook.close()
        filename = f"{self.env._('Sales funnel')} {period['date_from']} {period['date_to']}.xlsx"
        return output.getvalue(), filename

    @api.model
    def _xlsx_formats(self, workbook):
        currency = self.env.company.currency_id
        money = "#,##0" + (f".{'0' * currency.decimal_places}" if currency.decimal_places else "")
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#E9ECEF", "border": 1, "text_wrap": True}
            ),
            "count": workbook.add_format({"num_format": "0"}),
            "money": workbook.add_format({"num_format": money}),
            "percent": workbook.add_format({"num_format": "0%"}),
            "days": workbook.add_format({"num_format": "0.0"}),
            "total": workbook.add_format({"bold": True, "top": 1}),
            "total_money": workbook.add_format({"bold": True, "top": 1, "num_format": money}),
        }

    @api.model
    def _xlsx_totals(self, sheet, formats, line, totals):
        figures = [
            (self.env._("Closed"), totals["closed"], "total"),
            (self.env._("Won"), totals["won"], "total"),
            (self.env._("Lost"), totals["lost"], "total"),
            (self.env._("Amount won"), totals["amount_won"], "total_money"),
            (self.env._("Open now"), totals["current"], "total"),
            (self.env._("Open amount"), totals["amount_current"], "total_money"),
            (self.env._("Forecast"), totals["forecast"], "total_money"),
        ]
        for offset, (label, value, kind) in enumerate(figures, start=1):
            sheet.write(line + offset, 0, label, formats["total"])
            sheet.write(line + offset, 1, value, formats[kind])

    @api.model
    def _xlsx_salespeople(self, workbook, formats, funnel):
        """Rows by step, three columns per salesperson: reached, lost, open now."""
        sheet = workbook.add_worksheet(self.env._("By salesperson"))
        sheet.write(0, 0, self.env._("Step"), formats["header"])
        labels = (self.env._("Reached"), self.env._("Lost"), self.env._("Open now"))
        for index, person in enumerate(funnel["salespeople"]):
            for offset, label in enumerate(labels):
                sheet.write(
                    0, 1 + 3 * index + offset, f"{person['name']}: {label}", formats["header"]
                )
        for line, row in enumerate(funnel["steps"], start=1):
            sheet.write(line, 0, row["name"])
            for index, person in enumerate(funnel["salespeople"]):
                cell = person["steps"][line - 1]
                for offset, figure in enumerate(("reached", "lost", "current")):
                    sheet.write(line, 1 + 3 * index + offset, cell[figure], formats["count"])
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 3 * len(funnel["salespeople"]), 16)
