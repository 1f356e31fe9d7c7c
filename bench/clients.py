"""Benchmark of ``res.partner.recompute_client_status`` on 200,000 clients.

Creates the database ``clients_bench`` (``active_sales`` without demo data) and fills it
set-based with aging.py's generator: 200,000 clients, 1,000,000 posted customer invoices
over the last two years (a receivable and an income line each: 2,000,000 invoice lines),
40% of them partly paid. Then, in one run: the nightly job deciding every client's status
(statuses and their history emptied before each run, so that every client is decided and
logged anew); the same rules as a per-record ORM loop on a 10,000-client slice, checked
equal to the job's statuses; the time per client of both and the ratio. See
bench/README.md.

    PYTHONPATH=/opt/odoo .venv/bin/python bench/clients.py [--clients 200000] [--reuse]
"""

import argparse
import sys
import time
from collections import Counter
from datetime import date, timedelta

from aging import generate
from benchlib import ODOO_SRC, REPO, create_database, explain, odoo_options, timed

LOG = REPO / "var" / "log" / "bench_clients_install.log"
DB = "clients_bench"

TARGET_SECONDS = 10.0  # the job, every client decided anew
TARGET_ORM_RATIO = 50.0  # the ORM loop's time per client / the job's
INVOICE_DAYS = 730  # invoices over two years: clients new, regular and lost
SLICE = 10_000  # clients the ORM loop decides


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument(
        "--reuse", action="store_true", help=f"time the existing {DB} without rebuilding it"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the job")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE) of the job")
    return parser.parse_args()


def forget_statuses(env, partner_ids=None):
    """Every client (or these) back to potential with no history: the next decision
    decides and logs each of them."""
    where = "" if partner_ids is None else "WHERE commercial_partner_id = ANY(%(ids)s)"
    env.cr.execute(
        f"""UPDATE res_partner SET client_status = 'potential', client_status_date = NULL,
                   client_first_sale_date = NULL, client_last_sale_date = NULL {where}""",
        {"ids": partner_ids},
    )
    log_where = "" if partner_ids is None else "WHERE partner_id = ANY(%(ids)s)"
    env.cr.execute(f"DELETE FROM res_partner_status_log {log_where}", {"ids": partner_ids})
    env.invalidate_all()


def orm_statuses(env, clients, today):
    """The naive way: per client, its posted invoices and their credit notes through the
    ORM, the rules in Python, the status written and logged record by record."""
    company = env.company
    lost_before = today - timedelta(days=company.active_sales_lost_days)
    new_since = today - timedelta(days=company.active_sales_new_days)
    invoices = env["account.move"]
    logs = env["res.partner.status.log"]
    for client in clients:
        sales = invoices.search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("commercial_partner_id", "=", client.id),
                ("invoice_date", "<=", today),
            ]
        ).filtered(
            lambda invoice: (
                invoice.amount_total_signed
                + sum(
                    credit.amount_total_signed
                    for credit in invoice.reversal_move_ids
                    if credit.state == "posted" and credit.move_type == "out_refund"
                )
                > 0
            )
        )
        days = sales.mapped("invoice_date")
        first, last = (min(days), max(days)) if days else (False, False)
        if not days:
            status = "potential"
        elif last < lost_before:
            status = "lost"
        elif first >= new_since:
            status = "new"
        else:
            status = "regular"
        if status != client.client_status:
            logs.create(
                {
                    "partner_id": client.id,
                    "user_id": client.user_id.id,
                    "old_status": client.client_status,
                    "new_status": status,
                    "date": today,
                    "reason": "first_sale" if client.client_status == "potential" else "no_sale",
                }
            )
        client.write(
            {
                "client_status": status,
                "client_status_date": today,
                "client_first_sale_date": first,
                "client_last_sale_date": last,
            }
        )
    env.flush_all()


def measure(env, args):
    partners = env["res.partner"]
    today = date.today()
    env.cr.execute("SELECT count(*) FROM res_partner WHERE parent_id IS NULL")
    [clients] = env.cr.fetchone()
    env.cr.execute(
        "SELECT count(*) FROM account_move_line aml JOIN account_move move ON move.id = "
        "aml.move_id WHERE move.move_type = 'out_invoice'"
    )
    [invoice_lines] = env.cr.fetchone()
    print(f"==> the nightly job on {clients:,} clients, {args.runs} runs", flush=True)
    _result, best, median = timed(
        partners._cron_recompute_client_status, args.runs, before=lambda: forget_statuses(env)
    )
    env.cr.execute("SELECT client_status, count(*) FROM res_partner GROUP BY 1 ORDER BY 1")
    statuses = dict(env.cr.fetchall())
    env.cr.execute("SELECT count(*) FROM res_partner_status_log")
    [logged] = env.cr.fetchone()
    sample = partners.search([("parent_id", "=", False), ("customer_rank", ">", 0)], limit=SLICE)
    decided = dict(zip(sample.ids, sample.mapped("client_status"), strict=True))
    print(f"==> the ORM loop on {len(sample):,} clients", flush=True)
    forget_statuses(env, sample.ids)
    start = time.perf_counter()
    orm_statuses(env, sample, today)
    orm_seconds = time.perf_counter() - start
    env.invalidate_all()
    naive = dict(zip(sample.ids, sample.mapped("client_status"), strict=True))
    return {
        "clients": clients,
        "invoice_lines": invoice_lines,
        "best": best,
        "median": median,
        "statuses": statuses,
        "logged": logged,
        "slice": len(sample),
        "orm_seconds": orm_seconds,
        "mismatches": sum(decided[key] != naive[key] for key in decided),
        "slice_statuses": Counter(decided.values()),
    }


def print_report(result):
    per_client = result["best"] / result["clients"]
    orm_per_client = result["orm_seconds"] / result["slice"]
    ratio = orm_per_client / per_client
    print()
    print(
        f"clients: {result['clients']:,}   customer invoice lines: {result['invoice_lines']:,}   "
        f"statuses: {', '.join(f'{k} {v:,}' for k, v in sorted(result['statuses'].items()))}"
    )
    print(
        f"nightly job, every client decided and logged ({result['logged']:,} changes): "
        f"{result['best']:.3f} s best, median {result['median']:.3f} s   "
        f"({per_client * 1e6:.1f} µs per client)"
    )
    print(
        f"ORM loop on {result['slice']:,} clients: {result['orm_seconds']:.3f} s   "
        f"({orm_per_client * 1e6:.0f} µs per client)"
    )
    print(f"ORM loop / job, per client: {ratio:.0f}x")
    print(
        f"ORM loop vs job on the slice: {result['mismatches']} different statuses "
        f"(slice: {dict(result['slice_statuses'])})"
    )
    checks = [
        (f"job <= {TARGET_SECONDS:g} s for every client", result["best"] <= TARGET_SECONDS),
        (f">= {TARGET_ORM_RATIO:g}x the ORM loop per client", ratio >= TARGET_ORM_RATIO),
    ]
    print("targets: " + "; ".join(f"{name}: {'PASS' if ok else 'FAIL'}" for name, ok in checks))


def main():
    args = parse_args()
    wall = time.perf_counter()
    if str(ODOO_SRC) not in sys.path:
        sys.path.insert(0, str(ODOO_SRC))
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    if not args.reuse:
        print(f"==> Installing active_sales into a new database {DB} (no demo data)", flush=True)
        start = time.perf_counter()
        create_database(DB, "active_sales", LOG)
        print(f"  installed in {time.perf_counter() - start:.0f} s")
    odoo.tools.config.parse_config([*odoo_options(DB), "--log-level=warn"], setup_logging=True)
    registry = Registry(DB)
    if not args.reuse:
        print(f"==> Generating {args.clients:,} clients and {args.invoices:,} invoices in SQL")
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            seconds = generate(
                env, args.invoices, args.clients, date.today(), days=INVOICE_DAYS, db=DB,
                partner_columns={"client_status": "'potential'"},
            )  # fmt: skip
        print(f"  generated in {seconds:.1f} s")
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = measure(env, args)
        print_report(result)
        if args.explain:
            partners = env["res.partner"].search([("parent_id", "=", False)])
            explain(env, "the job", partners._client_status_query(date.today()))
        cr.rollback()
    print(f"wall time: {time.perf_counter() - wall:.0f} s")
    return 1 if result["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
