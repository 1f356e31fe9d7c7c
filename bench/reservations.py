"""Benchmark of ``stock.reservation.report`` on 200,000 confirmed order lines.

Creates the database ``reservations_bench`` (``sales_funnel`` without demo data), fills it
set-based in SQL with confirmed orders in two warehouses, their lines, the lines' moves to
the customer (delivered, reserved, partly reserved or waiting), receipts on their way and
the stock on hand, then, in one run, as a warehouse user (a real user, record rules
applied): times the report's grouped reads (by warehouse and product, and by expected week)
against a bare SQL ``GROUP BY`` (the floor) and against the same figures computed through
the ORM (order lines and their moves read record by record), checking that both give the
same sums. See bench/README.md.

    PYTHONPATH=/opt/odoo .venv/bin/python bench/reservations.py [--lines 200000] [--reuse]
"""

import argparse
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime

from benchlib import (
    REPO,
    bench_registry,
    explain,
    print_targets,
    timed,
)

LOG = REPO / "var" / "log" / "bench_reservations_install.log"
DB = "reservations_bench"

TARGET_SECONDS = 1.0  # each grouped read of the report at 200,000 lines
PRODUCTS = 2_000
PARTNERS = 500
SALESPEOPLE = 5
LINES_PER_ORDER = 4
WAREHOUSE_LOGIN = "bench_warehouse"
SUMS = ["ordered_qty:sum", "reserved_qty:sum", "missing_qty:sum"]

# One temporary row per order line: its order, product, quantity and what became of its
# delivery (``fate``: 0-19 delivered, 20-59 reserved, 60-79 partly reserved, else waiting).
LINES = """
CREATE TEMP TABLE bench_line AS
SELECT n,
       (n - 1) / %(per_order)s AS o,
       (%(products)s::int[])[1 + (n * 7919) %% cardinality(%(products)s::int[])] AS product_id,
       1 + (n * 31) %% 20 AS qty,
       (n * 48271) %% 100 AS fate
  FROM generate_series(1, %(lines)s::bigint) n
"""
ORDERS = """
CREATE TEMP TABLE bench_order AS
SELECT o, nextval('sale_order_id_seq')::int AS id,
       (%(partners)s::int[])[1 + o %% cardinality(%(partners)s::int[])] AS partner_id,
       (%(users)s::int[])[1 + o %% cardinality(%(users)s::int[])] AS user_id,
       (%(warehouses)s::int[])[1 + o %% 2] AS warehouse_id,
       %(now)s::timestamp - interval '1 hour' * ((o * 37) %% 2000) AS date_order,
       CASE WHEN o %% 10 < 3
            THEN %(now)s::timestamp + interval '1 day' * ((o * 13) %% 60 - 20) END
           AS commitment_date
  FROM (SELECT DISTINCT o FROM bench_line) orders
"""
SALE_ORDERS = """
INSERT INTO sale_order (id, name, company_id, partner_id, partner_invoice_id,
                        partner_shipping_id, user_id, team_id, warehouse_id, date_order,
                        commitment_date, state, picking_policy, importance, approval_state,
                        currency_id, create_uid, create_date, write_uid, write_date)
SELECT o.id, 'BENCH/' || o.o, %(company)s, o.partner_id, o.partner_id, o.partner_id,
       o.user_id, %(team)s, o.warehouse_id, o.date_order, o.commitment_date, 'sale',
       'direct', 'normal', 'none', %(currency)s, %(uid)s, o.date_order, %(uid)s, o.date_order
  FROM bench_order o
"""
SALE_LINES = """
ALTER TABLE bench_line ADD COLUMN id int;
UPDATE bench_line SET id = nextval('sale_order_line_id_seq');
INSERT INTO sale_order_line (id, order_id, name, product_id, product_uom, product_uom_qty,
                             qty_delivered, price_unit, customer_lead, company_id,
                             salesman_id, currency_id, state, create_uid, create_date,
                             write_uid, write_date)
SELECT l.id, o.id, 'Bench line ' || l.n, l.product_id, %(uom)s, l.qty,
       CASE WHEN l.fate < 20 THEN l.qty ELSE 0 END, 10, 0, %(company)s, o.user_id,
       %(currency)s, 'sale', %(uid)s, o.date_order, %(uid)s, o.date_order
  FROM bench_line l
  JOIN bench_order o ON o.o = l.o
"""
# Each line's move to the customer, from its warehouse's stock, scheduled up to 30 days on.
CUSTOMER_MOVES = """
INSERT INTO stock_move (name, company_id, product_id, product_uom, product_uom_qty,
                        product_qty, quantity, location_id, location_dest_id,
                        picking_type_id, procure_method, state, date, sale_line_id,
                        warehouse_id, create_uid, create_date, write_uid, write_date)
SELECT 'Bench line ' || l.n, %(company)s, l.product_id, %(uom)s, l.qty, l.qty,
       CASE WHEN l.fate < 60 THEN l.qty WHEN l.fate < 80 THEN l.qty / 2 ELSE 0 END,
       (%(stocks)s::int[])[1 + l.o %% 2], %(customer)s, (%(out_types)s::int[])[1 + l.o %% 2],
       'make_to_stock',
       CASE WHEN l.fate < 20 THEN 'done' WHEN l.fate < 60 THEN 'assigned'
            WHEN l.fate < 80 THEN 'partially_available' ELSE 'confirmed' END,
       %(now)s::timestamp + interval '1 hour' * ((l.n * 11) %% 720), l.id,
       (%(warehouses)s::int[])[1 + l.o %% 2], %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM bench_line l
"""
# Receipts on their way: one open move from the supplier per product and warehouse.
RECEIPTS = """
INSERT INTO stock_move (name, company_id, product_id, product_uom, product_uom_qty,
                        product_qty, quantity, location_id, location_dest_id,
                        picking_type_id, procure_method, state, date, create_uid,
                        create_date, write_uid, write_date)
SELECT 'Bench receipt', %(company)s, p.id, %(uom)s, 10 + p.id %% 90, 10 + p.id %% 90, 0,
       %(supplier)s, (%(stocks)s::int[])[w], (%(in_types)s::int[])[w], 'make_to_stock',
       'assigned', %(now)s::timestamp + interval '1 day' * (p.id %% 20), %(uid)s, %(now)s,
       %(uid)s, %(now)s
  FROM unnest(%(products)s::int[]) p (id), generate_series(1, 2) w
"""
# The stock: one quant per product and warehouse, what the reserved moves hold reserved.
QUANTS = """
INSERT INTO stock_quant (product_id, location_id, company_id, quantity, reserved_quantity,
                         in_date, create_uid, create_date, write_uid, write_date)
SELECT p.id, stock.id, %(company)s,
       COALESCE(held.quantity, 0) + (p.id * 17) %% 50, COALESCE(held.quantity, 0), %(now)s,
       %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM unnest(%(products)s::int[]) p (id)
 CROSS JOIN unnest(%(stocks)s::int[]) stock (id)
  LEFT JOIN (SELECT product_id, location_id, SUM(quantity) AS quantity
               FROM stock_move
              WHERE state IN ('assigned', 'partially_available')
              GROUP BY product_id, location_id) held
         ON held.product_id = p.id AND held.location_id = stock.id
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument(
        "--reuse", action="store_true", help=f"time the existing {DB} without rebuilding it"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each grouped read")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) of the report's read"
    )
    return parser.parse_args()


def master_data(env):
    """Products, clients, a second warehouse, salespeople, a warehouse user: through the
    ORM (a few thousand records), committed."""
    employee = env.ref("base.group_user")
    create_user = env["res.users"].with_context(no_reset_password=True).create
    sellers = create_user(
        [
            {
                "name": f"Bench salesperson {index}",
                "login": f"bench_salesperson_{index}",
                "groups_id": [
                    (6, 0, [employee.id, env.ref("sales_funnel.group_active_sales_salesperson").id])
                ],
            }
            for index in range(1, SALESPEOPLE + 1)
        ]
    )
    create_user(
        {
            "name": "Bench warehouse",
            "login": WAREHOUSE_LOGIN,
            "groups_id": [(6, 0, [employee.id, env.ref("stock.group_stock_user").id])],
        }
    )
    team = env["crm.team"].create(
        {"name": "Bench team", "member_ids": [(6, 0, sellers.ids)]}
    )  # fmt: skip
    products = env["product.product"].create(
        [
            {"name": f"Bench product {index}", "type": "consu", "is_storable": True}
            for index in range(PRODUCTS)
        ]
    )
    partners = env["res.partner"].create(
        [{"name": f"Bench client {index}"} for index in range(PARTNERS)]
    )
    main = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    north = env["stock.warehouse"].create({"name": "Bench North", "code": "BNRT"})
    env.cr.commit()
    return sellers, team, products, partners, main | north


def generate(env, lines):
    """Orders, lines, moves and quants, set-based; returns the seconds it took."""
    start = time.perf_counter()
    sellers, team, products, partners, warehouses = master_data(env)
    params = {
        "lines": lines,
        "per_order": LINES_PER_ORDER,
        "products": products.ids,
        "partners": partners.ids,
        "users": sellers.ids,
        "team": team.id,
        "warehouses": warehouses.ids,
        "stocks": warehouses.lot_stock_id.ids,
        "out_types": warehouses.out_type_id.ids,
        "in_types": warehouses.in_type_id.ids,
        "customer": env.ref("stock.stock_location_customers").id,
        "supplier": env.ref("stock.stock_location_suppliers").id,
        "uom": env.ref("uom.product_uom_unit").id,
        "company": env.company.id,
        "currency": env.company.currency_id.id,
        "uid": env.uid,
        "now": datetime.now().replace(microsecond=0),
    }
    for label, query in [
        ("order lines (staging)", LINES),
        ("orders (staging)", ORDERS),
        ("orders (sale_order)", SALE_ORDERS),
        ("lines (sale_order_line)", SALE_LINES),
        ("deliveries (stock_move)", CUSTOMER_MOVES),
        ("receipts (stock_move)", RECEIPTS),
        ("stock (stock_quant)", QUANTS),
    ]:
        step_start = time.perf_counter()
        env.cr.execute(query, params)
        rows = f"{env.cr.rowcount:>11,} rows" if env.cr.rowcount > 0 else " " * 16
        print(f"  {label:<30} {rows} {time.perf_counter() - step_start:7.1f} s", flush=True)
    env.cr.commit()
    step_start = time.perf_counter()
    subprocess.run(
        [
            "psql", "-X", "-q", "-d", DB, "-c",
            "VACUUM (ANALYZE) sale_order, sale_order_line, stock_move, stock_quant",
        ],
        check=True,
    )  # fmt: skip
    print(f"  {'vacuum analyze':<47} {time.perf_counter() - step_start:7.1f} s")
    return time.perf_counter() - start


# ------------------------------------------------------------------------------------
# the measures
# ------------------------------------------------------------------------------------


def bare_query():
    """The floor: the confirmed orders' lines and their moves to the customer, summed by
    warehouse and product in one GROUP BY; no units, no delivered quantities, no stock,
    no receipts, no rules."""
    from odoo.tools import SQL  # noqa: PLC0415

    return SQL(
        """
        SELECT sale.warehouse_id, line.product_id, SUM(line.product_uom_qty),
               SUM(move.quantity)
          FROM sale_order_line line
          JOIN sale_order sale ON sale.id = line.order_id
          JOIN stock_move move ON move.sale_line_id = line.id
         WHERE sale.state = 'sale'
      GROUP BY sale.warehouse_id, line.product_id
        """
    )


def orm_sums(env):
    """The naive way: the confirmed orders' product lines through the ORM, each line's
    moves to the customer read from its move_ids, the sums grouped in Python."""
    sums = defaultdict(lambda: [0.0, 0.0, 0.0])
    lines = env["sale.order.line"].search(
        [("state", "=", "sale"), ("display_type", "=", False), ("move_ids", "!=", False)]
    )
    for line in lines:
        moves = line.move_ids.filtered(lambda move: move.location_dest_id.usage == "customer")
        if not moves:
            continue
        reserved = sum(
            move.product_qty * move.quantity / move.product_uom_qty
            for move in moves
            if move.state in ("assigned", "partially_available") and move.product_uom_qty
        )
        ordered = line.product_uom._compute_quantity(
            line.product_uom_qty, line.product_id.uom_id, round=False
        )
        delivered = line.product_uom._compute_quantity(
            line.qty_delivered, line.product_id.uom_id, round=False
        )
        group = sums[line.order_id.warehouse_id.id, line.product_id.id]
        group[0] += ordered
        group[1] += reserved
        group[2] += max(ordered - delivered - reserved, 0.0)
    return sums


def same_sums(groups, naive):
    ours = {
        (warehouse.id, product.id): (ordered, reserved, missing)
        for warehouse, product, ordered, reserved, missing in groups
    }
    mismatches = [
        key
        for key in ours.keys() | naive.keys()
        if key not in ours
        or key not in naive
        or any(abs(a - b) > 1e-6 for a, b in zip(ours[key], naive[key], strict=True))
    ]
    return len(ours), mismatches


def measure(root, args):
    user = root["res.users"].search([("login", "=", WAREHOUSE_LOGIN)])
    env = root(user=user.id, su=False)
    report = env["stock.reservation.report"]
    root.cr.execute(
        """SELECT count(*) FROM sale_order_line line JOIN sale_order sale
                ON sale.id = line.order_id WHERE sale.state = 'sale'"""
    )
    [lines] = root.cr.fetchone()
    root.cr.execute("SELECT count(*) FROM stock_move")
    [moves] = root.cr.fetchone()
    result = {"lines": lines, "moves": moves, "rows": report.search_count([])}
    readings = {
        "by warehouse and product": ["warehouse_id", "product_id"],
        "by expected week": ["commitment_date:week"],
    }
    for label, groupby in readings.items():
        print(f"==> the report's grouped read {label}, {args.runs} runs", flush=True)
        result[label] = timed(
            lambda groupby=groupby: report._read_group([], groupby, SUMS),
            args.runs,
            before=env.invalidate_all,
        )
    print(f"==> the bare bound, {args.runs} runs", flush=True)

    def bare():
        root.cr.execute("SET LOCAL jit = off")
        return root.execute_query(bare_query())

    result["bare"] = timed(bare, args.runs)
    print("==> the ORM loop over the order lines and their moves (once)", flush=True)
    env.invalidate_all()
    start = time.perf_counter()
    naive = orm_sums(env)
    result["orm_seconds"] = time.perf_counter() - start
    result["groups"], result["mismatches"] = same_sums(result["by warehouse and product"][0], naive)
    if args.explain:
        from odoo.tools import SQL  # noqa: PLC0415

        explain(
            root,
            "the report's grouped read by warehouse and product (without its rules)",
            SQL(
                """SELECT warehouse_id, product_id, SUM(ordered_qty), SUM(reserved_qty),
                          SUM(missing_qty)
                     FROM (%s) report
                 GROUP BY warehouse_id, product_id""",
                report._table_query,
            ),
        )
    return result


def print_report(result):
    _groups, best, median = result["by warehouse and product"]
    _weeks, week_best, week_median = result["by expected week"]
    _rows, bare_best, bare_median = result["bare"]
    print()
    print(
        f"confirmed order lines: {result['lines']:,}   report rows: {result['rows']:,}   "
        f"stock moves: {result['moves']:,}"
    )
    print(
        f"report _read_group by warehouse and product (warehouse user): {best:.3f} s best, "
        f"median {median:.3f} s   ({result['groups']:,} groups)"
    )
    print(
        f"report _read_group by expected week (warehouse user):         {week_best:.3f} s "
        f"best, median {week_median:.3f} s"
    )
    print(
        f"bare SQL bound (GROUP BY warehouse, product):                 {bare_best:.3f} s "
        f"best, median {bare_median:.3f} s"
    )
    print(
        f"ORM loop over order lines and their moves:                    {result['orm_seconds']:.3f} s"
    )
    print(
        f"report / bare bound: {best / bare_best:.2f}x   "
        f"ORM loop / report: {result['orm_seconds'] / best:.0f}x"
    )
    print(
        f"ORM loop vs report (ordered, reserved, missing per warehouse and product): "
        f"{len(result['mismatches'])} mismatches"
    )
    checks = [
        (f"by warehouse and product <= {TARGET_SECONDS:g} s", best <= TARGET_SECONDS),
        (f"by expected week <= {TARGET_SECONDS:g} s", week_best <= TARGET_SECONDS),
    ]
    print_targets(checks)


def main():
    args = parse_args()
    wall = time.perf_counter()

    registry = bench_registry(DB, "sales_funnel", LOG, args.reuse)
    import odoo  # noqa: PLC0415 -- importable once bench_registry put it on the path

    if not args.reuse:
        print(f"==> Generating {args.lines:,} confirmed order lines and their moves in SQL")
        with registry.cursor() as cr:
            seconds = generate(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), args.lines)
        print(f"  generated in {seconds:.1f} s")
    with registry.cursor() as cr:
        result = measure(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), args)
        print_report(result)
        cr.rollback()
    print(f"wall time: {time.perf_counter() - wall:.0f} s")
    return 1 if result["mismatches"] else 0


if __name__ == "__main__":
    sys.exit(main())
