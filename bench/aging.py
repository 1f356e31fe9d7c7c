"""Benchmark of ``receivables.aging.report.get_aging`` on a million open receivable lines.

Creates the database ``receivables_bench`` (``receivables`` without demo data), fills it
set-based in SQL with partners, posted customer invoices, payments and partial
reconciliations, then times ``get_aging`` (one SQL query) against the ORM way of OCA's aged
partner balance (``search_read`` of the journal items and partials, bucketing in Python) and
checks that both give the same amounts. See bench/README.md.

    PYTHONPATH=/opt/odoo .venv/bin/python bench/aging.py [--lines 1000000] [--reuse]
"""

import argparse
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONF = REPO / "config" / "odoo.conf"
ADDONS = REPO / "addons"
LOG = REPO / "var" / "log" / "bench_install.log"
DB = "receivables_bench"
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo"))

TARGET_SECONDS = 2.0  # get_aging on 1M lines
TARGET_RATIO = 20.0  # ORM + Python time / get_aging time
INVOICE_DAYS = 200  # invoice dates spread over the last 200 days
PAYMENT_TERM_DAYS = 30
PAID_SHARE = 0.4  # share of invoices with a partial payment
SALESPEOPLE = 3  # besides admin

# Columns every generated journal item shares; the inserts below add the per-kind ones.
LINE_COMMON = {
    "company_id": "%(company)s",
    "company_currency_id": "%(currency)s",
    "currency_id": "%(currency)s",
    "parent_state": "'posted'",
    "discount": "0",
    "discount_amount_currency": "0",
    "discount_balance": "0",
    "tax_tag_invert": "false",
    "create_uid": "%(uid)s",
    "write_uid": "%(uid)s",
    "create_date": "now() AT TIME ZONE 'UTC'",
    "write_date": "now() AT TIME ZONE 'UTC'",
}
MOVE_COMMON = {
    "company_id": "%(company)s",
    "currency_id": "%(currency)s",
    "state": "'posted'",
    "auto_post": "'no'",
    "amount_tax": "0",
    "amount_tax_signed": "0",
    "invoice_currency_rate": "1",
    "posted_before": "true",
    "checked": "true",
    "is_storno": "false",
    "always_tax_exigible": "false",
    "made_sequence_gap": "false",
    "is_move_sent": "false",
    "is_manually_modified": "false",
    "create_uid": "%(uid)s",
    "write_uid": "%(uid)s",
    "create_date": "now() AT TIME ZONE 'UTC'",
    "write_date": "now() AT TIME ZONE 'UTC'",
}

# Staging tables: one row per partner, invoice and payment, with their ids taken from the
# sequences up front so that moves, lines and partials can reference each other.
STAGING = [
    ("random seed", "SELECT setseed(0.42)"),
    (
        "staging partners",
        """
        CREATE TEMP TABLE bench_partner ON COMMIT DROP AS
        SELECT k, nextval('res_partner_id_seq')::int AS id,
               'Bench customer ' || lpad((k + 1)::text, 5, '0') AS name,
               (%(user_ids)s::int[])[1 + mod(k, cardinality(%(user_ids)s::int[]))] AS user_id
          FROM generate_series(0, %(partners)s - 1) AS k
        """,
    ),
    (
        "staging invoices",
        """
        CREATE TEMP TABLE bench_invoice ON COMMIT DROP AS
        SELECT s.n, s.date, s.amount,
               nextval('account_move_id_seq')::int AS move_id,
               nextval('account_move_line_id_seq')::int AS receivable_line_id,
               nextval('account_move_line_id_seq')::int AS income_line_id,
               p.id AS partner_id, p.name AS partner_name, p.user_id,
               %(sale_code)s || '/' || extract(year FROM s.date) || '/' AS prefix
          FROM (SELECT n, floor(random() * %(partners)s)::int AS k,
                       %(today)s::date - floor(random() * %(days)s)::int AS date,
                       round((50 + random() * 4950)::numeric, 2) AS amount
                  FROM generate_series(1, %(lines)s) AS n) AS s
          JOIN bench_partner p USING (k)
        """,
    ),
    (
        "staging payments",
        """
        CREATE TEMP TABLE bench_payment ON COMMIT DROP AS
        SELECT s.*,
               nextval('account_move_id_seq')::int AS move_id,
               nextval('account_move_line_id_seq')::int AS receivable_line_id,
               nextval('account_move_line_id_seq')::int AS bank_line_id,
               nextval('account_partial_reconcile_id_seq')::int AS partial_id,
               %(bank_code)s || '/' || extract(year FROM s.date) || '/' AS prefix
          FROM (SELECT i.n, i.receivable_line_id AS invoice_line_id, i.partner_id,
                       i.partner_name, i.prefix || lpad(i.n::text, 7, '0') AS invoice_name,
                       -- 30 to 99.99 per cent of the invoice, floored to the cent: never in full
                       round(floor(i.amount * (0.3 + 0.7 * random())::numeric * 100) / 100, 2)
                           AS amount,
                       -- any day from the invoice date to today, so some after the as-of date
                       i.date + floor(random() * (%(today)s::date - i.date + 1))::int AS date
                  FROM bench_invoice i
                 WHERE random() < %(paid_share)s) AS s
        """,
    ),
    ("index staging", "CREATE UNIQUE INDEX ON bench_payment (n)"),
    ("analyze staging", "ANALYZE bench_partner, bench_invoice, bench_payment"),
]

INVOICES = "bench_invoice i LEFT JOIN bench_payment p ON p.n = i.n"
PAYMENTS = "bench_payment p"
INSERTS = [
    (
        "partners",
        "res_partner",
        "bench_partner p",
        {
            "id": "p.id",
            "name": "p.name",
            "complete_name": "p.name",
            "commercial_partner_id": "p.id",
            "user_id": "p.user_id",
            "type": "'contact'",
            "active": "true",
            "is_company": "true",
            "partner_share": "true",
            "employee": "false",
            "customer_rank": "1",
            "supplier_rank": "0",
            "autopost_bills": "'ask'",
            "lang": "'en_US'",
            "color": "0",
            "create_uid": "%(uid)s",
            "write_uid": "%(uid)s",
            "create_date": "now() AT TIME ZONE 'UTC'",
            "write_date": "now() AT TIME ZONE 'UTC'",
        },
    ),
    (
        "invoices",
        "account_move",
        INVOICES,
        {
            **MOVE_COMMON,
            "id": "i.move_id",
            "name": "i.prefix || lpad(i.n::text, 7, '0')",
            "sequence_prefix": "i.prefix",
            "sequence_number": "i.n",
            "journal_id": "%(sale_journal)s",
            "move_type": "'out_invoice'",
            "partner_id": "i.partner_id",
            "commercial_partner_id": "i.partner_id",
            "invoice_partner_display_name": "i.partner_name",
            "invoice_user_id": "i.user_id",
            "team_id": "%(team)s",
            "date": "i.date",
            "invoice_date": "i.date",
            "invoice_date_due": f"i.date + {PAYMENT_TERM_DAYS}",
            "payment_state": "CASE WHEN p.n IS NULL THEN 'not_paid' ELSE 'partial' END",
            "amount_untaxed": "i.amount",
            "amount_total": "i.amount",
            "amount_residual": "i.amount - COALESCE(p.amount, 0)",
            "amount_untaxed_signed": "i.amount",
            "amount_untaxed_in_currency_signed": "i.amount",
            "amount_total_signed": "i.amount",
            "amount_total_in_currency_signed": "i.amount",
            "amount_residual_signed": "i.amount - COALESCE(p.amount, 0)",
        },
    ),
    (
        "payments",
        "account_move",
        PAYMENTS,
        {
            **MOVE_COMMON,
            "id": "p.move_id",
            "name": "p.prefix || lpad(p.n::text, 7, '0')",
            "sequence_prefix": "p.prefix",
            "sequence_number": "p.n",
            "journal_id": "%(bank_journal)s",
            "move_type": "'entry'",
            "ref": "p.invoice_name",
            "partner_id": "p.partner_id",
            "commercial_partner_id": "p.partner_id",
            "date": "p.date",
            "payment_state": "'not_paid'",
            "amount_untaxed": "0",
            "amount_total": "p.amount",
            "amount_residual": "0",
            "amount_untaxed_signed": "0",
            "amount_untaxed_in_currency_signed": "0",
            "amount_total_signed": "p.amount",
            "amount_total_in_currency_signed": "p.amount",
            "amount_residual_signed": "0",
        },
    ),
    (
        "invoice receivable lines",
        "account_move_line",
        INVOICES,
        {
            **LINE_COMMON,
            "id": "i.receivable_line_id",
            "move_id": "i.move_id",
            "journal_id": "%(sale_journal)s",
            "account_id": "%(receivable_account)s",
            "partner_id": "i.partner_id",
            "sequence": "10000",
            "name": "i.prefix || lpad(i.n::text, 7, '0')",
            "move_name": "i.prefix || lpad(i.n::text, 7, '0')",
            "display_type": "'payment_term'",
            "date": "i.date",
            "invoice_date": "i.date",
            "date_maturity": f"i.date + {PAYMENT_TERM_DAYS}",
            "debit": "i.amount",
            "credit": "0",
            "balance": "i.amount",
            "amount_currency": "i.amount",
            "amount_residual": "i.amount - COALESCE(p.amount, 0)",
            "amount_residual_currency": "i.amount - COALESCE(p.amount, 0)",
            "reconciled": "false",
            "matching_number": "'P' || p.partial_id",
            "quantity": "0",
            "price_unit": "0",
            "price_subtotal": "0",
            "price_total": "0",
        },
    ),
    (
        "invoice income lines",
        "account_move_line",
        "bench_invoice i",
        {
            **LINE_COMMON,
            "id": "i.income_line_id",
            "move_id": "i.move_id",
            "journal_id": "%(sale_journal)s",
            "account_id": "%(income_account)s",
            "partner_id": "i.partner_id",
            "sequence": "10",
            "name": "'Bench goods'",
            "move_name": "i.prefix || lpad(i.n::text, 7, '0')",
            "display_type": "'product'",
            "date": "i.date",
            "invoice_date": "i.date",
            "debit": "0",
            "credit": "i.amount",
            "balance": "-i.amount",
            "amount_currency": "-i.amount",
            "amount_residual": "0",
            "amount_residual_currency": "0",
            "reconciled": "false",
            "quantity": "1",
            "price_unit": "i.amount",
            "price_subtotal": "i.amount",
            "price_total": "i.amount",
            "tax_tag_invert": "true",
        },
    ),
    (
        "payment receivable lines",
        "account_move_line",
        PAYMENTS,
        {
            **LINE_COMMON,
            "id": "p.receivable_line_id",
            "move_id": "p.move_id",
            "journal_id": "%(bank_journal)s",
            "account_id": "%(receivable_account)s",
            "partner_id": "p.partner_id",
            "sequence": "10",
            "name": "'Customer payment ' || p.invoice_name",
            "move_name": "p.prefix || lpad(p.n::text, 7, '0')",
            "display_type": "'product'",
            "date": "p.date",
            "date_maturity": "p.date",
            "debit": "0",
            "credit": "p.amount",
            "balance": "-p.amount",
            "amount_currency": "-p.amount",
            "amount_residual": "0",
            "amount_residual_currency": "0",
            "reconciled": "true",
            "matching_number": "'P' || p.partial_id",
        },
    ),
    (
        "payment bank lines",
        "account_move_line",
        PAYMENTS,
        {
            **LINE_COMMON,
            "id": "p.bank_line_id",
            "move_id": "p.move_id",
            "journal_id": "%(bank_journal)s",
            "account_id": "%(bank_account)s",
            "partner_id": "p.partner_id",
            "sequence": "10",
            "name": "'Customer payment ' || p.invoice_name",
            "move_name": "p.prefix || lpad(p.n::text, 7, '0')",
            "display_type": "'product'",
            "date": "p.date",
            "date_maturity": "p.date",
            "debit": "p.amount",
            "credit": "0",
            "balance": "p.amount",
            "amount_currency": "p.amount",
            "amount_residual": "p.amount",
            "amount_residual_currency": "p.amount",
            "reconciled": "false",
        },
    ),
    (
        "partial reconciliations",
        "account_partial_reconcile",
        PAYMENTS,
        {
            "id": "p.partial_id",
            "debit_move_id": "p.invoice_line_id",
            "credit_move_id": "p.receivable_line_id",
            "amount": "p.amount",
            "debit_amount_currency": "p.amount",
            "credit_amount_currency": "p.amount",
            "debit_currency_id": "%(currency)s",
            "credit_currency_id": "%(currency)s",
            "company_id": "%(company)s",
            "max_date": "p.date",
            "create_uid": "%(uid)s",
            "write_uid": "%(uid)s",
            "create_date": "now() AT TIME ZONE 'UTC'",
            "write_date": "now() AT TIME ZONE 'UTC'",
        },
    ),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="open receivable lines")
    parser.add_argument("--partners", type=int, default=2_000)
    parser.add_argument(
        "--as-of", type=date.fromisoformat, help="aging date (default: 30 days ago)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help=f"time the existing {DB} without rebuilding it"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the get_aging query"
    )
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_options():
    return ["-c", str(CONF), f"--addons-path={ADDONS}", "-d", DB]


def create_database():
    """Drop ``receivables_bench`` and install ``receivables`` into it without demo data."""
    subprocess.run(["dropdb", "--if-exists", DB], check=True)
    shutil.rmtree(Path.home() / ".local/share/Odoo/filestore" / DB, ignore_errors=True)
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text("")
    command = [
        sys.executable,
        str(ODOO_SRC / "odoo-bin"),
        *odoo_options(),
        "-i",
        "receivables",
        "--without-demo=all",
        "--stop-after-init",
        f"--http-port={free_port()}",
        "--log-level=warn",
        f"--logfile={LOG}",
    ]
    env = {**os.environ, "PYTHONPATH": str(ODOO_SRC)}
    done = subprocess.run(command, env=env, check=False)
    errors = [
        line for line in LOG.read_text().splitlines() if " ERROR " in line or " CRITICAL " in line
    ]
    if done.returncode or errors:
        print("\n".join(LOG.read_text().splitlines()[-40:]), file=sys.stderr)
        sys.exit(f"Installing receivables into {DB} failed (log: {LOG}).")


def references(env):
    """Company, accounts, journals, team and salespeople the generated data points to."""
    company = env.company
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)],
        order="code",
        limit=1,
    )
    sale_journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    bank_journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    income = sale_journal.default_account_id or env["account.account"].search(
        [("account_type", "=", "income"), ("company_ids", "in", company.id)], limit=1
    )
    if not (receivable and income and sale_journal and bank_journal.default_account_id):
        sys.exit("No receivable/income account or sale/bank journal: is the chart installed?")
    salespeople = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Bench salesperson {i}",
                    "login": f"bench_salesperson_{i}",
                    "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
                }
                for i in range(1, SALESPEOPLE + 1)
            ]
        )
    )
    team = env.ref("sales_team.team_sales_department", raise_if_not_found=False)
    env.flush_all()
    return {
        "uid": env.uid,
        "company": company.id,
        "currency": company.currency_id.id,
        "receivable_account": receivable.id,
        "income_account": income.id,
        "bank_account": bank_journal.default_account_id.id,
        "sale_journal": sale_journal.id,
        "sale_code": sale_journal.code,
        "bank_journal": bank_journal.id,
        "bank_code": bank_journal.code,
        "team": team.id if team else None,
        "user_ids": [env.ref("base.user_admin").id, *salespeople.ids],
    }


def insert_query(table, source, columns):
    return (
        f"INSERT INTO {table} ({', '.join(columns)})\n"
        f"SELECT {', '.join(columns.values())}\n  FROM {source}"
    )


def generate(env, lines, partners, today):
    """Partners, invoices, payments and partials, set-based; returns the seconds it took."""
    start = time.perf_counter()
    params = {
        **references(env),
        "lines": lines,
        "partners": partners,
        "today": today,
        "days": INVOICE_DAYS,
        "paid_share": PAID_SHARE,
    }
    steps = STAGING + [
        (f"{label} ({table})", insert_query(table, source, columns))
        for label, table, source, columns in INSERTS
    ]
    for label, query in steps:
        step_start = time.perf_counter()
        env.cr.execute(query, params)
        rows = f"{env.cr.rowcount:>10,} rows" if env.cr.rowcount > 0 else " " * 15
        print(f"  {label:<52} {rows} {time.perf_counter() - step_start:7.1f} s", flush=True)
    env.cr.commit()
    step_start = time.perf_counter()
    tables = "res_partner, account_move, account_move_line, account_partial_reconcile"
    subprocess.run(["psql", "-X", "-q", "-d", DB, "-c", f"VACUUM (ANALYZE) {tables}"], check=True)
    print(f"  {'vacuum analyze':<68} {time.perf_counter() - step_start:7.1f} s")
    return time.perf_counter() - start


def time_get_aging(env, as_of, runs=3):
    """One warm-up call, then the best of ``runs``; also returns the SQL it executed."""
    report = env["receivables.aging.report"]
    executed = []
    execute = env.cr.execute

    def spy(query, params=None, log_exceptions=True):
        executed.append((query, params))
        return execute(query, params, log_exceptions)

    env.cr.execute = spy
    try:
        result = report.get_aging(as_of)
    finally:
        del env.cr.execute
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        result = report.get_aging(as_of)
        best = min(best, time.perf_counter() - start)
    query = next(q for q in reversed(executed) if "GROUP BY partner_id" in str(q[0]))
    return result, best, query


def bucket_index(days, limits):
    if days <= 0:
        return 0
    for index, limit in enumerate(limits, start=1):
        if days <= limit:
            return index
    return len(limits) + 1


def aging_orm(env, as_of):
    """The aged partner balance the OCA way: search_read everything, sum up in Python."""
    phases = {}
    start = time.perf_counter()
    company = env.company
    currency = company.currency_id
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", env.companies.ids)]
    )
    lines = env["account.move.line"].search_read(
        [
            ("account_id", "in", receivable.ids),
            ("parent_state", "=", "posted"),
            ("date", "<=", as_of),
            ("company_id", "in", env.companies.ids),
        ],
        [
            "partner_id",
            "balance",
            "date",
            "date_maturity",
            "matched_debit_ids",
            "matched_credit_ids",
        ],
    )
    phases["search_read lines"] = time.perf_counter() - start
    start = time.perf_counter()
    partials = env["account.partial.reconcile"].search_read(
        [("max_date", "<=", as_of), ("company_id", "in", env.companies.ids)],
        ["amount", "debit_move_id", "credit_move_id"],
    )
    phases["search_read partials"] = time.perf_counter() - start
    start = time.perf_counter()
    partial_amount = {partial["id"]: partial["amount"] for partial in partials}
    limits = (company.aging_limit_1, company.aging_limit_2, company.aging_limit_3)
    per_partner = defaultdict(lambda: [0.0] * (len(limits) + 2))
    for line in lines:
        # matched_credit_ids: partials where the line is the debit side, and vice versa
        amount = (
            line["balance"]
            - sum(partial_amount.get(pid, 0.0) for pid in line["matched_credit_ids"])
            + sum(partial_amount.get(pid, 0.0) for pid in line["matched_debit_ids"])
        )
        if currency.is_zero(amount):
            continue
        days = (as_of - (line["date_maturity"] or line["date"])).days
        partner_id = line["partner_id"][0] if line["partner_id"] else None
        per_partner[partner_id][bucket_index(days, limits)] += amount
    rows = {
        partner_id: [currency.round(sum(buckets)), *map(currency.round, buckets)]
        for partner_id, buckets in per_partner.items()
    }
    totals = {
        "total": currency.round(sum(row[0] for row in rows.values())),
        "buckets": [
            currency.round(sum(row[i] for row in rows.values())) for i in range(1, len(limits) + 3)
        ],
    }
    phases["python"] = time.perf_counter() - start
    return {"rows": rows, "totals": totals}, phases


def differences(sql, orm):
    """Human-readable differences between get_aging and the ORM result (2 decimals)."""
    found = []
    sql_totals = [
        round(sql["totals"]["total"], 2),
        *(round(b, 2) for b in sql["totals"]["buckets"]),
    ]
    orm_totals = [
        round(orm["totals"]["total"], 2),
        *(round(b, 2) for b in orm["totals"]["buckets"]),
    ]
    if sql_totals != orm_totals:
        found.append(f"totals: get_aging {sql_totals} != ORM {orm_totals}")
    sql_rows = {
        row["partner_id"]: [round(x, 2) for x in (row["total"], *row["buckets"])]
        for row in sql["rows"]
    }
    orm_rows = {key: [round(x, 2) for x in row] for key, row in orm["rows"].items()}
    bad = sorted(p for p in sql_rows.keys() | orm_rows.keys() if sql_rows.get(p) != orm_rows.get(p))
    if bad:
        found.append(f"{len(bad)} partner rows differ, e.g. partner {bad[0]}: ")
        found[-1] += f"get_aging {sql_rows.get(bad[0])} != ORM {orm_rows.get(bad[0])}"
    return found


def explain(env, query):
    sql, params = query
    if isinstance(sql, str):
        env.cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
    else:
        from odoo.tools import SQL  # noqa: PLC0415

        env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", sql))
    print("\nEXPLAIN ANALYZE of the get_aging query:")
    print("\n".join(row[0] for row in env.cr.fetchall()))


def counts(env, as_of):
    env.cr.execute(
        """
        SELECT (SELECT count(*) FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                 WHERE a.account_type = 'asset_receivable' AND aml.balance > 0),
               (SELECT count(*) FROM account_partial_reconcile),
               (SELECT count(*) FROM account_partial_reconcile WHERE max_date > %s),
               (SELECT count(DISTINCT partner_id) FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                 WHERE a.account_type = 'asset_receivable'),
               (SELECT count(*) FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                 WHERE a.account_type = 'asset_receivable' AND aml.date <= %s)
        """,
        [as_of, as_of],
    )
    return env.cr.fetchone()


def print_report(result, wall):
    sql, orm, problems = result["sql"], result["orm"], result["problems"]
    ratio = result["orm_seconds"] / result["sql_seconds"]
    fast = result["sql_seconds"] <= TARGET_SECONDS
    lines, partials, later, partners, _scanned = result["counts"]
    amounts = zip(sql["buckets"], sql["totals"]["buckets"], strict=True)
    print()
    print(
        f"lines: {lines:,}   partials: {partials:,} ({later:,} after the as-of date)   "
        f"partners: {partners:,}   as of: {result['as_of']}"
    )
    print(f"get_aging (SQL):   {result['sql_seconds']:8.2f} s   ({len(sql['rows']):,} partners)")
    print(f"ORM + Python:      {result['orm_seconds']:8.2f} s   ({len(orm['rows']):,} partners)")
    print(f"ratio:             {ratio:8.1f}x")
    print(
        "totals:            "
        + "   ".join(f"{label}: {amount:,.2f}" for label, amount in amounts)
        + f"   total: {sql['totals']['total']:,.2f}"
    )
    print("same amounts:      " + ("yes (totals and every partner)" if not problems else "NO"))
    for problem in problems:
        print("  " + problem)
    print(
        f"targets: get_aging <= {TARGET_SECONDS:g} s for 1M lines: "
        f"{'PASS' if fast else 'FAIL'}; ratio >= {TARGET_RATIO:g}x: "
        f"{'PASS' if ratio >= TARGET_RATIO else 'FAIL'}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"peak memory: {peak:.1f} GB   wall time: {time.perf_counter() - wall:.0f} s")
    return fast


def measure(env, as_of):
    """Both approaches on the same data; returns timings, results and their differences."""
    result = {"as_of": as_of, "counts": counts(env, as_of)}
    print(f"==> Timing get_aging as of {as_of} (warm-up, then best of 3)", flush=True)
    result["sql"], result["sql_seconds"], result["query"] = time_get_aging(env, as_of)
    scanned = result["counts"][-1]
    print(f"==> Timing the ORM way (search_read + Python) on {scanned:,} journal items", flush=True)
    env.invalidate_all()
    start = time.perf_counter()
    result["orm"], phases = aging_orm(env, as_of)
    result["orm_seconds"] = time.perf_counter() - start
    print("  " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items()))
    result["problems"] = differences(result["sql"], result["orm"])
    return result


def main():
    args = parse_args()
    wall = time.perf_counter()
    if str(ODOO_SRC) not in sys.path:
        sys.path.insert(0, str(ODOO_SRC))
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    today = date.today()
    as_of = args.as_of or today - timedelta(days=30)
    if not args.reuse:
        print(f"==> Installing receivables into a new database {DB} (no demo data)", flush=True)
        start = time.perf_counter()
        create_database()
        print(f"  installed in {time.perf_counter() - start:.0f} s")
    odoo.tools.config.parse_config([*odoo_options(), "--log-level=warn"], setup_logging=True)
    registry = Registry(DB)
    if not args.reuse:
        print(f"==> Generating {args.lines:,} open receivable lines in SQL", flush=True)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            seconds = generate(env, args.lines, args.partners, today)
        print(f"  generated in {seconds:.1f} s")
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = measure(env, as_of)
        fast = print_report(result, wall)
        if args.explain or not fast:
            explain(env, result["query"])
        cr.rollback()
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
