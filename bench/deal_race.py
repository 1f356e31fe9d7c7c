"""Two documents of one deal at the same moment, on real PostgreSQL connections.

For each deal, two requests run at once in two threads, each on its own cursor (REPEATABLE
READ, as Odoo's web requests) and inside Odoo's own retry loop (``odoo.service.model.retrying``,
what the HTTP layer wraps every RPC call in). A barrier holds both requests until each has
written its document, so neither sees the other's: the worst interleaving, every time.

    payments          two invoices of one deal paid at once by the accountant
    payment+delivery  the invoice paid while the warehouse validates the delivery
    link+payment      a confirmed, invoiced order given to the deal while its invoice is paid

Each race runs twice: with the engine's serialisation switched off, and the write of the
deal's reservation state with it (the race must show, or this script proves nothing) and as shipped (every deal must end where its documents point,
its stage history one clean chain, no request failed after Odoo's retries).

    PYTHONPATH=$ODOO_SRC .venv/bin/python bench/deal_race.py DATABASE [--deals 10]

It commits its own team, users, products and deals: run it on a test database.
"""

import argparse
import logging
import sys
import threading
from dataclasses import dataclass, field

from benchlib import race_registry

import odoo
from odoo import api
from odoo.fields import Command
from odoo.service.model import retrying

BARRIER_TIMEOUT = 20


@dataclass
class Tally:
    requests_failed: int = 0
    retries: int = 0
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


# ----------------------------------------------------------------------
# set-up, committed
# ----------------------------------------------------------------------


def _user(env, login, groups):
    values = {
        "name": login.replace("_", " ").title(),
        "login": login,
        # Payments and deliveries post messages signed by the user who made them.
        "email": f"{login}@example.com",
        "groups_id": [Command.set([env.ref(xmlid).id for xmlid in groups])],
    }
    existing = env["res.users"].search([("login", "=", login)])
    if existing:
        existing.write(values)
        return existing
    return env["res.users"].create(values)


def _fixtures(env):
    accountant = _user(env, "race_accountant", ["base.group_user", "account.group_account_invoice"])
    warehouse = _user(env, "race_warehouse", ["base.group_user", "stock.group_stock_user"])
    team = env["crm.team"].create(
        {"name": "Race team", "scenario_id": env.ref("sales_funnel.scenario_typical_sale").id}
    )
    partner = env["res.partner"].create({"name": "Race client"})
    product = env["product.product"].create(
        {
            "name": "Race drill",
            "type": "consu",
            "is_storable": True,
            "list_price": 100.0,
            "invoice_policy": "order",
            "taxes_id": False,
        }
    )
    stock = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    env["stock.quant"]._update_available_quantity(product, stock.lot_stock_id, 10000.0)
    return accountant, warehouse, team, partner, product


def _deal_with_orders(env, team, partner, product, order_count):
    deal = env["crm.lead"].create(
        {
            "name": "Race deal",
            "type": "opportunity",
            "partner_id": partner.id,
            "team_id": team.id,
            "stage_id": env.ref("sales_funnel.stage_agreement").id,
        }
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "opportunity_id": deal.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
            for _ in range(order_count)
        ]
    )
    orders.action_confirm()
    invoices = env["account.move"]
    for order in orders:
        invoice = order._create_invoices()
        invoice.action_post()
        invoices |= invoice
    return deal, orders, invoices


def _prepare(registry, race, count):
    """Deals on the payment step, with what the two requests will act on."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        accountant, warehouse, team, partner, product = _fixtures(env)
        plans = []
        for _ in range(count):
            if race == "payments":
                deal, _orders, invoices = _deal_with_orders(env, team, partner, product, 2)
                plans.append(
                    (
                        deal.id,
                        (accountant.id, _pay, invoices[0].id),
                        (accountant.id, _pay_in_cash, invoices[1].id),
                    )
                )
            elif race == "link+payment":
                deal, orders, invoices = _deal_with_orders(env, team, partner, product, 1)
                orders.opportunity_id = False  # the deal waits for it on its step
                plans.append(
                    (
                        deal.id,
                        (odoo.SUPERUSER_ID, _link, (orders.id, deal.id)),
                        (accountant.id, _pay, invoices.id),
                    )
                )
            else:
                deal, orders, invoices = _deal_with_orders(env, team, partner, product, 1)
                orders.picking_ids.action_assign()
                plans.append(
                    (
                        deal.id,
                        (accountant.id, _pay, invoices.id),
                        (warehouse.id, _deliver, orders.picking_ids.id),
                    )
                )
            env["crm.lead"]._run_document_sync()
        env.flush_all()
    return plans


# ----------------------------------------------------------------------
# the two requests
# ----------------------------------------------------------------------


def _pay(env, invoice_id, journal_type="bank"):
    # One payment by bank, the other in cash: two payments in one journal queue on its
    # sequence number before either could race.
    journal = env["account.journal"].search(
        [("type", "=", journal_type), ("company_id", "=", env.company.id)], limit=1
    )
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=[invoice_id]
    ).create({"journal_id": journal.id})._create_payments()


def _pay_in_cash(env, invoice_id):
    _pay(env, invoice_id, "cash")


def _link(env, order_and_deal):
    order_id, deal_id = order_and_deal
    env["sale.order"].browse(order_id).opportunity_id = deal_id


def _deliver(env, picking_id):
    picking = env["stock.picking"].browse(picking_id)
    for move in picking.move_ids:
        move.quantity = move.product_uom_qty
    picking.move_ids.picked = True
    picking.button_validate()


def _request(registry, request, barrier, tally):
    """One request: ``(uid, action, record_id)``, replayed by Odoo when it fails to serialise."""
    uid, action, record_id = request
    first_try = [True]

    def work():
        action(env, record_id)
        env.flush_all()
        if first_try[0]:
            first_try[0] = False
            barrier.wait(BARRIER_TIMEOUT)  # both documents written, neither committed

    cr = registry.cursor()
    env = api.Environment(cr, uid, {})
    try:
        retrying(work, env)
    except Exception as error:  # noqa: BLE001 - a failed request is what we count
        barrier.abort()
        cr.rollback()
        with tally.lock:
            tally.requests_failed += 1
            tally.errors.append(repr(error))
    finally:
        cr.close()


def _race(registry, plans, tally):
    for _deal_id, *requests in plans:
        barrier = threading.Barrier(len(requests))
        threads = [
            threading.Thread(target=_request, args=(registry, request, barrier, tally))
            for request in requests
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


# ----------------------------------------------------------------------
# where the deals ended
# ----------------------------------------------------------------------


def _chain_is_clean(visits, expected_end):
    stages = [visit.stage_id for visit in visits]
    open_visits = visits.filtered(lambda visit: not visit.date_out)
    repeated = any(a == b for a, b in zip(stages, stages[1:], strict=False))
    finals = [visit.outcome for visit in visits if visit.outcome in ("won", "lost")]
    return (
        len(open_visits) == 1
        and open_visits.stage_id == expected_end
        and not repeated
        and len(finals) <= 1
    )


def _check(registry, plans, race):
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        expected = env.ref(
            "crm.stage_lead4" if race == "payment+delivery" else "sales_funnel.stage_shipment"
        )
        deals = env["crm.lead"].browse([plan[0] for plan in plans])
        stuck = deals.filtered(lambda deal: deal.stage_id != expected)
        wrong_chains = deals.filtered(
            lambda deal: not _chain_is_clean(deal.stage_log_ids.sorted("id"), deal.stage_id)
        )
        return len(stuck), len(wrong_chains)


def run(registry, race, count, serialised):
    crm_lead, sale_order = registry["crm.lead"], registry["sale.order"]
    shipped = (
        crm_lead._serialise_document_sync,
        crm_lead._follow_reservation,
        sale_order._serialise_with_documents,
    )
    if not serialised:
        crm_lead._serialise_document_sync = lambda self: None
        # The payment's pass finds no deal through the order in its snapshot: only the
        # order's own serialisation with its documents makes the link conflict with it.
        sale_order._serialise_with_documents = lambda self: None
        # A delivery also writes the deal's reservation state, which alone would make this
        # race conflict: without it, the race shows as it would for any two documents that
        # leave the deal's row alone.
        crm_lead._follow_reservation = lambda self, facts: None
    try:
        plans = _prepare(registry, race, count)
        tally = Tally()
        counter = RetryCounter(tally)
        logging.getLogger("odoo.service.model").addHandler(counter)
        try:
            _race(registry, plans, tally)
        finally:
            logging.getLogger("odoo.service.model").removeHandler(counter)
        stuck, wrong_chains = _check(registry, plans, race)
    finally:
        (
            crm_lead._serialise_document_sync,
            crm_lead._follow_reservation,
            sale_order._serialise_with_documents,
        ) = shipped
    return tally, stuck, wrong_chains


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("--deals", type=int, default=10)
    args = parser.parse_args()
    registry = race_registry(args.database)

    print(
        f"{'race':18} {'serialised':>10} {'deals':>6} {'at once':>8} "
        f"{'failed':>7} {'retries':>8} {'stuck':>6} {'bad chains':>11}"
    )
    problems = []
    for race in ("payments", "payment+delivery", "link+payment"):
        for serialised in (False, True):
            tally, stuck, wrong_chains = run(registry, race, args.deals, serialised)
            print(
                f"{race:18} {'yes' if serialised else 'no':>10} {args.deals:>6} {2:>8} "
                f"{tally.requests_failed:>7} {tally.retries:>8} {stuck:>6} {wrong_chains:>11}"
            )
            for error in tally.errors[:3]:
                print(f"    failed request: {error}")
            if serialised and (stuck or wrong_chains or tally.requests_failed):
                problems.append(f"{race}: deals stuck or history wrong with serialisation on")
            if not serialised and not stuck:
                problems.append(f"{race}: the race did not show without serialisation")
    if problems:
        print("deal race: FAILED - " + "; ".join(problems))
        return 1
    print("deal race: every deal moved, every history clean, no request lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
