"""Two requests on one client or one order at the same moment, on real PostgreSQL connections.

The same interleaving as ``client_status_race.py`` (whose harness this reuses): each request
on its own cursor (REPEATABLE READ) inside Odoo's own retry loop; both take their snapshot
before either writes; the first acts and holds its transaction open until the second has
acted too or waits on a lock; the second commits after the first.

    two portrait answers      a client's two required portrait answers given at once
    contact while deciding    a contact created under a potential client while the client's
                              first invoice is posted
    schedule and confirmation an installment of a quotation changed while it is confirmed
    nightly job and a sale    the nightly job, run as ir.cron runs it (a failed run is not
                              replayed), while a client it is turning lost buys again (one
                              pair: the job decides every client of the database)

Each race runs twice: with the serialisation it tests switched off (the race must show, or
this script proves nothing) and as shipped (no wrong result, no request lost after Odoo's
retries; a request the rules refuse once replayed is counted apart, as refused).

    PYTHONPATH=$ODOO_SRC .venv/bin/python bench/client_base_race.py DATABASE [--pairs 5]

It commits its own users, clients, questions and orders: run it on a test database.
"""

import argparse
import logging
import sys
import time
from dataclasses import dataclass
from datetime import timedelta

import psycopg2
from benchlib import race_registry
from client_status_race import ONE_DAY, RetryCounter, Tally, _race, _user

import odoo
from odoo import api, fields
from odoo.fields import Command

# Who logs a replay ("... tries left"): Odoo's retry loop, and the nightly job's own.
REPLAY_LOGGERS = ("odoo.service.model", "odoo.addons.active_sales.models.res_partner")


@dataclass
class Pair:
    subject_id: int | list  # the client, the order; the nightly job's clients
    requests: tuple  # ((uid, action, argument), (uid, action, argument))


# ----------------------------------------------------------------------
# the requests
# ----------------------------------------------------------------------


def _answer(env, argument):
    answer_id, values = argument
    env["res.partner.portrait.answer"].browse(answer_id).write(values)


def _post(env, move_id):
    env["account.move"].browse(move_id).action_post()


def _add_contact(env, client_id):
    env["res.partner"].create({"name": "Race contact", "parent_id": client_id})


def _halve_installment(env, installment_id):
    env["sale.order.installment"].browse(installment_id).amount = 50.0


def _confirm(env, order_id):
    env["sale.order"].browse(order_id).action_confirm()


def _nightly_job(env, _argument):
    """As ir.cron runs a job: a run that fails is logged and left for the next night."""
    try:
        env["res.partner"]._cron_recompute_client_status()
        env.flush_all()
    except psycopg2.OperationalError as error:
        raise RuntimeError(f"the night's run failed ({error.pgcode}), not replayed") from None


# ----------------------------------------------------------------------
# set-up, committed; and what a right result is
# ----------------------------------------------------------------------


def _portrait_pairs(env, salesperson, count, tag):
    questions = env["res.partner.portrait.question"].create(
        [
            {
                "name": f"Race question {tag} {kind}",
                "answer_type": kind,
                "required_for_qualification": True,
                "company_id": env.company.id,
            }
            for kind in ("text", "number")
        ]  # fmt: skip
    )
    clients = env["res.partner"].create(
        [
            {"name": f"Race portrait {tag}-{n}", "is_company": True, "user_id": salesperson.id}
            for n in range(count)
        ]
    )
    answers = env["res.partner.portrait.answer"]
    answers._fill_in_portrait(clients)
    # Every other required question of the company answered: these two decide.
    others = answers.search(
        [("partner_id", "in", clients.ids), ("question_id", "not in", questions.ids),
         ("question_id.required_for_qualification", "=", True)]
    )  # fmt: skip
    for answer in others:
        question = answer.question_id
        answer.write(
            {"option_id": question.option_ids[:1].id} if question.answer_type == "choice"
            else {"value_text": "Known", "value_number": 1}
        )  # fmt: skip
    pairs = []
    for client in clients:
        text, number = (
            answers.search([("partner_id", "=", client.id), ("question_id", "=", question.id)])
            for question in questions
        )
        pairs.append(
            Pair(
                client.id,
                (
                    (salesperson.id, _answer, (text.id, {"value_text": "Retail"})),
                    (salesperson.id, _answer, (number.id, {"value_number": 50})),
                ),
            )
        )
    return pairs


def _portrait_wrong(env, pairs):
    clients = env["res.partner"].browse([pair.subject_id for pair in pairs])
    raced = dict(zip(clients.ids, clients.mapped("is_qualified"), strict=True))
    env["res.partner.portrait.answer"]._decide_portrait(clients)
    env.invalidate_all()
    return [client.id for client in clients if client.is_qualified != raced[client.id]]


def _contact_pairs(env, salesperson, accountant, count, tag):
    today = fields.Date.context_today(env["res.partner"])
    clients = env["res.partner"].create(
        [
            {
                "name": f"Race contact client {tag}-{n}",
                "is_company": True,
                "user_id": salesperson.id,
            }
            for n in range(count)
        ]  # fmt: skip
    )
    invoices = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": client.id,
                "invoice_date": today,
                "invoice_line_ids": [
                    Command.create({"name": "Race service", "price_unit": 100.0, "tax_ids": []})
                ],
            }
            for client in clients
        ]
    )
    return [
        Pair(
            client.id,
            ((accountant.id, _post, invoice.id), (salesperson.id, _add_contact, client.id)),
        )
        for client, invoice in zip(clients, invoices, strict=True)
    ]


def _contact_wrong(env, pairs):
    clients = env["res.partner"].browse([pair.subject_id for pair in pairs])
    return [
        client.id
        for client in clients
        if any(contact.client_status != client.client_status for contact in client.child_ids)
    ]


def _invoice_values(client, day):
    return {
        "move_type": "out_invoice",
        "partner_id": client.id,
        "invoice_date": day,
        "invoice_line_ids": [
            Command.create({"name": "Race service", "price_unit": 100.0, "tax_ids": []})
        ],
    }


def _nightly_pairs(env, accountant, count, tag):
    """Clients new as of their last sale, the company's days without a sale ago (and a few
    days more): tonight's job turns them lost; the first buys again today."""
    today = fields.Date.context_today(env["res.partner"])
    long_ago = today - timedelta(days=env.company.active_sales_lost_days + 5)
    clients = env["res.partner"].create(
        [{"name": f"Race night {tag}-{n}", "is_company": True} for n in range(count)]
    )
    env["account.move"].create(
        [_invoice_values(client, long_ago) for client in clients]
    ).action_post()
    clients._recompute_client_status(date=long_ago)
    today_sale = env["account.move"].create(_invoice_values(clients[0], today))
    return [
        Pair(
            clients.ids,
            ((accountant.id, _post, today_sale.id), (odoo.SUPERUSER_ID, _nightly_job, None)),
        )
    ]


def _nightly_wrong(env, pairs):
    clients = env["res.partner"].browse(pairs[0].subject_id)
    raced = dict(zip(clients.ids, clients.mapped("client_status"), strict=True))
    clients._recompute_client_status()
    env.invalidate_all()
    return [client.id for client in clients if client.client_status != raced[client.id]]


def _schedule_pairs(env, salesperson, head, count, tag):
    today = fields.Date.context_today(env["res.partner"])
    client = env["res.partner"].create({"name": f"Race schedule client {tag}"})
    product = env["product.product"].create(
        {"name": f"Race service {tag}", "type": "service", "list_price": 200.0,
         "invoice_policy": "order", "taxes_id": False}
    )  # fmt: skip
    pairs = []
    for _ in range(count):
        order = env["sale.order"].create(
            {
                "partner_id": client.id,
                "user_id": salesperson.id,
                "order_line": [Command.create({"product_id": product.id})],
                "installment_ids": [
                    Command.create({"date_due": today + timedelta(days=10), "amount": 100.0}),
                    Command.create({"date_due": today + timedelta(days=40), "amount": 100.0}),
                ],
            }
        )
        pairs.append(
            Pair(
                order.id,
                (
                    (salesperson.id, _halve_installment, order.installment_ids[0].id),
                    (head.id, _confirm, order.id),
                ),
            )
        )
    return pairs


def _schedule_wrong(env, pairs):
    orders = env["sale.order"].browse([pair.subject_id for pair in pairs])
    return [
        order.id
        for order in orders
        if order.state == "sale"
        and order.currency_id.compare_amounts(
            sum(order.installment_ids.mapped("amount")), order.amount_total
        )
    ]


RACES = (
    # name, pairs, wrong results, the serialisation it tests (model, method)
    ("two portrait answers", "portrait", _portrait_wrong,
     ("res.partner", "_serialise_client_decisions")),
    ("contact while deciding", "contact", _contact_wrong,
     ("res.partner", "_serialise_client_decisions")),
    ("schedule and confirmation", "schedule", _schedule_wrong,
     ("sale.order", "_serialise_schedule")),
    # Without its replay the night runs once, as before.
    ("nightly job and a sale", "nightly", _nightly_wrong,
     ("res.partner", "_cron_recompute_client_status", "_decide_every_company")),
)  # fmt: skip


def _prepare(registry, kind, count):
    tag = f"{kind}-{time.monotonic_ns()}"
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, ONE_DAY)
        salesperson = _user(
            env, "race_base_salesperson", ["base.group_user", "sales_team.group_sale_salesman"]
        )
        if kind == "portrait":
            return _portrait_pairs(env, salesperson, count, tag)
        accountant = _user(
            env, "race_accountant", ["base.group_user", "account.group_account_invoice"]
        )
        if kind == "contact":
            return _contact_pairs(env, salesperson, accountant, count, tag)
        if kind == "nightly":
            return _nightly_pairs(env, accountant, count, tag)
        head = _user(env, "race_base_head", ["base.group_user", "sales_team.group_sale_manager"])
        return _schedule_pairs(env, salesperson, head, count, tag)


def run(registry, race, count, serialised):
    _name, kind, wrong, (model_name, method, *instead) = race
    model = registry[model_name]
    shipped = getattr(model, method)
    if not serialised:
        # Switched off: a no-op, or the method it wraps (the job without its replay).
        setattr(model, method, lambda self: instead and getattr(self, instead[0])())
    try:
        pairs = _prepare(registry, kind, count)
        tally = Tally()
        counter = RetryCounter(tally)
        for name in REPLAY_LOGGERS:
            logging.getLogger(name).addHandler(counter)
        try:
            _race(registry, pairs, True, tally)
        finally:
            for name in REPLAY_LOGGERS:
                logging.getLogger(name).removeHandler(counter)
    finally:
        setattr(model, method, shipped)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, ONE_DAY)
        bad = wrong(env, pairs)
        cr.rollback()
    return tally, bad, len(pairs)


def _refused(tally):
    """Requests the rules refused on their replay (the schedule no longer adds up): the
    right answer, not a lost request."""
    return sum("add up to" in error for error in tally.errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    registry = race_registry(args.database, REPLAY_LOGGERS)

    print(
        f"{'race':26} {'serialised':>10} {'pairs':>6} {'failed':>7} {'refused':>8} "
        f"{'retries':>8} {'wrong':>6}"
    )
    problems = []
    for race in RACES:
        for serialised in (False, True):
            tally, bad, pairs = run(registry, race, args.pairs, serialised)
            refused = _refused(tally)
            lost = tally.requests_failed - refused
            print(
                f"{race[0]:26} {'yes' if serialised else 'no':>10} {pairs:>6} "
                f"{lost:>7} {refused:>8} {tally.retries:>8} {len(bad):>6}"
            )
            for error in [e for e in tally.errors if "add up to" not in e][:2]:
                print(f"    failed request: {error}")
            if serialised and (bad or lost):
                problems.append(f"{race[0]}: wrong results or lost requests when serialised")
            if not serialised and not bad:
                problems.append(f"{race[0]}: the race did not show without serialisation")
    if problems:
        print("client base race: FAILED - " + "; ".join(problems))
        return 1
    print("client base race: every pair serialised, no wrong result, no request lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
