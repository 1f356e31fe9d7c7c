"""Benchmark of ``crm.funnel.report.get_funnel`` on a million deals and five million visits.

Creates the database ``funnel_bench`` (``sales_funnel`` without demo data), fills it
set-based in SQL with two years of deals of the typical sale and their stage visits, then,
in one run, as a head of sales (a real user, record rules applied):
times ``get_funnel`` for the last complete month; a bare ``GROUP BY`` over the visits it
reads (the floor); a plain-ORM funnel (search_read and a Python loop) on one team's 50,000
deals against ``get_funnel`` on the same slice, checking that both give the same numbers;
the screen's own JSON-RPC round trip through a running server; and the pipeline kanban's
requests (grouped read, progress bar, the cards of each column) as a salesperson and as the
head, with 100,000 open deals on the scenario. See bench/README.md.

    PYTHONPATH=/opt/odoo .venv/bin/python bench/funnel.py [--deals 1000000] [--reuse]
"""

import argparse
import math
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta

import requests
from benchlib import (
    ODOO_SRC,
    REPO,
    bench_registry,
    explain,
    free_port,
    odoo_options,
    print_targets,
    timed,
)

LOG = REPO / "var" / "log" / "bench_funnel_install.log"
SERVER_LOG = REPO / "var" / "log" / "bench_funnel_server.log"
DB = "funnel_bench"

TARGET_SECONDS = 1.0  # get_funnel at 1M deals, and each kanban load
TARGET_BARE_RATIO = 2.0  # get_funnel / the bare GROUP BY
TARGET_ORM_RATIO = 50.0  # the ORM loop / get_funnel, on the same slice
OPEN_SHARE = 10  # percent of the deals open at the end: 100,000 of a million
SALESPEOPLE = 20
TEAMS = 20  # one salesperson per team: a team's slice is 1/20 of the deals (50,000)
HISTORY_DAYS = 730
WON_PERCENT = 28
HEAD_LOGIN = "bench_head"
# The figures of a step the ORM loop computes too, compared one by one.
NAIVE_FIGURES = (
    "reached", "passed", "lost", "current", "amount_reached", "amount_lost", "amount_current",
    "win_probability", "forecast", "avg_days",
)  # fmt: skip
KANBAN_CARDS = 40  # the kanban view's records per column
KANBAN_COUNT_LIMIT = 10_000  # the web client's count limit
KANBAN_FIELDS = ["name", "partner_id", "expected_revenue", "user_id", "activity_state", "health"]

# One temporary row per deal: its fate, furthest step (position), salesperson, amount.
DEALS = """
CREATE TEMP TABLE bench_deal AS
SELECT n,
       CASE WHEN n <= %(open)s THEN 'open'
            WHEN (n * 48271) %% 100 < %(won_percent)s THEN 'won'
            ELSE 'lost' END AS fate,
       (n * 69621) %% 2147483647 AS h,
       n %% %(salespeople)s AS seller,
       1000 + (n * 69621) %% 49000 AS amount
  FROM generate_series(1, %(deals)s::bigint) n
"""
FURTHEST = """
ALTER TABLE bench_deal ADD COLUMN furthest int;
UPDATE bench_deal SET furthest = CASE WHEN fate = 'won' THEN %(steps)s
                                      ELSE 1 + h %% (%(steps)s - 1) END
"""
# The visited positions: every step up to the furthest, some skipped; hours on each.
VISITS = """
CREATE TEMP TABLE bench_visit AS
SELECT d.n, p AS position, 24 + (d.n * 7 + p * 13) %% 216 AS hours,
       p = d.furthest AS last
  FROM bench_deal d, generate_series(1, d.furthest) p
 WHERE p = 1 OR p = d.furthest OR (d.n * 31 + p * 17) %% 9 <> 0
"""
# Entry offsets from the deal's start, the deal's length, and the step after each visit.
OFFSETS = """
CREATE TEMP TABLE bench_timed AS
SELECT v.*,
       SUM(hours) OVER w - hours AS offset_hours,
       SUM(hours) OVER (PARTITION BY n) AS total_hours,
       LEAD(position) OVER w AS next_position
  FROM bench_visit v
WINDOW w AS (PARTITION BY n ORDER BY position ROWS UNBOUNDED PRECEDING)
"""
# Closed deals end before now, within the history; open deals started lately.
STARTS = """
CREATE TEMP TABLE bench_start AS
SELECT d.n, d.fate, d.seller, d.amount, d.furthest,
       %(now)s::timestamp - interval '1 hour' * (
           t.total_hours + CASE WHEN d.fate = 'open' THEN d.h %% 480
                                ELSE d.h %% GREATEST(%(history_hours)s - t.total_hours, 1) END
       ) AS start
  FROM bench_deal d
  JOIN (SELECT n, MAX(total_hours) AS total_hours FROM bench_timed GROUP BY n) t ON t.n = d.n
"""
LEADS = """
INSERT INTO crm_lead (id, name, type, active, company_id, stage_id, user_id, team_id,
                      scenario_id, expected_revenue, probability, priority, create_date,
                      write_date, create_uid, write_uid, date_open, date_last_stage_update,
                      date_closed)
SELECT %(lead_base)s + s.n, 'Bench deal ' || s.n, 'opportunity', s.fate <> 'lost',
       %(company)s, (%(stages)s::int[])[s.furthest], (%(users)s::int[])[(s.seller + 1)::int],
       (%(teams)s::int[])[(s.seller %% %(team_count)s + 1)::int], %(scenario)s, s.amount,
       CASE s.fate WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE 50 END, '0', s.start,
       s.start, %(uid)s, %(uid)s, s.start, s.start,
       CASE WHEN s.fate <> 'open' THEN %(now)s::timestamp END
  FROM bench_start s
"""
# The won step's visit of a won deal and the last visit of an open deal stay open; a lost
# deal's last visit is lost; a won deal's visit before the won step is won.
LOG_ROWS = """
INSERT INTO crm_stage_log (lead_id, scenario_id, stage_id, user_id, team_id, company_id,
                           date_in, date_out, expected_revenue, expected_revenue_last,
                           outcome, furthest_stage_id, create_uid, create_date, write_uid,
                           write_date)
SELECT %(lead_base)s + t.n, %(scenario)s, (%(stages)s::int[])[t.position],
       (%(users)s::int[])[(s.seller + 1)::int], (%(teams)s::int[])[(s.seller %% %(team_count)s + 1)::int],
       %(company)s,
       s.start + interval '1 hour' * t.offset_hours,
       CASE WHEN t.last AND s.fate IN ('won', 'open') THEN NULL
            ELSE s.start + interval '1 hour' * (t.offset_hours + t.hours) END,
       s.amount, s.amount,
       CASE WHEN t.last AND s.fate IN ('won', 'open') THEN NULL
            WHEN t.last AND s.fate = 'lost' THEN 'lost'
            WHEN s.fate = 'won' AND t.next_position = %(steps)s THEN 'won'
            ELSE 'moved' END,
       CASE WHEN t.last AND s.fate = 'lost' THEN (%(stages)s::int[])[t.position]
            WHEN s.fate = 'won' AND t.next_position = %(steps)s
                 THEN (%(stages)s::int[])[%(steps)s] END,
       %(uid)s, s.start, %(uid)s, s.start
  FROM bench_timed t
  JOIN bench_start s ON s.n = t.n
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument(
        "--reuse", action="store_true", help=f"time the existing {DB} without rebuilding it"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each measure")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) of the queries"
    )
    return parser.parse_args()


# ------------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------------


def users_and_teams(env):
    """Salespeople (one per team) and a head of sales, created once and committed."""
    salesperson = env.ref("sales_funnel.group_active_sales_salesperson")
    head = env.ref("sales_funnel.group_active_sales_head")
    employee = env.ref("base.group_user")
    create = env["res.users"].with_context(no_reset_password=True).create
    sellers = create(
        [
            {
                "name": f"Bench salesperson {index}",
                "login": f"bench_salesperson_{index}",
                "password": f"bench_salesperson_{index}",
                "groups_id": [(6, 0, [employee.id, salesperson.id])],
            }
            for index in range(1, SALESPEOPLE + 1)
        ]
    )
    create(
        {
            "name": "Bench head of sales",
            "login": HEAD_LOGIN,
            "password": HEAD_LOGIN,
            "groups_id": [(6, 0, [employee.id, head.id])],
        }
    )
    scenario = env.ref("sales_funnel.scenario_typical_sale")
    teams = env["crm.team"].create(
        [
            {
                "name": f"Bench team {index}",
                "scenario_id": scenario.id,
                "member_ids": [(6, 0, [seller.id])],
            }
            for index, seller in enumerate(sellers, start=1)
        ]
    )
    return sellers, teams


def generate(env, deals):
    """Deals and their visits, set-based; returns the seconds it took."""
    start = time.perf_counter()
    sellers, teams = users_and_teams(env)
    scenario = env.ref("sales_funnel.scenario_typical_sale")
    steps = scenario._funnel_steps()
    env.flush_all()
    env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM crm_lead")
    params = {
        "deals": deals,
        "open": deals * OPEN_SHARE // 100,
        "won_percent": WON_PERCENT,
        "salespeople": SALESPEOPLE,
        "steps": len(steps),
        "stages": steps.stage_id.ids,
        "users": sellers.ids,
        "teams": teams.ids,
        "team_count": TEAMS,
        "scenario": scenario.id,
        "company": env.company.id,
        "uid": env.uid,
        "now": datetime.now().replace(microsecond=0),
        "history_hours": HISTORY_DAYS * 24,
        "lead_base": env.cr.fetchone()[0],
    }
    for label, query in [
        ("deals", DEALS),
        ("furthest steps", FURTHEST),
        ("visited steps", VISITS),
        ("entry offsets", OFFSETS),
        ("start dates", STARTS),
        ("deals (crm_lead)", LEADS),
        ("visits (crm_stage_log)", LOG_ROWS),
    ]:
        step_start = time.perf_counter()
        env.cr.execute(query, params)
        rows = f"{env.cr.rowcount:>11,} rows" if env.cr.rowcount > 0 else " " * 16
        print(f"  {label:<30} {rows} {time.perf_counter() - step_start:7.1f} s", flush=True)
    env.cr.execute("SELECT setval('crm_lead_id_seq', (SELECT MAX(id) FROM crm_lead))")
    env.cr.commit()
    step_start = time.perf_counter()
    subprocess.run(
        ["psql", "-X", "-q", "-d", DB, "-c", "VACUUM (ANALYZE) crm_lead, crm_stage_log"],
        check=True,
    )
    print(f"  {'vacuum analyze':<47} {time.perf_counter() - step_start:7.1f} s")
    return time.perf_counter() - start


# ------------------------------------------------------------------------------------
# the measures
# ------------------------------------------------------------------------------------


def last_month():
    first = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    return first, date.today().replace(day=1) - timedelta(days=1)


def bare_query(env, scenario, period, team=None):
    """The floor: one GROUP BY stage (and outcome, for the closings) over the visits
    get_funnel reads (the won and lost visits closed in its windows, the visits still
    open, the visits left after its earlier moment), each range through the same indexes;
    no step positions, no windows, no salespeople, no rules. With ``team``, the visits of
    the team's deals only (the slice), found by a plain subquery of the deals."""
    from odoo.tools import SQL  # noqa: PLC0415

    previous = period.previous()
    deals = (
        SQL("AND lead_id IN (SELECT id FROM crm_lead WHERE team_id = %s)", team.id)
        if team else SQL()
    )  # fmt: skip
    return SQL(
        """
        SELECT stage_id, outcome, COUNT(*), SUM(expected_revenue_last)
          FROM (SELECT stage_id, outcome, expected_revenue_last FROM crm_stage_log
                 WHERE scenario_id = %(scenario)s AND company_id = %(company)s
                   AND outcome IN ('won', 'lost') AND date_out >= %(since)s
                   AND date_out < %(end)s %(deals)s
             UNION ALL
                SELECT stage_id, NULL, expected_revenue_last FROM crm_stage_log
                 WHERE scenario_id = %(scenario)s AND company_id = %(company)s
                   AND date_out IS NULL AND date_in <= %(latest)s %(deals)s
             UNION ALL
                SELECT stage_id, NULL, expected_revenue_last FROM crm_stage_log
                 WHERE scenario_id = %(scenario)s AND company_id = %(company)s
                   AND date_out > %(earliest)s AND date_in <= %(latest)s %(deals)s) visit
      GROUP BY stage_id, outcome
        """,
        scenario=scenario.id,
        company=env.company.id,
        deals=deals,
        since=min(previous.start, previous.history_start),
        end=period.end,
        latest=max(period.as_of, previous.as_of),
        earliest=min(period.as_of, previous.as_of),
    )


def orm_funnel(env, scenario, period, team):
    """The naive funnel: the slice's visits read through the ORM, and every figure of
    get_funnel's steps, for the period and the previous one, counted in a Python loop."""
    steps = scenario.sudo()._funnel_steps()
    position = {step.stage_id.id: index for index, step in enumerate(steps, start=1)}
    visits = env["crm.stage.log"].search_read(
        [("scenario_id", "=", scenario.id), ("lead_id.team_id", "=", team.id)],
        ["stage_id", "date_in", "date_out", "outcome", "furthest_stage_id",
         "expected_revenue_last"],
    )  # fmt: skip
    windows = {"current": period, "previous": period.previous()}
    figures = {name: [defaultdict(float) for _step in steps] for name in windows}
    for visit in visits:
        stage = position.get(visit["stage_id"][0])
        for name, window in windows.items():
            if visit["outcome"] in ("won", "lost"):
                naive_closing(
                    figures[name], window, visit, stage, position=position, won_position=len(steps)
                )
            if stage and stage < len(steps):
                naive_open(figures[name][stage - 1], window, visit)
    return {name: naive_steps(steps, rows) for name, rows in figures.items()}


def naive_closing(rows, window, visit, stage, *, position, won_position):
    """A won or lost visit: reached (and passed) every step up to its furthest one, lost on
    its own step; counted in the window and in the window's win-probability history."""
    won = visit["outcome"] == "won"
    furthest_stage = visit["furthest_stage_id"] and position.get(visit["furthest_stage_id"][0])
    furthest = won_position if won else max(furthest_stage or 0, stage or 0) or 1
    in_window = window.start <= visit["date_out"] < window.end
    in_history = window.history_start <= visit["date_out"] < window.end
    amount = visit["expected_revenue_last"]
    for index in range(furthest):
        row = rows[index]
        row["history_reached"] += in_history
        row["history_won"] += in_history and won
        if in_window:
            row["reached"] += 1
            row["amount_reached"] += amount
            row["passed"] += won or index + 1 < furthest
    if in_window and not won:
        lost_row = rows[(stage or furthest_stage or 1) - 1]
        lost_row["lost"] += 1
        lost_row["amount_lost"] += amount


def naive_open(row, window, visit):
    """A visit of an open step: open at the window's moment if it came before, and left
    after it or never."""
    moment = window.as_of
    if visit["date_in"] <= moment and (not visit["date_out"] or visit["date_out"] > moment):
        row["current"] += 1
        row["amount_current"] += visit["expected_revenue_last"]
        row["days"] += (moment - visit["date_in"]).total_seconds() / 86400


def naive_steps(steps, rows):
    """Per step, get_funnel's figures from the counted rows."""
    from odoo.addons.sales_funnel.report.crm_funnel_report import (  # noqa: PLC0415
        MIN_HISTORY_DEALS,
    )

    result = []
    for step, row in zip(steps, rows, strict=True):
        if step.is_won:
            probability = 1.0
        elif row["history_reached"] >= MIN_HISTORY_DEALS:
            probability = row["history_won"] / row["history_reached"]
        else:
            probability = step.probability / 100.0
        result.append(
            {
                **{key: row[key] for key in NAIVE_FIGURES if key in row},
                "win_probability": probability,
                "forecast": row["amount_current"] * probability,
                "avg_days": row["days"] / row["current"] if row["current"] else 0.0,
            }
        )
    return result


def same_figures(ours, naive):
    """Whether get_funnel's steps (and their ``previous``) match the naive ones, figure by
    figure, to a millionth."""
    pairs = [
        (row, expected)
        for steps, naive_steps in ((ours, naive["current"]),
                                   ([row["previous"] for row in ours], naive["previous"]))
        for row, expected in zip(steps, naive_steps, strict=True)
    ]  # fmt: skip
    return all(
        math.isclose(row[key], expected.get(key, 0.0), rel_tol=1e-6, abs_tol=1e-6)
        for row, expected in pairs
        for key in NAIVE_FIGURES
    )


def rpc_round_trip(head, scenario, first, last, runs):
    """get_funnel through a running server, as the screen calls it."""
    port = free_port()
    command = [
        sys.executable,
        str(ODOO_SRC / "odoo-bin"),
        *odoo_options(DB),
        f"--http-port={port}",
        "--gevent-port=0",
        "--max-cron-threads=0",
        "--log-level=warn",
        f"--logfile={SERVER_LOG}",
    ]
    server = subprocess.Popen(  # noqa: S603 - our own odoo-bin
        command, env={**os.environ, "PYTHONPATH": str(ODOO_SRC)}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        session = requests.Session()
        for _ in range(120):
            try:
                # The first request builds the assets: slow on a busy machine.
                if session.get(f"{url}/web/login", timeout=60).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.5)
        session.post(
            f"{url}/web/session/authenticate",
            json={"params": {"db": DB, "login": head.login, "password": HEAD_LOGIN}},
            timeout=60,
        ).raise_for_status()

        def call():
            response = session.post(
                f"{url}/web/dataset/call_kw/crm.funnel.report/get_funnel",
                json={
                    "params": {
                        "model": "crm.funnel.report",
                        "method": "get_funnel",
                        "args": [scenario.id, str(first), str(last)],
                        "kwargs": {"context": {"tz": "UTC"}},
                    }
                },
                timeout=120,
            )
            response.raise_for_status()
            if "error" in response.json():
                raise RuntimeError(response.json()["error"]["data"]["message"])
            return response

        return timed(call, runs)[1:]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def kanban_load(env, scenario, runs):
    """What the pipeline's kanban asks when it opens: the columns (grouped read), their
    health progress bars, the first cards of each column."""
    leads = env["crm.lead"]
    domain = [("type", "=", "opportunity"), ("scenario_id", "=", scenario.id)]
    if not env.user.has_group("sales_team.group_sale_salesman_all_leads"):
        domain.append(("user_id", "=", env.uid))  # My Pipeline

    def load():
        groups = leads.web_read_group(
            domain, ["expected_revenue:sum"], ["stage_id"], lazy=True, limit=80
        )["groups"]
        leads.read_progress_bar(
            domain,
            "stage_id",
            {
                "field": "activity_state",
                "colors": {"planned": "success", "today": "warning", "overdue": "danger"},
            },
        )
        # As the web client: the first cards of each unfolded column, counted up to 10,000.
        for group in groups:
            if not group.get("__fold"):
                leads.web_search_read(
                    group["__domain"],
                    {name: {} for name in KANBAN_FIELDS},
                    limit=KANBAN_CARDS,
                    count_limit=KANBAN_COUNT_LIMIT + 1,
                )
        return groups

    return timed(load, runs, before=env.invalidate_all)


def measure(root, args):
    from odoo.addons.sales_funnel.report.crm_funnel_period import FunnelPeriod  # noqa: PLC0415

    scenario = root.ref("sales_funnel.scenario_typical_sale")
    head = root["res.users"].search([("login", "=", HEAD_LOGIN)])
    env = root(user=head.id, su=False, context={"tz": "UTC"})
    report = env["crm.funnel.report"]
    first, last = last_month()
    period = FunnelPeriod.of_days(first, last, "UTC")
    result = {"first": first, "last": last}
    root.cr.execute(
        "SELECT (SELECT count(*) FROM crm_lead), (SELECT count(*) FROM crm_stage_log),"
        " (SELECT count(*) FROM crm_stage_log WHERE date_out IS NULL)"
    )
    result["counts"] = root.cr.fetchone()
    print(f"==> get_funnel {first} – {last} as {head.login}, {args.runs} runs", flush=True)
    result["funnel"], result["best"], result["median"] = timed(
        lambda: report.get_funnel(scenario.id, first, last), args.runs, before=env.invalidate_all
    )
    print(f"==> the bare bound, {args.runs} runs", flush=True)
    bare = bare_query(env, scenario, period)
    result["bare_rows"], result["bare_best"], result["bare_median"] = timed(
        lambda: env.execute_query(bare), args.runs
    )
    team = root["crm.team"].search([("name", "=", "Bench team 1")])
    print(f"==> one team's slice ({team.name}): get_funnel and the ORM loop", flush=True)
    domain = [("team_id", "=", team.id)]
    sliced, result["slice_best"], _median = timed(
        lambda: report.get_funnel(scenario.id, first, last, domain),
        args.runs,
        before=env.invalidate_all,
    )
    slice_bare = bare_query(env, scenario, period, team)
    _rows, result["slice_bare_best"], _median = timed(
        lambda: env.execute_query(slice_bare), args.runs
    )
    naive, result["orm_best"], _median = timed(
        lambda: orm_funnel(env, scenario, period, team), 1, before=env.invalidate_all
    )
    result["slice_deals"] = root["crm.lead"].with_context(active_test=False).search_count(domain)
    result["mismatch"] = not same_figures(sliced["steps"], naive)
    result["ours"] = [[row[key] for key in NAIVE_FIGURES] for row in sliced["steps"]]
    result["naive"] = [[row.get(key, 0.0) for key in NAIVE_FIGURES] for row in naive["current"]]
    print("==> the screen's JSON-RPC round trip", flush=True)
    result["rpc_best"], result["rpc_median"] = rpc_round_trip(
        head, scenario, first, last, args.runs
    )
    seller = root["res.users"].search([("login", "=", "bench_salesperson_1")])
    print("==> the pipeline kanban as a salesperson and as the head", flush=True)
    for label, user in (("salesperson", seller), ("head", head)):
        groups, best, median = kanban_load(root(user=user.id, su=False), scenario, args.runs)
        result[f"kanban_{label}"] = (best, median, sum(g["stage_id_count"] for g in groups))
    if args.explain:
        visits = report._visits(scenario, None)
        steps = scenario.sudo()._funnel_steps()
        explain(env, "the closed part", report._closed_query(visits, steps, period))
        explain(env, "the open part", report._open_query(visits, steps, period))
        explain(env, "the bare bound", bare)
        sliced_visits = report._visits(scenario, domain)
        explain(env, "the slice's closed part", report._closed_query(sliced_visits, steps, period))
        explain(env, "the slice's open part", report._open_query(sliced_visits, steps, period))
        explain(env, "the slice's bare bound", slice_bare)
    return result


def print_report(result):
    deals, visits, open_visits = result["counts"]
    vs_bare = result["best"] / result["bare_best"]
    vs_orm = result["orm_best"] / result["slice_best"]
    totals = result["funnel"]["totals"]
    print()
    print(
        f"deals: {deals:,}   stage visits: {visits:,} ({open_visits:,} open)   "
        f"period: {result['first']} – {result['last']}"
    )
    print(
        f"get_funnel (head, whole scenario):  {result['best']:7.3f} s best of runs, median "
        f"{result['median']:.3f} s   (closed {totals['closed']:,}, won {totals['won']:,}, "
        f"open {totals['current']:,})"
    )
    print(
        f"bare SQL bound (GROUP BY stage, outcome): {result['bare_best']:7.3f} s best, "
        f"median {result['bare_median']:.3f} s"
    )
    print(
        f"slice of {result['slice_deals']:,} deals: get_funnel {result['slice_best']:.3f} s, "
        f"ORM search_read + Python loop {result['orm_best']:.3f} s, bare SQL bound "
        f"{result['slice_bare_best']:.3f} s"
    )
    print(
        f"JSON-RPC round trip of get_funnel: {result['rpc_best']:.3f} s best, median "
        f"{result['rpc_median']:.3f} s"
    )
    for label in ("salesperson", "head"):
        best, median, cards = result[f"kanban_{label}"]
        print(
            f"pipeline kanban as the {label}: {best:.3f} s best, median {median:.3f} s "
            f"({cards:,} deals in its columns)"
        )
    print(f"get_funnel / bare bound: {vs_bare:6.2f}x   ORM loop / get_funnel: {vs_orm:6.1f}x")
    print(
        f"on the slice: get_funnel / its bare bound: "
        f"{result['slice_best'] / result['slice_bare_best']:.2f}x   ORM loop / the bare bound: "
        f"{result['orm_best'] / result['slice_bare_best']:.1f}x"
    )
    print(
        "ORM loop vs get_funnel on the slice (every figure of every step, this period and "
        "the previous one): " + ("MISMATCH" if result["mismatch"] else "identical")
    )
    if result["mismatch"]:
        print(f"  get_funnel {result['ours']}\n  ORM loop   {result['naive']}")
    checks = [
        (f"get_funnel <= {TARGET_SECONDS:g} s at 1M deals", result["best"] <= TARGET_SECONDS),
        (f"<= {TARGET_BARE_RATIO:g}x the bare bound", vs_bare <= TARGET_BARE_RATIO),
        (f">= {TARGET_ORM_RATIO:g}x the ORM loop", vs_orm >= TARGET_ORM_RATIO),
        *(
            (f"kanban as the {label} <= {TARGET_SECONDS:g} s",
             result[f"kanban_{label}"][0] <= TARGET_SECONDS)
            for label in ("salesperson", "head")
        ),
    ]  # fmt: skip
    print_targets(checks)


def main():
    args = parse_args()
    wall = time.perf_counter()

    registry = bench_registry(DB, "sales_funnel", LOG, args.reuse)
    import odoo  # noqa: PLC0415 -- importable once bench_registry put it on the path

    if not args.reuse:
        print(f"==> Generating {args.deals:,} deals and their stage visits in SQL", flush=True)
        with registry.cursor() as cr:
            seconds = generate(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), args.deals)
        print(f"  generated in {seconds:.1f} s")
    with registry.cursor() as cr:
        result = measure(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), args)
        print_report(result)
        cr.rollback()
    print(f"wall time: {time.perf_counter() - wall:.0f} s")
    return 1 if result["mismatch"] else 0


if __name__ == "__main__":
    sys.exit(main())
