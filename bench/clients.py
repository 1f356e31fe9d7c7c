"""Benchmark of ``res.partner.recompute_client_status`` on 200,000 clients.

Creates the database ``clients_bench`` (``active_sales`` without demo data) and fills it
set-based with aging.py's generator: 200,000 clients, 1,000,000 posted customer invoices
over the last two years (a receivable and an income line each: 2,000,000 invoice lines),
40% of them partly paid. Then, in one run: the nightly job deciding every client's status
(statuses and their history emptied before each run, so that every client is decided and
logged anew); the same rules as a per-record ORM loop on a 10,000-client slice, checked
equal to the job's statuses; the time per client of both and the ratio; the job's writes
alone (every client's row and a history row, no decision: its floor). Then the client
base reports (``active.sales.client.report.get_report``: summary, overdue, contact and, when
the addon has it, qualification) for the last complete month, as the head of sales and as
one salesperson, against a bare SQL bound each, on data generated for them in SQL (status
history, potentials, owners, calls, meetings, activities, quotations). See bench/README.md.

    PYTHONPATH=/opt/odoo .venv/bin/python bench/clients.py [--clients 200000] [--reuse]
"""

import argparse
import logging
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta

from aging import generate
from benchlib import (
    REPO,
    bench_registry,
    explain,
    print_targets,
    timed,
)

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
    parser.add_argument(
        "--explain",
        action="store_true",
        help="EXPLAIN (ANALYZE, BUFFERS) of the job and of the slowest report",
    )
    parser.add_argument(
        "--report-runs", type=int, default=5, help="timed runs of each report and its bound"
    )
    parser.add_argument(
        "--reports-only", action="store_true", help="time the reports, not the nightly job"
    )
    parser.add_argument(
        "--report-data",
        action="store_true",
        help="generate the reports' data again (done once by itself when it is missing)",
    )
    return parser.parse_args()


def forget_statuses(env, partner_ids=None):
    """Every client (or these) back to potential with no history: the next decision
    decides and logs each of them. Committed: a night's job finds rows that earlier
    transactions wrote, and PostgreSQL checks the foreign keys of a row this transaction
    wrote on each update of it, whether the keys change or not (six checks per client of
    res_partner, 7 s for 200,000 clients, that no real night pays)."""
    where = "" if partner_ids is None else "WHERE commercial_partner_id = ANY(%(ids)s)"
    env.cr.execute(
        f"""UPDATE res_partner SET client_status = 'potential', client_status_date = NULL,
                   client_first_sale_date = NULL, client_last_sale_date = NULL {where}""",
        {"ids": partner_ids},
    )
    log_where = "" if partner_ids is None else "WHERE partner_id = ANY(%(ids)s)"
    env.cr.execute(f"DELETE FROM res_partner_status_log {log_where}", {"ids": partner_ids})
    env.cr.commit()
    # A night finds the day's dead row versions vacuumed (autovacuum); this reset's
    # would otherwise fill the pages where the job could rewrite rows in place.
    subprocess.run(
        ["psql", "-X", "-q", "-d", DB, "-c", "VACUUM res_partner, res_partner_status_log"],
        check=True,
    )
    env.invalidate_all()


KEPT_COLUMNS = (
    "client_status, client_status_date, client_first_sale_date, client_last_sale_date, "
    "abc_class, abc_revenue, hunter_id"
)


@contextmanager
def statuses_kept(env):
    """The clients' statuses, classes and status history as the reports' data has them,
    put back (committed) once the job's runs, which commit their resets, are done."""
    env.cr.execute("DROP TABLE IF EXISTS bench_kept_client, bench_kept_log")
    env.cr.execute(f"CREATE TABLE bench_kept_client AS SELECT id, {KEPT_COLUMNS} FROM res_partner")
    env.cr.execute("CREATE TABLE bench_kept_log AS SELECT * FROM res_partner_status_log")
    env.cr.commit()
    try:
        yield
    finally:
        env.cr.rollback()
        restore_statuses(env)


def restore_statuses(env):
    """Put back what ``statuses_kept`` kept (joined, each client read once)."""
    kept = ", ".join(f"{column} = kept.{column}" for column in KEPT_COLUMNS.split(", "))
    env.cr.execute(
        f"UPDATE res_partner partner SET {kept} FROM bench_kept_client kept"
        " WHERE kept.id = partner.id"
    )
    env.cr.execute("DELETE FROM res_partner_status_log")
    env.cr.execute("INSERT INTO res_partner_status_log SELECT * FROM bench_kept_log")
    env.cr.execute("DROP TABLE bench_kept_client, bench_kept_log")
    env.cr.commit()
    # Each run of the job wrote every client twice (reset, decision): the reports would
    # read seven times the partners' pages a real base has.
    subprocess.run(
        ["psql", "-X", "-q", "-d", DB, "-c",
         "VACUUM (FULL, ANALYZE) res_partner, res_partner_status_log"],
        check=True,
    )  # fmt: skip
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


def bare_writes(env, today):
    """The floor of the job's worst case: what it writes, nothing it decides. Every
    client's row rewritten (the status, its dates and the ABC columns) and a history row
    inserted for each, on the table as the job finds it."""
    env.cr.execute(
        """UPDATE res_partner
              SET client_status = 'regular', client_status_date = %(today)s,
                  client_first_sale_date = %(today)s, client_last_sale_date = %(today)s,
                  abc_class = 'c', abc_revenue = 0
            WHERE parent_id IS NULL AND customer_rank > 0""",
        {"today": today},
    )
    env.cr.execute(
        """INSERT INTO res_partner_status_log (partner_id, user_id, old_status, new_status,
                                               date, reason, first_sale_date, last_sale_date)
           SELECT id, user_id, 'potential', 'regular', %(today)s, 'first_sale', %(today)s,
                  %(today)s
             FROM res_partner
            WHERE parent_id IS NULL AND customer_rank > 0""",
        {"today": today},
    )
    return env.cr.rowcount


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
    env.cr.execute(
        "SELECT pg_stat_get_xact_tuples_updated(%(table)s::regclass),"
        "       pg_stat_get_xact_tuples_hot_updated(%(table)s::regclass)",
        {"table": "res_partner"},
    )
    updated, in_place = env.cr.fetchone()
    env.cr.execute("SELECT client_status, count(*) FROM res_partner GROUP BY 1 ORDER BY 1")
    statuses = dict(env.cr.fetchall())
    env.cr.execute("SELECT count(*) FROM res_partner_status_log")
    [logged] = env.cr.fetchone()
    # The night after: every client decided again, the same day, nothing new to write.
    env.cr.commit()
    _result, next_night, _median = timed(partners._cron_recompute_client_status, 1)
    env.cr.execute("SELECT count(*) FROM res_partner_status_log")
    [logged_again] = env.cr.fetchone()
    sample = partners.search([("parent_id", "=", False), ("customer_rank", ">", 0)], limit=SLICE)
    decided = dict(zip(sample.ids, sample.mapped("client_status"), strict=True))
    print(f"==> the ORM loop on {len(sample):,} clients", flush=True)
    forget_statuses(env, sample.ids)
    start = time.perf_counter()
    orm_statuses(env, sample, today)
    orm_seconds = time.perf_counter() - start
    env.invalidate_all()
    naive = dict(zip(sample.ids, sample.mapped("client_status"), strict=True))
    print(f"==> the job's writes alone, {args.runs} runs", flush=True)
    written, bare_best, _median = timed(
        lambda: bare_writes(env, today), args.runs, before=lambda: forget_statuses(env)
    )
    return {
        "bare_written": written,
        "bare_best": bare_best,
        "clients": clients,
        "invoice_lines": invoice_lines,
        "best": best,
        "median": median,
        "updated": updated,
        "in_place": in_place,
        "statuses": statuses,
        "logged": logged,
        "next_night": next_night,
        "next_night_changes": logged_again - logged,
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
        f"the job's writes alone, no decision ({result['bare_written']:,} client rows "
        f"rewritten and logged): {result['bare_best']:.3f} s best   job / writes: "
        f"{result['best'] / result['bare_best']:.2f}x"
    )
    print(
        f"the night after, every client decided again ({result['next_night_changes']:,} "
        f"changes): {result['next_night']:.3f} s"
    )
    print(
        f"partner rows the last run wrote: {result['updated']:,}, "
        f"{result['in_place']:,} of them in place (HOT: no index entry)"
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
    print_targets(checks)


# ----------------------------------------------------------------------------------------
# The client base reports (active.sales.client.report.get_report)
# ----------------------------------------------------------------------------------------

REPORTS = ("summary", "overdue", "contact", "qualification")
TARGET_REPORT_SECONDS = 1.0  # every report, for a month and the previous one
REPORT_TIMEOUT = 60  # seconds: a statement cancelled past it fails the report
HEAD_LOGIN = "bench_head"
SALESPERSON_LOGIN = "bench_salesperson_1"
POTENTIAL_SHARE = 0.3  # clients with a potential this year
HANDED_OVER = 0.6  # buyers their hunter handed over to their farmer
FARMER_WAITING = 0.1  # buyers with a farmer, still with their hunter (overdue)
CALLS = 300_000  # calls done over the last 180 days
NOTES = 500_000  # other chatter messages over the last two years
MEETINGS = 60_000  # meetings over the last 180 days
ACTIVITY_SHARE = 0.7  # clients with a planned activity
QUOTATIONS = 20_000  # quotations sent, not yet answered
CONTACT_DAYS = 180  # calls and meetings over the last 180 days

# One temporary row per client, as the status job decided it; ``r1``-``r3`` draw the
# client's dates and owners. A client was created up to 120 days before their first sale
# (before a random day of the last two years if they never bought).
REPORT_STAGING = [
    ("random seed", "SELECT setseed(0.24)"),
    (
        "staging clients",
        """
        CREATE TEMP TABLE bench_client ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY p.id) - 1 AS k, p.id, p.name,
               COALESCE(p.hunter_id, p.user_id) AS hunter_id, p.client_status AS status,
               p.client_first_sale_date AS first_sale, p.client_last_sale_date AS last_sale,
               COALESCE(p.client_first_sale_date, %(today)s - floor(random() * 730)::int)
                   - floor(random() * 120)::int AS created,
               random() AS r1, random() AS r2,
               (%(user_ids)s::int[])[1 + mod(array_position(%(user_ids)s::int[],
                                                             COALESCE(p.hunter_id, p.user_id)),
                                             cardinality(%(user_ids)s::int[]))] AS other_id
          FROM res_partner p
         WHERE p.parent_id IS NULL AND p.customer_rank > 0
        """,
    ),
    (
        "client owners and dates",
        """
        ALTER TABLE bench_client ADD COLUMN user_id int, ADD COLUMN farmer_id int,
                                 ADD COLUMN since date, ADD COLUMN status_date date;
        UPDATE bench_client SET
            user_id = CASE WHEN status <> 'potential' AND r2 < %(handed_over)s THEN other_id
                           ELSE hunter_id END,
            farmer_id = CASE WHEN status = 'potential' THEN NULL
                             WHEN r2 < %(handed_over)s + %(farmer_waiting)s THEN other_id
                             ELSE hunter_id END,
            since = CASE WHEN status <> 'potential' AND r2 < %(handed_over)s
                             THEN LEAST(first_sale + 30 + floor(r1 * 90)::int, %(today)s)
                         ELSE created + floor(r1 * (%(today)s - created))::int END,
            status_date = CASE status WHEN 'new' THEN first_sale
                                      WHEN 'regular' THEN first_sale + %(new_days)s + 1
                                      WHEN 'lost' THEN last_sale + %(lost_days)s + 1 END
        """,
    ),
    ("index staging", "CREATE UNIQUE INDEX ON bench_client (k)"),
    (
        "staging calls",
        """
        CREATE TEMP TABLE bench_call ON COMMIT DROP AS
        SELECT c.id AS partner_id, c.user_id,
               (%(today)s - floor(random() * %(contact_days)s)::int)
                   + interval '8 hours' + random() * interval '10 hours' AS date
          FROM (SELECT floor(random() * %(clients)s)::int AS k
                  FROM generate_series(1, %(calls)s)) s
          JOIN bench_client c USING (k)
        """,
    ),
    (
        "staging meetings",
        """
        CREATE TEMP TABLE bench_meeting ON COMMIT DROP AS
        SELECT nextval('calendar_event_id_seq')::int AS id, c.id AS partner_id, c.user_id,
               c.name, s.start, s.hours
          FROM (SELECT floor(random() * %(clients)s)::int AS k,
                       (%(today)s - floor(random() * %(contact_days)s)::int)
                           + interval '8 hours' + floor(random() * 9) * interval '1 hour'
                           AS start,
                       0.5 * (1 + floor(random() * 6)) AS hours
                  FROM generate_series(1, %(meetings)s)) s
          JOIN bench_client c USING (k)
        """,
    ),
    (
        "staging potentials",
        """
        CREATE TEMP TABLE bench_potential ON COMMIT DROP AS
        SELECT nextval('res_partner_potential_id_seq')::int AS id, c.id AS partner_id,
               c.user_id, round((5000 + random() * 95000)::numeric, -2) AS amount
          FROM bench_client c
         WHERE random() < %(potential_share)s
        """,
    ),
    ("analyze staging", "ANALYZE bench_client, bench_call, bench_meeting, bench_potential"),
]

# Each client's history, consistent with the status the job decided and its first and last
# sales: potential to new on the first sale, new to regular once new for the company's days,
# regular (or new) to lost once without a sale for the company's days. A potential client
# never changed status and has none.
STATUS_HISTORY = """
INSERT INTO res_partner_status_log (partner_id, user_id, old_status, new_status, date, reason,
                                    first_sale_date, last_sale_date)
SELECT c.id, c.hunter_id, change.old_status, change.new_status, change.date, change.reason,
       c.first_sale, CASE WHEN change.new_status = 'new' THEN c.first_sale ELSE c.last_sale END
  FROM bench_client c
 CROSS JOIN LATERAL (VALUES
        ('potential', 'new', c.first_sale, 'first_sale'),
        ('new', 'regular', c.first_sale + %(new_days)s + 1, 'new_period_over'),
        ('regular', 'lost', c.last_sale + %(lost_days)s + 1, 'no_sale')
       ) AS change (old_status, new_status, date, reason)
 WHERE c.status <> 'potential'
   AND (change.new_status = 'new'
        OR change.new_status = 'regular' AND c.status IN ('regular', 'lost')
        OR change.new_status = 'lost' AND c.status = 'lost')
"""

REPORT_INSERTS = [
    ("status history (res_partner_status_log)", STATUS_HISTORY),
    (
        "potentials this year (res_partner_potential)",
        """
        INSERT INTO res_partner_potential (id, partner_id, year, user_id, company_id,
                                           amount_total, create_uid, write_uid, create_date,
                                           write_date)
        SELECT id, partner_id, %(year)s, user_id, %(company)s, amount, %(uid)s, %(uid)s,
               now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM bench_potential
        """,
    ),
    (
        "their lines (res_partner_potential_line)",
        """
        INSERT INTO res_partner_potential_line (potential_id, product_categ_id, quantity,
                                                amount, create_uid, write_uid, create_date,
                                                write_date)
        SELECT id, %(category)s, 1, amount, %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC',
               now() AT TIME ZONE 'UTC'
          FROM bench_potential
        """,
    ),
    (
        "calls done (mail_message)",
        """
        INSERT INTO mail_message (model, res_id, message_type, subtype_id,
                                  mail_activity_type_id, author_id, body, is_internal, date,
                                  create_uid, write_uid, create_date, write_date)
        SELECT 'res.partner', call.partner_id, 'notification', %(activities_subtype)s,
               %(call_type)s, author.partner_id, '<p>Called the client</p>', FALSE, call.date,
               call.user_id, call.user_id, call.date, call.date
          FROM bench_call call
          JOIN res_users author ON author.id = call.user_id
        """,
    ),
    (
        "other chatter: notes (mail_message)",
        """
        INSERT INTO mail_message (model, res_id, message_type, subtype_id, author_id, body,
                                  is_internal, date, create_uid, write_uid, create_date,
                                  write_date)
        SELECT 'res.partner', c.id, 'comment', %(note_subtype)s, author.partner_id,
               '<p>Bench note</p>', TRUE, s.date, c.user_id, c.user_id, s.date, s.date
          FROM (SELECT floor(random() * %(clients)s)::int AS k,
                       (%(today)s - floor(random() * 730)::int) + random() * interval '1 day'
                           AS date
                  FROM generate_series(1, %(notes)s)) s
          JOIN bench_client c USING (k)
          JOIN res_users author ON author.id = c.user_id
        """,
    ),
    (
        "meetings (calendar_event)",
        """
        INSERT INTO calendar_event (id, name, start, stop, duration, allday, show_as, privacy,
                                    active, recurrency, user_id, res_model, res_model_id,
                                    res_id, create_uid, write_uid, create_date, write_date)
        SELECT id, 'Meeting with ' || name, start, start + hours * interval '1 hour', hours,
               FALSE, 'busy', 'public', TRUE, FALSE, user_id, 'res.partner',
               %(partner_model)s, partner_id, user_id, user_id, start - interval '7 days',
               start - interval '7 days'
          FROM bench_meeting
        """,
    ),
    (
        "their attendees (calendar_event_res_partner_rel)",
        """
        INSERT INTO calendar_event_res_partner_rel (calendar_event_id, res_partner_id)
        SELECT meeting.id, attendee.id
          FROM bench_meeting meeting
          JOIN res_users salesperson ON salesperson.id = meeting.user_id
         CROSS JOIN LATERAL (VALUES (meeting.partner_id), (salesperson.partner_id))
                AS attendee (id)
        """,
    ),
    (
        "their attendees (calendar_attendee)",
        """
        INSERT INTO calendar_attendee (event_id, partner_id, state, availability,
                                       create_uid, write_uid, create_date, write_date)
        SELECT rel.calendar_event_id, rel.res_partner_id, 'accepted', 'busy', %(uid)s, %(uid)s,
               now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM calendar_event_res_partner_rel rel
          JOIN bench_meeting meeting ON meeting.id = rel.calendar_event_id
        """,
    ),
    (
        "activities planned (mail_activity)",
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id,
                                   user_id, summary, date_deadline, automated, active,
                                   create_uid, write_uid, create_date, write_date)
        SELECT %(partner_model)s, 'res.partner', c.id, c.name, %(call_type)s, c.user_id,
               'Contact per the norm', %(today)s + floor(random() * 40)::int - 10, FALSE, TRUE,
               c.user_id, c.user_id, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM bench_client c
         WHERE random() < %(activity_share)s
        """,
    ),
    (
        "quotations sent (sale_order)",
        """
        INSERT INTO sale_order (name, state, partner_id, partner_invoice_id, partner_shipping_id,
                                date_order, company_id, currency_id, currency_rate,
                                picking_policy, user_id, team_id, amount_untaxed, amount_tax,
                                amount_total, importance, approval_state, proposal_state,
                                create_uid, write_uid, create_date, write_date)
        SELECT 'BQ' || lpad(s.n::text, 6, '0'), 'sent', c.id, c.id, c.id, s.date,
               %(company)s, %(currency)s, 1, 'direct', c.user_id, %(team)s, s.amount, 0,
               s.amount, 'normal', 'none', 'sent', c.user_id, c.user_id, s.date, s.date
          FROM (SELECT n, floor(random() * %(clients)s)::int AS k,
                       (%(today)s - floor(random() * 60)::int) + interval '10 hours' AS date,
                       round((500 + random() * 19500)::numeric, 2) AS amount
                  FROM generate_series(1, %(quotations)s) AS n) s
          JOIN bench_client c USING (k)
        """,
    ),
    (
        "clients: created, owners, dates (res_partner)",
        """
        UPDATE res_partner partner
           SET create_date = c.created + interval '9 hours',
               user_id = c.user_id,
               hunter_id = CASE WHEN c.status <> 'potential' THEN c.hunter_id END,
               farmer_id = c.farmer_id,
               salesperson_since = c.since,
               client_status_date = c.status_date,
               last_contact_date = called.last_call
          FROM bench_client c
     LEFT JOIN (SELECT partner_id, MAX(date)::date AS last_call FROM bench_call
                 GROUP BY partner_id) called ON called.partner_id = c.id
         WHERE partner.id = c.id
        """,
    ),
]
# Each meeting deleted looks for its activities and attendees, through no index of Odoo's
# (calendar_event_id, event_id): two indexes for the time of the deletion.
EARLIER_DATA = """
DELETE FROM res_partner_potential;
DELETE FROM mail_message WHERE model = 'res.partner'
                           AND body IN ('<p>Called the client</p>', '<p>Bench note</p>');
DELETE FROM mail_activity WHERE res_model = 'res.partner' AND summary = 'Contact per the norm';
CREATE INDEX bench_attendee_event ON calendar_attendee (event_id);
CREATE INDEX bench_activity_event ON mail_activity (calendar_event_id);
DELETE FROM calendar_event WHERE res_model = 'res.partner' AND name LIKE 'Meeting with %%';
DROP INDEX bench_attendee_event;
DROP INDEX bench_activity_event;
DELETE FROM sale_order WHERE name LIKE 'BQ%%'
"""
REPORT_TABLES = (
    "res_partner, res_partner_status_log, res_partner_potential, res_partner_potential_line, "
    "mail_message, calendar_event, calendar_event_res_partner_rel, calendar_attendee, "
    "mail_activity, sale_order"
)


def report_users(env):
    """The head of sales (``bench_head``, Head of sales) and the salesperson the reports
    run as (``bench_salesperson_1``, given the Salesperson role), committed."""
    head = env["res.users"].search([("login", "=", HEAD_LOGIN)])
    if not head:
        head = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Bench head of sales",
                    "login": HEAD_LOGIN,
                    "groups_id": [(6, 0, [env.ref("sales_funnel.group_active_sales_head").id])],
                }
            )
        )
    salesperson = env["res.users"].search([("login", "=", SALESPERSON_LOGIN)])
    if not salesperson:
        sys.exit(f"No user {SALESPERSON_LOGIN}: rebuild {DB} without --reuse.")
    role = env.ref("sales_funnel.group_active_sales_salesperson")
    if role not in salesperson.groups_id:
        salesperson.groups_id = [(4, role.id)]
    env.cr.commit()
    return head, salesperson


def has_report_data(env):
    env.cr.execute("SELECT EXISTS (SELECT 1 FROM res_partner_potential)")
    return env.cr.fetchone()[0]


def generate_report_data(env, today):
    """What the reports read, set-based, on top of aging.py's clients and invoices: the
    statuses the nightly job decides (committed), each client's status history, this
    year's potentials, owners (hunter, farmer, since when), calls, other chatter, meetings,
    planned activities, quotations sent. Returns the seconds it took."""
    start = time.perf_counter()
    step_start = time.perf_counter()
    env["res.partner"]._cron_recompute_client_status()
    env.flush_all()
    print(f"  {'statuses and ABC classes (the nightly job)':<68} "
          f"{time.perf_counter() - step_start:7.1f} s", flush=True)  # fmt: skip
    # aging.py writes the partials in SQL after the install, which fills these for the
    # partials already there: without them no report would see a payment.
    step_start = time.perf_counter()
    env["account.partial.reconcile"]._fill_paid_invoices()
    print(
        f"  {'what each payment paid (account_partial_reconcile)':<52} "
        f"{env.cr.rowcount:>10,} rows {time.perf_counter() - step_start:7.1f} s",
        flush=True,
    )
    company = env.company
    env.cr.execute("SELECT DISTINCT user_id FROM res_partner WHERE customer_rank > 0 ORDER BY 1")
    user_ids = [row[0] for row in env.cr.fetchall()]
    env.cr.execute("SELECT count(*) FROM res_partner WHERE parent_id IS NULL AND customer_rank > 0")
    [clients] = env.cr.fetchone()
    team = env.ref("sales_team.team_sales_department", raise_if_not_found=False)
    params = {
        "today": today,
        "year": today.year,
        "uid": env.uid,
        "company": company.id,
        "currency": company.currency_id.id,
        "team": team.id if team else None,
        "user_ids": user_ids,
        "clients": clients,
        "new_days": company.active_sales_new_days,
        "lost_days": company.active_sales_lost_days,
        "handed_over": HANDED_OVER,
        "farmer_waiting": FARMER_WAITING,
        "potential_share": POTENTIAL_SHARE,
        "activity_share": ACTIVITY_SHARE,
        "calls": CALLS,
        "notes": NOTES,
        "meetings": MEETINGS,
        "quotations": QUOTATIONS,
        "contact_days": CONTACT_DAYS,
        "category": env.ref("product.product_category_all").id,
        "call_type": env.ref("mail.mail_activity_data_call").id,
        "activities_subtype": env.ref("mail.mt_activities").id,
        "note_subtype": env.ref("mail.mt_note").id,
        "partner_model": env["ir.model"]._get_id("res.partner"),
    }
    # The job logged every change as of today: the history below replaces it.
    steps = [
        ("the job's log of today", "DELETE FROM res_partner_status_log"),
        ("an earlier run's data (with --report-data)", EARLIER_DATA),
        *REPORT_STAGING,
        *REPORT_INSERTS,
    ]
    for label, query in steps:
        step_start = time.perf_counter()
        env.cr.execute(query, params)
        rows = f"{env.cr.rowcount:>10,} rows" if env.cr.rowcount > 0 else " " * 15
        print(f"  {label:<52} {rows} {time.perf_counter() - step_start:7.1f} s", flush=True)
    env.cr.commit()
    step_start = time.perf_counter()
    subprocess.run(
        ["psql", "-X", "-q", "-d", DB, "-c", f"VACUUM (ANALYZE) {REPORT_TABLES}"], check=True
    )
    print(f"  {'vacuum analyze':<68} {time.perf_counter() - step_start:7.1f} s")
    env.invalidate_all()
    return time.perf_counter() - start


def last_month(today):
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def report_query(env, report, period):
    """The first grouped read ``get_report`` runs (the period's, the previous period's is
    alike), as it sends it: for EXPLAIN."""
    from odoo.api import Environment  # noqa: PLC0415

    class Captured(Exception):  # noqa: N818 - not an error: the statement, caught
        pass

    original = Environment.execute_query

    def capture(self, query):
        if "WITH facts" in query.code:
            raise Captured(query)
        return original(self, query)

    Environment.execute_query = capture
    try:
        env["active.sales.client.report"].get_report(report, period.first_day, period.last_day)
    except Captured as captured:
        return captured.args[0]
    finally:
        Environment.execute_query = original
    sys.exit("get_report ran no grouped read of the clients' facts: update bench/clients.py.")


@contextmanager
def quiet_sql():
    """Odoo logs a cancelled statement whole, at ERROR: not while a report may be."""
    sql_logger = logging.getLogger("odoo.sql_db")
    level = sql_logger.level
    sql_logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        sql_logger.setLevel(level)


def explain_report(env, label, query):
    """EXPLAIN (ANALYZE, BUFFERS), or the plan alone when running the statement takes
    longer than REPORT_TIMEOUT seconds."""
    from psycopg2.errors import QueryCanceled  # noqa: PLC0415

    from odoo.tools import SQL  # noqa: PLC0415

    env.cr.execute(f"SET LOCAL statement_timeout = '{REPORT_TIMEOUT}s'")
    env.cr.execute("SAVEPOINT bench_explain")
    try:
        with quiet_sql():
            explain(env, label, query)
    except QueryCanceled:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_explain")
        env.cr.execute("SET LOCAL jit = off")
        env.cr.execute(SQL("EXPLAIN %s", query))
        print(f"\nEXPLAIN of {label} (ANALYZE cancelled after {REPORT_TIMEOUT} s):")
        print("\n".join(row[0] for row in env.cr.fetchall()))


def bare_queries(report, period, user_id):
    """The floor of a report, for the period and the previous one as get_report reads
    both: every client in scope read once from ``res_partner`` and grouped by the report's
    rows (the current status for the summary, the salesperson for the others); the summary
    and the contact report also join the payments of the period per client (the period's
    partials and the client each one paid, ``paid_client_id``: no journal item, no
    invoice, no payment move, no company); the overdue
    report groups by whole months held too, the qualification report by ABC class and
    qualification. No history, no potential, no calls, meetings, quotations, unpaid
    invoices or activities, no access rule: any way of computing the report reads at least
    this."""
    from odoo.tools import SQL  # noqa: PLC0415

    scope = SQL("client.parent_id IS NULL AND client.customer_rank > 0")
    if user_id:
        scope = SQL("%s AND client.user_id = %s", scope, user_id)
    queries = []
    for each in (period, period.previous()):
        if report in ("overdue", "qualification"):
            groups = (
                SQL("client.client_status, (%s - client.salesperson_since) / 30", each.last_day)
                if report == "overdue"
                else SQL("client.abc_class, client.is_qualified")
            )
            queries.append(
                SQL(
                    """SELECT client.user_id, %s, COUNT(*), SUM(client.qualification_days)
                         FROM res_partner client
                        WHERE %s AND client.create_date < %s
                     GROUP BY 1, %s""",
                    groups,
                    scope,
                    each.end,
                    groups,
                )
            )
            continue
        key = SQL("client.client_status" if report == "summary" else "client.user_id")
        queries.append(
            SQL(
                """SELECT %s, COUNT(*), SUM(paid.amount)
                     FROM res_partner client
                LEFT JOIN (SELECT partial.paid_client_id AS id, SUM(partial.amount) AS amount
                             FROM account_partial_reconcile partial
                            WHERE partial.max_date BETWEEN %s AND %s
                         GROUP BY partial.paid_client_id) paid ON paid.id = client.id
                    WHERE %s AND client.create_date < %s
                 GROUP BY 1""",
                key,
                each.first_day,
                each.last_day,
                scope,
                each.end,
            )
        )
    return queries


def contact_sources(env, period):
    """The contact report's sources as get_report reads them, each on its own, grouped by
    client and summed: the clients in scope with their abandonment, this year's potentials,
    the proposals pending and the invoices unpaid; the payments, calls and meetings of the
    period and of the previous one. Any way of computing the report reads at least these,
    before it matches a single figure to its client's row."""
    from odoo.tools import SQL  # noqa: PLC0415

    model = env["active.sales.client.report"]
    abandoned = env["res.partner"]._is_abandoned_sql(every_client=True)
    sources = {
        "clients and abandonment": SQL(
            "SELECT client.id, (%s)::int AS amount FROM (%s) client",
            abandoned,
            model._clients(None),
        ),
        "potentials": SQL(
            "SELECT partner_id AS id, amount_total AS amount FROM res_partner_potential"
            " WHERE year = %s",
            period.last_day.year,
        ),
        "proposals pending": model._proposals_sql(),
        "invoices unpaid": model._unpaid_sql(),
    }
    for label, each in (("", period), (", previous period", period.previous())):
        sources[f"payments{label}"] = model._payments_sql(each)
        sources[f"calls{label}"] = model._calls_sql(each)
        sources[f"meetings{label}"] = model._meetings_sql(each)
    return {
        label: SQL(
            "SELECT COUNT(source.id), SUM(source.amount) FROM (%s) source(id, amount)", query
        )
        for label, query in sources.items()
    }


def time_contact_sources(env, period, runs):
    """{source: best seconds} of ``contact_sources``, JIT off and 64 MB of work memory as
    get_report sets."""
    timings = {}
    for label, query in contact_sources(env, period).items():

        def read(query=query):
            env.cr.execute("SET LOCAL jit = off")
            env.cr.execute("SET LOCAL work_mem = '64MB'")
            return env.execute_query(query)

        _rows, best, _median = timed(read, runs)
        timings[label] = best
    return timings


def available_reports(env):
    """The reports get_report offers among REPORTS (the qualification report is newer)."""
    from odoo.exceptions import UserError  # noqa: PLC0415

    model = env["active.sales.client.report"]
    reports = []
    for report in REPORTS:
        try:
            model._columns(report)
        except UserError:
            continue
        reports.append(report)
    return tuple(reports)


def timed_or_cancelled(env, call, runs, before=None):
    """``timed``, in a savepoint, each statement cancelled past REPORT_TIMEOUT seconds:
    (last result, best, median), or (None, None, None) once one was cancelled."""
    from psycopg2.errors import QueryCanceled  # noqa: PLC0415

    env.cr.execute(f"SET LOCAL statement_timeout = '{REPORT_TIMEOUT}s'")
    env.cr.execute("SAVEPOINT bench_call")
    try:
        with quiet_sql():
            result = timed(call, runs, before=before)
    except QueryCanceled:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_call")
        env.invalidate_all()
        result = None, None, None
    env.cr.execute("RELEASE SAVEPOINT bench_call")
    return result


def time_reports(users, period, runs, reports):
    """Each report as each user: get_report (a warm-up, then ``runs`` calls with a cleared
    ORM cache) and its bare bound (JIT off and 64 MB of work memory, as get_report sets)."""
    timings = {}
    for label, env in users.items():
        model = env["active.sales.client.report"]
        for report in reports:
            print(f"  {report} as the {label}", flush=True)
            data, best, median = timed_or_cancelled(
                env,
                lambda model=model, report=report: model.get_report(
                    report, period.first_day, period.last_day
                ),
                runs,
                before=env.invalidate_all,
            )
            queries = bare_queries(report, period, None if label == "head" else env.uid)

            def bare(env=env, queries=queries):
                env.cr.execute("SET LOCAL jit = off")
                env.cr.execute("SET LOCAL work_mem = '64MB'")
                return [env.execute_query(query) for query in queries]

            bound_rows, bare_best, bare_median = timed(bare, runs)
            timings[label, report] = {
                "best": best,
                "median": median,
                "bare_best": bare_best,
                "bare_median": bare_median,
                # The bound's count for the period: the clients the report groups.
                "clients": sum(row[-2] for row in bound_rows[0]),
            }
    return timings


def report_counts(env, period):
    previous = period.previous()
    env.cr.execute(
        """SELECT (SELECT count(*) FROM res_partner_status_log),
                  (SELECT count(*) FROM res_partner_potential WHERE year = %(year)s),
                  (SELECT count(*) FROM account_partial_reconcile
                    WHERE max_date BETWEEN %(first)s AND %(last)s),
                  (SELECT count(*) FROM account_partial_reconcile
                    WHERE max_date BETWEEN %(previous_first)s AND %(previous_last)s),
                  (SELECT count(*) FROM mail_message WHERE mail_activity_type_id IS NOT NULL
                      AND date >= %(start)s AND date < %(end)s),
                  (SELECT count(*) FROM mail_message),
                  (SELECT count(*) FROM calendar_event WHERE start >= %(start)s
                      AND start < %(end)s),
                  (SELECT count(*) FROM sale_order WHERE state = 'sent'),
                  (SELECT count(*) FROM mail_activity WHERE active)""",
        {
            "year": period.last_day.year,
            "first": period.first_day,
            "last": period.last_day,
            "previous_first": previous.first_day,
            "previous_last": previous.last_day,
            "start": period.start,
            "end": period.end,
        },
    )
    names = ("status_log", "potentials", "partials", "previous_partials", "calls", "messages",
             "meetings", "quotations", "activities")  # fmt: skip
    return dict(zip(names, env.cr.fetchone(), strict=True))


def measure_reports(root, args):
    from odoo.addons.sales_funnel.report.crm_funnel_period import FunnelPeriod  # noqa: PLC0415

    head, salesperson = report_users(root)
    first, last = last_month(date.today())
    period = FunnelPeriod.of_days(first, last, "UTC")
    users = {
        "head": root(user=head.id, su=False, context={"tz": "UTC"}),
        "salesperson": root(user=salesperson.id, su=False, context={"tz": "UTC"}),
    }
    reports = available_reports(root)
    print(
        f"==> the client base reports {first} – {last} (and the previous period) as "
        f"{head.login} and {salesperson.login}: {', '.join(reports)}, {args.report_runs} runs "
        "each",
        flush=True,
    )
    timings = time_reports(users, period, args.report_runs, reports)
    slowest = max(reports, key=lambda report: timings["head", report]["best"] or float("inf"))
    result = {
        "period": period,
        "counts": report_counts(root, period),
        "reports": reports,
        "timings": timings,
        "logins": {"head": head.login, "salesperson": salesperson.login},
        "slowest": slowest,
    }
    if "contact" in reports:
        result["contact_sources"] = time_contact_sources(users["head"], period, args.report_runs)
    if args.explain:
        explain_report(
            users["head"],
            f"the {slowest} report (head, the period)",
            report_query(users["head"], slowest, period),
        )
    return result


def seconds(value, width=6):
    return (
        f"{value:{width}.3f} s" if value is not None else f"> {REPORT_TIMEOUT} s".rjust(width + 2)
    )


def print_reports(result):
    counts = result["counts"]
    period = result["period"]
    previous = period.previous()
    timings = result["timings"]
    print()
    print(
        f"client base reports for {period.first_day} – {period.last_day} and "
        f"{previous.first_day} – {previous.last_day}:   status history: "
        f"{counts['status_log']:,} rows   potentials {period.last_day.year}: "
        f"{counts['potentials']:,}   payments (partials): {counts['partials']:,} and "
        f"{counts['previous_partials']:,}   calls: {counts['calls']:,} (of "
        f"{counts['messages']:,} messages)   meetings: {counts['meetings']:,}   quotations "
        f"sent: {counts['quotations']:,}   planned activities: {counts['activities']:,}"
    )
    for label in ("head", "salesperson"):
        for report in result["reports"]:
            timing = timings[label, report]
            ratio = f"{timing['best'] / timing['bare_best']:5.1f}x" if timing["best"] else "    -"
            print(
                f"{report:<13} as the {label:<11} ({timing['clients']:>7,} clients): get_report "
                f"{seconds(timing['best'])} best, median {seconds(timing['median'])}   "
                f"bare bound {seconds(timing['bare_best'])}, median "
                f"{seconds(timing['bare_median'])}   get_report / bound {ratio}"
            )
    if sources := result.get("contact_sources"):
        print(
            f"contact as the head: its sources alone, each read once, nothing matched to a "
            f"client: {sum(sources.values()):.3f} s   ("
            + ", ".join(f"{label} {best:.3f}" for label, best in sources.items())
            + ")"
        )
    worst = [timing["best"] for timing in timings.values()]
    passed = all(best is not None and best <= TARGET_REPORT_SECONDS for best in worst)
    print(
        f"targets: every report <= {TARGET_REPORT_SECONDS:g} s as the head and as a "
        f"salesperson (slowest: {result['slowest']} as the head, "
        f"{seconds(timings['head', result['slowest']]['best'], 0)}): "
        f"{'PASS' if passed else 'FAIL'}"
    )


def main():
    args = parse_args()
    wall = time.perf_counter()

    registry = bench_registry(DB, "active_sales", LOG, args.reuse)
    import odoo  # noqa: PLC0415 -- importable once bench_registry put it on the path

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
        if args.report_data or not has_report_data(env):
            print("==> Generating what the client base reports read, in SQL", flush=True)
            seconds = generate_report_data(env, date.today())
            print(f"  generated in {seconds:.1f} s")
    result = {"mismatches": 0}
    if not args.reports_only:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            with statuses_kept(env):
                result = measure(env, args)
                print_report(result)
                if args.explain:
                    partners = env["res.partner"].search([("parent_id", "=", False)])
                    explain(env, "the job", partners._client_status_query(date.today()))
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        reports = measure_reports(env, args)
        print_reports(reports)
        cr.rollback()
    print(f"wall time: {time.perf_counter() - wall:.0f} s")
    return 1 if result["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
