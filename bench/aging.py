"""Benchmark of ``receivables.aging.report.get_aging`` on a million open receivable lines.

Creates the database ``receivables_bench`` (``receivables`` without demo data), fills it
set-based in SQL with partners, posted customer invoices, payments and partial
reconciliations, then, in one run, on the same data and as-of date, as an accountant user:
times ``get_aging``; times OCA's aged partner balance algorithm (account_financial_report
18.0, reproduced here: ``search_read`` of the unreconciled lines and of the later partials,
open amounts rebuilt and bucketed in Python); times a bare ``GROUP BY partner_id`` over the
same lines, the floor no aging can beat; and checks that get_aging and OCA's algorithm give
the same amounts per partner. See bench/README.md.

    PYTHONPATH=/opt/odoo .venv/bin/python bench/aging.py [--lines 1000000] [--reuse]
"""

import argparse
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, timedelta

from benchlib import REPO, bench_registry, explain, timed

LOG = REPO / "var" / "log" / "bench_install.log"
DB = "receivables_bench"

TARGET_SECONDS = 1.0  # get_aging on 1M lines, best of the runs
TARGET_BARE_RATIO = 2.0  # get_aging time / bare GROUP BY time
ACCOUNTANT_LOGIN = "bench_accountant"
ACCOUNTANT_GROUP = "account.group_account_invoice"
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
        "--runs", type=int, default=5, help="timed runs of get_aging and of the bare bound"
    )
    parser.add_argument(
        "--oca-runs", type=int, default=1, help="timed runs of OCA's algorithm (about 1 min each)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN (ANALYZE, BUFFERS) of the get_aging query and of the bare bound",
    )
    return parser.parse_args()


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


def generate(env, lines, partners, today, *, days=INVOICE_DAYS, db=DB, partner_columns=None):
    """Partners, invoices, payments and partials, set-based; returns the seconds it took.

    :param days: the invoices are dated over this many days up to ``today``
    :param partner_columns: more columns of the generated partners (SQL by column name)
    """
    start = time.perf_counter()
    params = {
        **references(env),
        "lines": lines,
        "partners": partners,
        "today": today,
        "days": days,
        "paid_share": PAID_SHARE,
    }
    steps = STAGING + [
        (
            f"{label} ({table})",
            insert_query(
                table,
                source,
                {**columns, **(partner_columns or {})} if label == "partners" else columns,
            ),
        )
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
    subprocess.run(["psql", "-X", "-q", "-d", db, "-c", f"VACUUM (ANALYZE) {tables}"], check=True)
    print(f"  {'vacuum analyze':<68} {time.perf_counter() - step_start:7.1f} s")
    return time.perf_counter() - start


def bench_accountant(env):
    """The bench's accountant: a real internal user with account.group_account_invoice
    (Accounting / Invoicing), created once per bench database and committed."""
    users = env["res.users"].with_context(active_test=False)
    user = users.search([("login", "=", ACCOUNTANT_LOGIN)], limit=1)
    if not user:
        user = users.with_context(no_reset_password=True).create(
            {
                "name": "Bench accountant",
                "login": ACCOUNTANT_LOGIN,
                "company_id": env.company.id,
                "company_ids": [(6, 0, env.company.ids)],
                "groups_id": [
                    (6, 0, [env.ref("base.group_user").id, env.ref(ACCOUNTANT_GROUP).id])
                ],
            }
        )
        env.cr.commit()
    return user


# ---------------------------------------------------------------------------------------
# OCA's aged partner balance, account_financial_report 18.0.1.4.29.6, without the addon.
# Each function below names the method of report/aged_partner_balance.py (AGED) or
# report/abstract_report.py (ABSTRACT) it reproduces: same ORM reads (search_read, same
# domains and fields) and the same Python arithmetic. Only the printing (QWeb/XLSX) is left
# out, with show_move_line_details off (the wizard's default).
# ---------------------------------------------------------------------------------------

# ABSTRACT COMMON_ML_FIELDS + AGED _get_ml_fields
OCA_ML_FIELDS = [
    *("account_id", "partner_id", "journal_id", "date", "ref", "id", "move_id", "name"),
    *("amount_residual", "reconciled", "date_maturity"),
]
OCA_BUCKETS = ("current", "b1", "b2", "b3", "older")


def oca_receivable_account_ids(env, company_id):
    """The wizard's ``onchange_type_accounts_only`` with "receivable accounts only" ticked
    (wizard/aged_partner_balance_wizard.py): the account_ids the report gets."""
    return (
        env["account.account"]
        .search([("company_ids", "in", [company_id]), ("account_type", "=", "asset_receivable")])
        .ids
    )


def oca_move_lines_domain_not_reconciled(
    company_id, account_ids, partner_ids, only_posted_moves, date_from
):
    """ABSTRACT ``_get_move_lines_domain_not_reconciled``."""
    domain = [
        ("account_id", "in", account_ids),
        ("company_id", "=", company_id),
        ("reconciled", "=", False),
    ]
    if partner_ids:
        domain += [("partner_id", "in", partner_ids)]
    if only_posted_moves:
        domain += [("move_id.state", "=", "posted")]
    else:
        domain += [("move_id.state", "in", ["posted", "draft"])]
    if date_from:
        domain += [("date", ">", date_from)]
    return domain


def oca_new_move_lines_domain(new_ml_ids, account_ids, company_id, partner_ids, only_posted):
    """ABSTRACT ``_get_new_move_lines_domain``."""
    domain = [
        ("account_id", "in", account_ids),
        ("company_id", "=", company_id),
        ("id", "in", new_ml_ids),
    ]
    if partner_ids:
        domain += [("partner_id", "in", partner_ids)]
    if only_posted:
        domain += [("move_id.state", "=", "posted")]
    else:
        domain += [("move_id.state", "in", ["posted", "draft"])]
    return domain


def oca_account_partial_reconciled(env, company_id, date_at_object):
    """AGED ``_get_account_partial_reconciled``: the partials dated (``max_date``) after
    the date, summed per debit and per credit line."""
    partials = env["account.partial.reconcile"].search_read(
        domain=[("max_date", ">", date_at_object), ("company_id", "=", company_id)],
        fields=[
            "debit_move_id",
            "credit_move_id",
            "amount",
            "debit_amount_currency",
            "credit_amount_currency",
        ],
    )
    debit_amount, debit_amount_currency = {}, {}
    credit_amount, credit_amount_currency = {}, {}
    for partial in partials:
        debit_move_id = partial["debit_move_id"][0]
        credit_move_id = partial["credit_move_id"][0]
        if debit_move_id not in debit_amount:
            debit_amount[debit_move_id] = 0.0
            debit_amount_currency[debit_move_id] = 0.0
        debit_amount_currency[debit_move_id] += partial["debit_amount_currency"]
        debit_amount[debit_move_id] += partial["amount"]
        if credit_move_id not in credit_amount:
            credit_amount[credit_move_id] = 0.0
            credit_amount_currency[credit_move_id] = 0.0
        credit_amount[credit_move_id] += partial["amount"]
        credit_amount_currency[credit_move_id] += partial["credit_amount_currency"]
        partial.update({"debit_move_id": debit_move_id, "credit_move_id": credit_move_id})
    return partials, debit_amount, credit_amount, debit_amount_currency, credit_amount_currency


def oca_recalculate_move_lines(  # noqa: PLR0917 - OCA's positional signature
    env,
    move_lines,
    debit_ids,
    credit_ids,
    debit_amount,
    credit_amount,
    ml_ids,
    account_ids,
    company_id,
    partner_ids,
    only_posted_moves,
    debit_amount_currency,
    credit_amount_currency,
):
    """ABSTRACT ``_recalculate_move_lines``: reads the lines of the later partials that the
    first read missed (reconciled since), then adds back each later partial to its debit
    line's residual and takes it off its credit line's."""
    debit_ids = set(debit_ids)
    credit_ids = set(credit_ids)
    reconciled_ids = set(debit_ids) | (credit_ids - debit_ids)
    new_ml_ids = list(reconciled_ids - set(ml_ids))
    new_domain = oca_new_move_lines_domain(
        new_ml_ids, account_ids, company_id, partner_ids, only_posted_moves
    )
    company_currency = env["res.company"].browse(company_id).currency_id
    new_move_lines = env["account.move.line"].search_read(domain=new_domain, fields=OCA_ML_FIELDS)
    move_lines = move_lines + new_move_lines
    for move_line in move_lines:
        ml_id = move_line["id"]
        if ml_id in debit_ids:
            if move_line.get("amount_residual", False):
                move_line["amount_residual"] += debit_amount[ml_id]
            else:
                move_line["amount_residual"] = debit_amount[ml_id]
            if move_line.get("amount_residual_currency", False):
                move_line["amount_residual_currency"] += debit_amount_currency[ml_id]
            else:
                move_line["amount_residual_currency"] = debit_amount_currency[ml_id]
        if ml_id in credit_ids:
            if move_line.get("amount_residual", False):
                move_line["amount_residual"] -= credit_amount[ml_id]
            else:
                move_line["amount_residual"] = -credit_amount[ml_id]
            if move_line.get("amount_residual_currency", False):
                move_line["amount_residual_currency"] -= credit_amount_currency[ml_id]
            else:
                move_line["amount_residual_currency"] = -credit_amount_currency[ml_id]
        if "amount_currency" in move_line and (
            "currency_id" not in move_line or move_line["currency_id"] == company_currency.id
        ):
            move_line["amount_currency"] = 0
    return move_lines


def oca_initialize(ag_pb_data, acc_id, prt_id=None):
    """AGED ``_initialize_account`` / ``_initialize_partner`` (no interval configuration)."""
    target = {"id": acc_id, "residual": 0.0, **dict.fromkeys(OCA_BUCKETS, 0.0)}
    if prt_id is None:
        ag_pb_data[acc_id] = target
    else:
        ag_pb_data[acc_id][prt_id] = {**target, "move_lines": []}
    return ag_pb_data


def oca_calculate_amounts(  # noqa: PLR0917 - OCA's positional signature (+ limits)
    ag_pb_data, acc_id, prt_id, residual, due_date, date_at, limits
):
    """AGED ``_calculate_amounts`` (the same test ``_compute_maturity_date`` makes per line):
    "current" when there is no due date or the date is on or before it, then
    ``date <= due date + N days`` for each limit. OCA's limits are fixed at 30/60/90/120
    days; here they are the company's three aging limits, so that the buckets line up with
    get_aging's (not due, 1-30, 31-60, 61-90, 91+ by default)."""
    ag_pb_data[acc_id]["residual"] += residual
    ag_pb_data[acc_id][prt_id]["residual"] += residual
    if not due_date or date_at <= due_date:
        bucket = "current"
    elif date_at <= due_date + timedelta(days=limits[0]):
        bucket = "b1"
    elif date_at <= due_date + timedelta(days=limits[1]):
        bucket = "b2"
    elif date_at <= due_date + timedelta(days=limits[2]):
        bucket = "b3"
    else:
        bucket = "older"
    ag_pb_data[acc_id][bucket] += residual
    ag_pb_data[acc_id][prt_id][bucket] += residual
    return ag_pb_data


def oca_journals_data(env, journals_ids):
    """ABSTRACT ``_get_journals_data``."""
    journals = (
        env["account.journal"]
        .with_context(active_test=False)
        .search_fetch([("id", "in", journals_ids)], ["code"])
    )
    return {journal.id: {"id": journal.id, "code": journal.code} for journal in journals}


def oca_accounts_data(env, accounts_ids):
    """ABSTRACT ``_get_accounts_data``."""
    accounts = env["account.account"].with_context(active_test=False).browse(accounts_ids)
    return {
        account.id: {
            "id": account.id,
            "code": account.code,
            "name": account.name,
            "group_id": account.group_id.id,
            "currency_id": account.currency_id.id,
        }
        for account in accounts
    }


def oca_aged_partner_balance(env, date_at_object, limits, phases):
    """AGED ``_get_move_lines_data`` as ``_get_report_values`` calls it from the wizard's
    defaults (posted entries only, no date_from, no partner filter, receivable accounts of
    the active company): the unreconciled lines, then - the date being in the past - the
    partials after it and the lines they touch, each line's open amount rebuilt as of the
    date and bucketed in Python. Returns ``ag_pb_data`` ({account: {partner: amounts}}) and
    the open lines; ``phases`` gets the seconds of each step."""
    from odoo.tools import float_is_zero  # noqa: PLC0415

    start = time.perf_counter()
    company_id = env.company.id
    account_ids = oca_receivable_account_ids(env, company_id)
    partner_ids, date_from, only_posted_moves = [], False, True
    domain = oca_move_lines_domain_not_reconciled(
        company_id, account_ids, partner_ids, only_posted_moves, date_from
    )
    move_lines = env["account.move.line"].search_read(domain=domain, fields=OCA_ML_FIELDS)
    phases["search_read unreconciled lines"] = time.perf_counter() - start
    start = time.perf_counter()
    if date_at_object < date.today():
        partials, debit_amount, credit_amount, debit_amount_currency, credit_amount_currency = (
            oca_account_partial_reconciled(env, company_id, date_at_object)
        )
        phases["search_read later partials"] = time.perf_counter() - start
        start = time.perf_counter()
        if partials:
            move_lines = oca_recalculate_move_lines(
                env,
                move_lines,
                [partial["debit_move_id"] for partial in partials],
                [partial["credit_move_id"] for partial in partials],
                debit_amount,
                credit_amount,
                [move_line["id"] for move_line in move_lines],
                account_ids,
                company_id,
                partner_ids,
                only_posted_moves,
                debit_amount_currency,
                credit_amount_currency,
            )
        phases["lines reconciled later, recalculation"] = time.perf_counter() - start
        start = time.perf_counter()
    move_lines = [
        move_line
        for move_line in move_lines
        if move_line["date"] <= date_at_object
        and not float_is_zero(move_line["amount_residual"], precision_digits=2)
    ]
    journals_ids, partners_data, ag_pb_data = set(), {}, {}
    for move_line in move_lines:
        journals_ids.add(move_line["journal_id"][0])
        acc_id = move_line["account_id"][0]
        if move_line["partner_id"]:
            prt_id, prt_name = move_line["partner_id"]
        else:
            prt_id, prt_name = 0, ""
        if prt_id not in partners_data:
            partners_data[prt_id] = {"id": prt_id, "name": prt_name}
        if acc_id not in ag_pb_data:
            ag_pb_data = oca_initialize(ag_pb_data, acc_id)
        if prt_id not in ag_pb_data[acc_id]:
            ag_pb_data = oca_initialize(ag_pb_data, acc_id, prt_id)
        ag_pb_data = oca_calculate_amounts(
            ag_pb_data,
            acc_id,
            prt_id,
            move_line["amount_residual"],
            move_line["date_maturity"],
            date_at_object,
            limits,
        )
    oca_journals_data(env, list(journals_ids))
    oca_accounts_data(env, list(ag_pb_data))
    phases["python bucketing"] = time.perf_counter() - start
    return ag_pb_data, move_lines


def oca_per_partner(ag_pb_data):
    """OCA's per account and partner amounts as get_aging's rows: {partner: [total, buckets]},
    summed over the receivable accounts (OCA's partner 0, no partner, as None)."""
    rows = defaultdict(lambda: [0.0] * (1 + len(OCA_BUCKETS)))
    for account in ag_pb_data.values():
        for prt_id, amounts in account.items():
            if isinstance(prt_id, int):
                row = rows[prt_id or None]
                row[0] += amounts["residual"]
                for index, bucket in enumerate(OCA_BUCKETS, start=1):
                    row[index] += amounts[bucket]
    return dict(rows)


# ---------------------------------------------------------------------------------------


def bare_query(env, as_of):
    """The floor: one GROUP BY partner_id summing today's residual of the posted receivable
    lines of the company dated on or before the date; no buckets, no later partials."""
    from odoo.tools import SQL  # noqa: PLC0415

    return SQL(
        """
        SELECT aml.partner_id, SUM(aml.amount_residual)
          FROM account_move_line aml
          JOIN account_account account ON account.id = aml.account_id
         WHERE account.account_type = 'asset_receivable'
           AND aml.parent_state = 'posted'
           AND aml.date <= %s
           AND aml.company_id = %s
      GROUP BY aml.partner_id
        """,
        as_of,
        env.company.id,
    )


def differences(aging, oca):
    """Partners compared and those whose total or any bucket differ to the cent."""
    ours = {row["partner_id"] or None: [row["total"], *row["buckets"]] for row in aging["rows"]}
    zero = [0.0] * (1 + len(OCA_BUCKETS))
    partners = ours.keys() | oca.keys()
    bad = []
    for partner_id in partners:
        mine = [round(x, 2) for x in ours.get(partner_id, zero)]
        theirs = [round(x, 2) for x in oca.get(partner_id, zero)]
        if mine != theirs:
            bad.append((partner_id, mine, theirs))
    bad.sort(key=lambda item: item[0] or 0)
    return len(partners), bad


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


def measure(env, as_of, runs, oca_runs):
    """get_aging as the accountant, OCA's algorithm as the same user, the bare bound."""
    result = {"as_of": as_of, "counts": counts(env, as_of), "runs": runs, "oca_runs": oca_runs}
    report = env["receivables.aging.report"]
    result["user"] = report.env.user
    result["sees_all"] = report._sees_every_client()
    print(
        f"==> get_aging as of {as_of} as {env.user.login} (su={env.su}): "
        f"a warm-up, then {runs} runs, each with a cleared ORM cache",
        flush=True,
    )
    result["aging"], result["aging_best"], result["aging_median"] = timed(
        lambda: report.get_aging(as_of), runs, before=env.invalidate_all
    )
    print(
        f"==> OCA's aged partner balance algorithm, {oca_runs} run(s), cold ORM cache", flush=True
    )
    company = env.company
    limits = [company[name] for name in company._aging_limit_fields()]
    env.cr.execute("RESET jit")  # get_aging's SET LOCAL jit = off is its own, not OCA's
    oca_seconds = []
    for _ in range(oca_runs):
        env.invalidate_all()
        phases = {}
        start = time.perf_counter()
        ag_pb_data, open_lines = oca_aged_partner_balance(env, as_of, limits, phases)
        oca_seconds.append(time.perf_counter() - start)
        result["oca"] = oca_per_partner(ag_pb_data)
        # lines in credit as of the date: get_aging nets them against the oldest debts, OCA
        # lists them as they are (none in the generated data: no payment exceeds its invoice)
        result["oca_credits"] = sum(1 for line in open_lines if line["amount_residual"] < 0)
        del ag_pb_data, open_lines
    result["oca_best"], result["oca_median"] = min(oca_seconds), statistics.median(oca_seconds)
    print("  " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items()))
    print(f"==> bare SQL bound: a warm-up, then {runs} runs", flush=True)
    env.cr.execute("SET LOCAL jit = off")  # as get_aging runs
    query = bare_query(env, as_of)
    result["bare"], result["bare_best"], result["bare_median"] = timed(
        lambda: env.execute_query(query), runs
    )
    result["compared"], result["mismatches"] = differences(result["aging"], result["oca"])
    return result


def print_report(result, wall):
    aging = result["aging"]
    lines, partials, later, partners, scanned = result["counts"]
    vs_oca = result["oca_best"] / result["aging_best"]
    vs_bare = result["aging_best"] / result["bare_best"]
    fast = result["aging_best"] <= TARGET_SECONDS
    near = vs_bare <= TARGET_BARE_RATIO
    runs = f"best of {result['runs']}"
    print()
    print(
        f"receivable lines: {lines:,} open invoices, {scanned:,} dated on or before the as-of "
        f"date   partials: {partials:,} ({later:,} after it)   partners: {partners:,}   "
        f"as of: {result['as_of']}"
    )
    print(
        f"get_aging as {result['user'].login} (sees every client: {result['sees_all']}): "
        f"{result['aging_best']:7.3f} s {runs}, median {result['aging_median']:.3f} s   "
        f"({len(aging['rows']):,} partners)"
    )
    print(
        f"OCA aged partner balance algorithm:     {result['oca_best']:7.3f} s best of "
        f"{result['oca_runs']}, median {result['oca_median']:.3f} s   "
        f"({len(result['oca']):,} partners)"
    )
    print(
        f"bare SQL bound (GROUP BY partner_id):   {result['bare_best']:7.3f} s {runs}, "
        f"median {result['bare_median']:.3f} s   ({len(result['bare']):,} partners)"
    )
    print(f"OCA algorithm / get_aging:  {vs_oca:8.1f}x (how much faster get_aging is)")
    print(f"get_aging / bare bound:     {vs_bare:8.2f}x (how close get_aging is to the floor)")
    labels = aging["buckets"]
    amounts = zip(labels, aging["totals"]["buckets"], strict=True)
    print(
        "get_aging totals:  "
        + "   ".join(f"{label}: {amount:,.2f}" for label, amount in amounts)
        + f"   total: {aging['totals']['total']:,.2f}"
    )
    mismatches = result["mismatches"]
    print(
        f"get_aging vs OCA (total and {len(labels)} buckets per partner, to the cent): "
        f"{result['compared']:,} partners compared, {len(mismatches)} mismatches "
        f"(OCA open credit lines, which get_aging would net: {result['oca_credits']})"
    )
    for partner_id, mine, theirs in mismatches[:5]:
        print(f"  partner {partner_id}: get_aging {mine} != OCA {theirs}")
    print(
        f"targets: get_aging <= {TARGET_SECONDS:g} s at 1M lines: {'PASS' if fast else 'FAIL'}; "
        f"get_aging within {TARGET_BARE_RATIO:g}x of the bare bound: "
        f"{'PASS' if near else 'FAIL'}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"peak memory: {peak:.1f} GB   wall time: {time.perf_counter() - wall:.0f} s")
    return fast and near


def main():
    args = parse_args()
    wall = time.perf_counter()

    today = date.today()
    as_of = args.as_of or today - timedelta(days=30)
    registry = bench_registry(DB, "receivables", LOG, args.reuse)
    import odoo  # noqa: PLC0415 -- importable once bench_registry put it on the path

    if not args.reuse:
        print(f"==> Generating {args.lines:,} open receivable lines in SQL", flush=True)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            seconds = generate(env, args.lines, args.partners, today)
        print(f"  generated in {seconds:.1f} s")
    with registry.cursor() as cr:
        root = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        accountant = bench_accountant(root)
        env = root(user=accountant.id, su=False)
        result = measure(env, as_of, args.runs, args.oca_runs)
        on_target = print_report(result, wall)
        if args.explain or not on_target:
            report = env["receivables.aging.report"]
            explain(env, "the get_aging query", report._aging_totals_query(as_of))
            explain(env, "the bare bound", bare_query(env, as_of))
        cr.rollback()
    return 1 if result["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
