"""Two documents of one client at the same moment, on real PostgreSQL connections.

A client's status (potential/new/regular/lost) is decided from their posted customer
invoices by one SQL statement that ``account.move`` runs when it posts, resets or cancels a
sale document (``res.partner._recompute_client_status``): it logs each change and writes the
client and their contacts. Here two requests act on documents of the same client at once,
each in its own thread on its own cursor (REPEATABLE READ, as Odoo's web requests) inside
Odoo's own retry loop (``odoo.service.model.retrying``, what the HTTP layer wraps every RPC
call in). Both requests take their snapshot before either writes; the first one acts, then
holds its transaction open until the second one has acted too or waits on a lock; the
second commits after the first: the worst interleaving, every time.

    two first invoices           a potential client's two first invoices posted at once
    credit note, then invoice    the only invoice credited while a new one is posted
    invoice, then credit note    the same, the other way round
    reset, then invoice          the only invoice reset to draft while a new one is posted
    invoice, then reset          the same, the other way round
    contacts, in turn            two first invoices of a company, to two of its contacts
    contacts, at once            the same, both requests let loose together (no order)
    two resets                   both sales (same day) reset to draft at once
    two credit notes             both sales (same day) credited at once

Each scenario races ``--clients`` clients at once, one pair of requests per client. A
client passes when no request failed after Odoo's retries, their status and first and last
sale dates (and their contacts') are what a fresh ``_recompute_client_status()`` decides, and
the status log got exactly the transitions that running the two requests one after the other
gives (no second "potential -> new").

    PYTHONPATH=$ODOO_SRC .venv/bin/python bench/client_status_race.py DATABASE [--clients 10]

It commits its own users, clients and invoices: run it on a test database.
"""

import argparse
import logging
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import psycopg2
from benchlib import race_registry
from psycopg2 import errorcodes

import odoo
from odoo import api, fields
from odoo.fields import Command
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY, retrying

TIMEOUT = 20  # seconds a request waits for the other one before going on regardless
POLL = 0.01
STATUS_COLUMNS = "client_status, client_first_sale_date, client_last_sale_date"

# Every connection in one time zone: "today" is then the same day for the invoices' dates
# and for the decisions, whatever the users' zones (they differ around midnight).
ONE_DAY = {"tz": "UTC"}


# ----------------------------------------------------------------------
# the requests: what an accountant does to a document
# ----------------------------------------------------------------------


def _post(env, move_id):
    env["account.move"].browse(move_id).action_post()


def _reset(env, move_id):
    env["account.move"].browse(move_id).button_draft()


ACTIONS = {"post": _post, "reset": _reset}


@dataclass
class Scenario:
    name: str
    # What the client has before the race: posted invoices, draft invoices, drafts of
    # credit notes of posted invoices (all dated today); ``contacts``: invoice the
    # company's contacts, not the company.
    posted: int
    drafts: int
    credit_notes: int
    first: tuple  # (action, document): document is ("posted"|"draft"|"credit", index)
    second: tuple
    start: str  # status before the race
    transitions: list  # (old, new) logged by the race, in order
    contacts: bool = False
    in_turn: bool = True  # False: both requests act at once, no order between them


SCENARIOS = [
    Scenario(
        "two first invoices", 0, 2, 0,
        ("post", ("draft", 0)), ("post", ("draft", 1)),
        "potential", [("potential", "new")],
    ),
    Scenario(
        "credit note, then invoice", 1, 1, 1,
        ("post", ("credit", 0)), ("post", ("draft", 0)),
        "new", [("new", "potential"), ("potential", "new")],
    ),
    Scenario(
        "invoice, then credit note", 1, 1, 1,
        ("post", ("draft", 0)), ("post", ("credit", 0)),
        "new", [],
    ),
    Scenario(
        "reset, then invoice", 1, 1, 0,
        ("reset", ("posted", 0)), ("post", ("draft", 0)),
        "new", [("new", "potential"), ("potential", "new")],
    ),
    Scenario(
        "invoice, then reset", 1, 1, 0,
        ("post", ("draft", 0)), ("reset", ("posted", 0)),
        "new", [],
    ),
    Scenario(
        "contacts, in turn", 0, 2, 0,
        ("post", ("draft", 0)), ("post", ("draft", 1)),
        "potential", [("potential", "new")], contacts=True,
    ),
    Scenario(
        "contacts, at once", 0, 2, 0,
        ("post", ("draft", 0)), ("post", ("draft", 1)),
        "potential", [("potential", "new")], contacts=True, in_turn=False,
    ),
    Scenario(
        "two resets", 2, 0, 0,
        ("reset", ("posted", 0)), ("reset", ("posted", 1)),
        "new", [("new", "potential")],
    ),
    Scenario(
        "two credit notes", 2, 0, 2,
        ("post", ("credit", 0)), ("post", ("credit", 1)),
        "new", [("new", "potential")],
    ),
]  # fmt: skip


# ----------------------------------------------------------------------
# set-up, committed
# ----------------------------------------------------------------------


def _user(env, login, groups):
    values = {
        "name": login.replace("_", " ").title(),
        "login": login,
        "email": f"{login}@example.com",
        "groups_id": [Command.set([env.ref(xmlid).id for xmlid in groups])],
    }
    existing = env["res.users"].search([("login", "=", login)])
    if existing:
        existing.write(values)
        return existing
    return env["res.users"].create(values)


def _invoice_values(partner_id, today):
    return {
        "move_type": "out_invoice",
        "partner_id": partner_id,
        "invoice_date": today,
        "invoice_line_ids": [
            Command.create(
                {"name": "Race service", "quantity": 1, "price_unit": 100.0, "tax_ids": []}
            )
        ],
    }


@dataclass
class Race:
    client_id: int
    partner_ids: list  # the client and their contacts
    requests: tuple  # ((uid, action, move_id), (uid, action, move_id))


def _prepare(registry, count, tag):
    """For each scenario, ``count`` clients as it wants them, with what the two requests act
    on; in one transaction, each step set-based over every client of every scenario."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, ONE_DAY)
        salesperson = _user(env, "race_salesperson", ["sales_team.group_sale_salesman"])
        accountant = _user(
            env, "race_accountant", ["base.group_user", "account.group_account_invoice"]
        )
        today = fields.Date.context_today(env["res.partner"])
        filler = env["res.partner"].create({"name": f"Race filler {tag}", "is_company": True})
        clients = env["res.partner"].create(
            [
                {
                    "name": f"Race client {tag}-{s}-{n}",
                    "is_company": True,
                    "user_id": salesperson.id,
                }
                for s in range(len(SCENARIOS))
                for n in range(count)
            ]
        )
        by_scenario = [clients[s * count : (s + 1) * count] for s in range(len(SCENARIOS))]
        with_contacts = clients.browse(
            [c.id for s, sc in enumerate(SCENARIOS) if sc.contacts for c in by_scenario[s]]
        )
        contacts = env["res.partner"].create(
            [
                {"name": f"Race contact {n}", "parent_id": client.id}
                for client in with_contacts
                for n in range(2)
            ]
        )
        # Who each document is made out to: the client, or in turn each of their contacts.
        holders = {client.id: [client, client] for client in clients}
        for client in with_contacts:
            holders[client.id] = list(contacts.filtered(lambda c, p=client: c.parent_id == p))
        # Posted invoices; each one a request resets is followed in its journal's sequence
        # by one of the filler's: resetting an invoice to draft marks the next one of the
        # sequence (made_sequence_gap), which would serialise the race by itself when that
        # next one is raced too (another invoice of the client, or another client's).
        posted_plan = [
            (client.id, n, ("reset", ("posted", n)) in (scenario.first, scenario.second))
            for s, scenario in enumerate(SCENARIOS)
            for client in by_scenario[s]
            for n in range(scenario.posted)
        ]
        posted_values = []
        for client_id, n, reset in posted_plan:
            posted_values.append(_invoice_values(holders[client_id][n].id, today))
            if reset:
                posted_values.append(_invoice_values(filler.id, today))
        posted = env["account.move"].create(posted_values)
        posted.action_post()
        documents = {client.id: {"posted": [], "draft": [], "credit": []} for client in clients}
        raced = posted.filtered(lambda move: move.partner_id != filler)
        for (client_id, _n, _reset), invoice in zip(posted_plan, raced, strict=True):
            documents[client_id]["posted"].append(invoice)
        draft_plan = [
            (client.id, n)
            for s, scenario in enumerate(SCENARIOS)
            for client in by_scenario[s]
            for n in range(scenario.drafts)
        ]
        drafts = env["account.move"].create(
            [_invoice_values(holders[client_id][n].id, today) for client_id, n in draft_plan]
        )
        for (client_id, _n), invoice in zip(draft_plan, drafts, strict=True):
            documents[client_id]["draft"].append(invoice)
        credited = env["account.move"].browse(
            [
                invoice.id
                for s, scenario in enumerate(SCENARIOS)
                for client in by_scenario[s]
                for invoice in documents[client.id]["posted"][: scenario.credit_notes]
            ]
        )
        if credited:
            env["account.move.reversal"].with_context(
                active_model="account.move", active_ids=credited.ids
            ).create({"reason": "Race", "journal_id": credited[0].journal_id.id}).refund_moves()
            credit_notes = env["account.move"].search([("reversed_entry_id", "in", credited.ids)])
            for credit_note in credit_notes.sorted(lambda move: move.reversed_entry_id.id):
                client_id = credit_note.commercial_partner_id.id
                documents[client_id]["credit"].append(credit_note)
        env.flush_all()
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM res_partner_status_log")
        last_log_id = cr.fetchone()[0]
        cr.execute("SELECT id, client_status FROM res_partner WHERE id = ANY(%s)", [clients.ids])
        starts = dict(cr.fetchall())
        plans = []
        for s, scenario in enumerate(SCENARIOS):
            races = []
            for client in by_scenario[s]:
                requests = tuple(
                    (accountant.id, ACTIONS[action], documents[client.id][kind][index].id)
                    for action, (kind, index) in (scenario.first, scenario.second)
                )
                races.append(Race(client.id, (client | client.child_ids).ids, requests))
            plans.append(races)
    return plans, last_log_id, starts


# ----------------------------------------------------------------------
# the race
# ----------------------------------------------------------------------


@dataclass
class Tally:
    requests_failed: int = 0
    retries: int = 0
    conflicts: Counter = field(default_factory=Counter)  # statement that failed -> count
    timeouts: int = 0
    errors: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class RetryCounter(logging.Handler):
    """Odoo logs each replay of a request that failed to serialise."""

    def __init__(self, tally):
        super().__init__(logging.INFO)
        self.tally = tally

    def emit(self, record):
        if "tries left" in record.getMessage():
            with self.tally.lock:
                self.tally.retries += 1


def _statement(error):
    """Which statement of the request failed to serialise, in a few words."""
    query = getattr(getattr(error, "cursor", None), "query", None) or b""
    query = query.decode(errors="replace") if isinstance(query, bytes) else str(query)
    if "res_partner_status_log" in query:
        return "client status UPDATE of res_partner"
    return " ".join(query.split()[:4]) or "commit"


@dataclass
class Pair:
    """What the two requests of one client tell each other."""

    in_turn: bool  # False: neither waits for the other after the start
    start: threading.Barrier = field(default_factory=lambda: threading.Barrier(2))
    first_acted: threading.Event = field(default_factory=threading.Event)
    second_acted: threading.Event = field(default_factory=threading.Event)
    first_done: threading.Event = field(default_factory=threading.Event)
    second_pid: list = field(default_factory=list)


def _waits_on_lock(monitor, pid):
    monitor.execute("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [pid])
    row = monitor.fetchone()
    monitor.rollback()  # pg_stat_activity is read once per transaction
    return bool(row and row[0])


def _request(registry, request, role, pair, tally):
    """One request: ``(uid, action, move_id)``, replayed by Odoo when it fails to serialise.

    On its first try, ``first`` acts, then keeps its transaction open until ``second`` has
    acted or waits on a lock; ``second`` acts once ``first`` has, then commits after it."""
    uid, action, move_id = request
    first_try = [True]

    def work():
        racing, first_try[0] = first_try[0], False
        try:
            if racing:
                # The snapshot of a REPEATABLE READ transaction: its first statement.
                env.cr.execute("SELECT pg_backend_pid()")
                if role == "second":
                    pair.second_pid.append(env.cr.fetchone()[0])
                pair.start.wait(TIMEOUT)
                if pair.in_turn and role == "second" and not pair.first_acted.wait(TIMEOUT):
                    _timed_out(tally)
            try:
                action(env, move_id)
                env.flush_all()
            finally:
                if racing:
                    (pair.first_acted if role == "first" else pair.second_acted).set()
            if racing and pair.in_turn:
                if role == "first":
                    _hold_until_second_acted(registry, pair, tally)
                elif not pair.first_done.wait(TIMEOUT):
                    _timed_out(tally)
        except psycopg2.OperationalError as error:
            if racing and role == "first":
                pair.first_done.set()  # its replay may wait on the second's locks
            if error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY:
                with tally.lock:
                    tally.conflicts[f"{errorcodes.lookup(error.pgcode)}: {_statement(error)}"] += 1
            raise

    cr = registry.cursor()
    env = api.Environment(cr, uid, ONE_DAY)
    try:
        retrying(work, env)
    except Exception as error:  # noqa: BLE001 - a failed request is what we count
        pair.start.abort()
        cr.rollback()
        with tally.lock:
            tally.requests_failed += 1
            tally.errors.append(repr(error))
    finally:
        cr.close()
        if role == "first":
            pair.first_done.set()


def _hold_until_second_acted(registry, pair, tally):
    deadline = time.monotonic() + TIMEOUT
    with registry.cursor() as monitor:
        while not pair.second_acted.is_set():
            if pair.second_pid and _waits_on_lock(monitor, pair.second_pid[0]):
                return
            if time.monotonic() > deadline:
                _timed_out(tally)
                return
            time.sleep(POLL)


def _timed_out(tally):
    with tally.lock:
        tally.timeouts += 1


def _race(registry, races, in_turn, tally):
    threads = []
    for race in races:
        pair = Pair(in_turn)
        for role, request in zip(("first", "second"), race.requests, strict=True):
            threads.append(
                threading.Thread(target=_request, args=(registry, request, role, pair, tally))
            )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ----------------------------------------------------------------------
# where the clients ended
# ----------------------------------------------------------------------


def _states(cr, partner_ids):
    cr.execute(
        f"SELECT id, {STATUS_COLUMNS} FROM res_partner WHERE id = ANY(%s)",  # noqa: S608
        [partner_ids],
    )
    return {row[0]: row[1:] for row in cr.fetchall()}


def _check(registry, scenario, races, last_log_id, starts):
    """Clients whose status is not what a fresh recompute decides, and clients whose log
    is not the scenario's transitions."""
    partner_ids = [pid for race in races for pid in race.partner_ids]
    client_ids = [race.client_id for race in races]
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, ONE_DAY)
        raced = _states(cr, partner_ids)
        cr.execute(
            """SELECT partner_id, old_status, new_status FROM res_partner_status_log
                WHERE partner_id = ANY(%s) AND id > %s ORDER BY id""",
            [client_ids, last_log_id],
        )
        logged = {client_id: [] for client_id in client_ids}
        for partner_id, old, new in cr.fetchall():
            logged[partner_id].append((old, new))
        env["res.partner"].browse(client_ids)._recompute_client_status()
        decided = _states(cr, partner_ids)
        cr.rollback()
    wrong_status = [
        race
        for race in races
        if any(raced[pid] != decided[pid] for pid in race.partner_ids)
        or starts[race.client_id] != scenario.start
    ]
    wrong_log = [race for race in races if logged[race.client_id] != scenario.transitions]
    details = []
    for race in (wrong_status + wrong_log)[:2]:
        details.append(
            f"client {race.client_id}: status {raced[race.client_id][0]} "
            f"(a fresh recompute decides {decided[race.client_id][0]}), "
            f"log {_arrows(logged[race.client_id])} (expected {_arrows(scenario.transitions)})"
        )
    return len(wrong_status), len(wrong_log), details


def _arrows(transitions):
    return ", ".join(f"{old} -> {new}" for old, new in transitions) or "nothing"


def run(registry, scenario, races, last_log_id, starts):
    tally = Tally()
    counter = RetryCounter(tally)
    logging.getLogger("odoo.service.model").addHandler(counter)
    try:
        _race(registry, races, scenario.in_turn, tally)
    finally:
        logging.getLogger("odoo.service.model").removeHandler(counter)
    wrong_status, wrong_log, details = _check(registry, scenario, races, last_log_id, starts)
    return tally, wrong_status, wrong_log, details


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args()
    registry = race_registry(args.database)

    print(
        f"{'scenario':28} {'clients':>7} {'failed':>6} {'retries':>7} "
        f"{'bad status':>10} {'bad log':>7}  conflicts (statement that failed to serialise)"
    )
    passed = failed = 0
    started = time.monotonic()
    plans, last_log_id, starts = _prepare(registry, args.clients, time.strftime("%H%M%S"))
    for scenario, races in zip(SCENARIOS, plans, strict=True):
        tally, wrong_status, wrong_log, details = run(
            registry, scenario, races, last_log_id, starts
        )
        ok = not (wrong_status or wrong_log or tally.requests_failed)
        passed, failed = passed + ok, failed + (not ok)
        conflicts = "; ".join(f"{n} {what}" for what, n in sorted(tally.conflicts.items()))
        print(
            f"{scenario.name:28} {args.clients:>7} {tally.requests_failed:>6} "
            f"{tally.retries:>7} {wrong_status:>10} {wrong_log:>7}  "
            f"{conflicts or 'none'}{'' if ok else '  FAILED'}"
        )
        for line in details + [f"failed request: {error}" for error in tally.errors[:2]]:
            print(f"    {line}")
        if tally.timeouts:
            print(f"    {tally.timeouts} waits timed out after {TIMEOUT} s")
    print(f"client status race: {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
