#!/usr/bin/env python3
# ruff: noqa: E501  (report lines and SQL read better unwrapped)
"""Benchmark of customer_quality: return authorisations and warranty claim statistics.

Run from the repository root::

    python3 bench/bench_returns.py            # ~5 min on 2 cores
    python3 bench/bench_returns.py --quick    # a smaller run, ~2 min

It installs customer_quality (no demo data) in a scratch database of its own,
measures, prints the figures and drops the database. See bench/README.md for what
is measured and how.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import statistics
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tickets import (  # noqa: E402  (the helpers of the ticket benchmark)
    check_no_demo,
    drop,
    install,
    log,
    start_odoo,
)

MODULES = "customer_quality"

# Targets of the brief
TARGET_RATIO = 1.2
TARGET_STATS_SECONDS = 0.5

LINES = 50  # lines of the delivery returned
TRACKED_EVERY = 5  # one product in five is lot-tracked
PRODUCTS = 200
CUSTOMERS = 500
SALES_USER_CUSTOMERS = 25  # customers of the sales user (record rules of group_cq_user)


# ----------------------------------------------------------------------
# Set-up: users, customers, products with stock
# ----------------------------------------------------------------------
def setup(registry):
    from odoo import Command, api

    with registry.cursor() as cr:
        env = api.Environment(cr, 1, {"tracking_disable": True})
        company = env.ref("base.main_company")
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        clerk = env["res.users"].search([("login", "=", "bench_clerk")])
        if not clerk:
            group = env.ref

            def user(login, name, *groups):
                return env["res.users"].create(
                    {
                        "login": login,
                        "name": name,
                        "email": f"{login}@bench.example.com",
                        "groups_id": [
                            Command.set(
                                [group(g).id for g in ("base.group_user", *groups)]
                            )
                        ],
                    }
                )

            # receives returns and creates them (storekeeper who also books them in)
            clerk = user(
                "bench_clerk",
                "Wang Warehouse",
                "stock.group_stock_user",
                "sales_team.group_sale_salesman",
                "customer_quality.group_cq_user",
            )
            user(
                "bench_qm",
                "Quinn Quality",
                "stock.group_stock_user",
                "customer_quality.group_cq_manager",
            )
            user(
                "bench_sales",
                "Sun Sales",
                "sales_team.group_sale_salesman",
                "customer_quality.group_cq_user",
            )
            warehouse.cq_return_user_ids = [Command.link(clerk.id)]
            sales = env["res.users"].search([("login", "=", "bench_sales")])
            env["res.partner"].create(
                {"name": "Bench Supplier", "is_company": True, "supplier_rank": 1}
            )
            env["res.partner"].create(
                [
                    {
                        "name": f"Customer {i:03d} Ltd",
                        "is_company": True,
                        "email": f"quality@customer{i:03d}.example.com",
                        "city": "Shanghai",
                        "user_id": sales.id if i < SALES_USER_CUSTOMERS else False,
                    }
                    for i in range(CUSTOMERS)
                ]
            )
            make_products(env, warehouse, PRODUCTS, LINES, random.Random(7))
        ctx = {
            "company": company.id,
            "vendor": env["res.partner"].search([("name", "=", "Bench Supplier")]).id,
            "warehouse": warehouse.id,
            "clerk": clerk.id,
            "quality_manager": env["res.users"].search([("login", "=", "bench_qm")]).id,
            "sales": env["res.users"].search([("login", "=", "bench_sales")]).id,
            "customers": env["res.partner"]
            .search([("name", "=like", "Customer ___ Ltd")], order="id")
            .ids,
            "products": env["product.product"]
            .search([("default_code", "=like", "BP-___")], order="default_code")
            .ids,
        }
    return ctx


def make_products(env, warehouse, count, stocked, rng):
    """``count`` storable products BP-000...; the first ``stocked`` have 1 000 000
    units in the warehouse's stock, one in TRACKED_EVERY of them lot-tracked (one
    lot each). Returns the products."""
    products = env["product.product"].create(
        [
            {
                "name": f"Brake part {i:03d}",
                "default_code": f"BP-{i:03d}",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot" if i < stocked and i % TRACKED_EVERY == 0 else "none",
                "list_price": rng.randrange(20, 400),
                "standard_price": rng.randrange(10, 200),
                "invoice_policy": "delivery",
            }
            for i in range(count)
        ]
    )
    stock = warehouse.lot_stock_id
    Quant = env["stock.quant"]
    for product in products[:stocked]:
        lot = False
        if product.tracking == "lot":
            lot = env["stock.lot"].create(
                {
                    "name": f"LOT-{product.default_code}",
                    "product_id": product.id,
                    "company_id": warehouse.company_id.id,
                }
            )
        Quant._update_available_quantity(product, stock, 1_000_000, lot_id=lot or None)
    return products


# ----------------------------------------------------------------------
# (1) Return of a 50-line delivery
# ----------------------------------------------------------------------
def make_deliveries(registry, ctx, n, rng):
    """``n`` done deliveries of a sale order of LINES different products (one in
    five lot-tracked) to the returns customer; one transaction each, not timed."""
    from odoo import Command, api

    deliveries = []
    for _i in range(n):
        with registry.cursor() as cr:
            env = api.Environment(cr, 1, {})
            order = env["sale.order"].create(
                {
                    "partner_id": ctx["customers"][0],
                    "order_line": [
                        Command.create(
                            {"product_id": pid, "product_uom_qty": rng.randrange(1, 20)}
                        )
                        for pid in ctx["products"][:LINES]
                    ],
                }
            )
            order.action_confirm()
            picking = order.picking_ids
            picking.action_assign()
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            picking._action_done()
            assert picking.state == "done", picking.state
            deliveries.append(picking.id)
    return deliveries


def _step(registry, uid, func, profile=None):
    """One transaction (one RPC) as ``uid``: (result, seconds, queries); time
    includes the commit, queries everything but the COMMIT itself."""
    from odoo import api

    start = time.perf_counter()
    if profile:
        profile.enable()
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {"lang": "en_US", "tz": "Asia/Shanghai"})
        result = func(env)
        cr.flush()
        queries = cr.sql_log_count
    if profile:
        profile.disable()
    return result, time.perf_counter() - start, queries


def baseline_return(registry, ctx, picking_id, profile=None):
    """Odoo's own return wizard: the wizard saved with every line's quantity,
    'Return' (_create_return), then the receipt picked and validated."""
    from odoo import Command

    def wizard(env):
        picking = env["stock.picking"].browse(picking_id)
        return (
            env["stock.return.picking"]
            .with_context(active_id=picking_id, active_model="stock.picking")
            .create(
                {
                    "picking_id": picking_id,
                    "product_return_moves": [
                        Command.create(
                            {
                                "product_id": move.product_id.id,
                                "quantity": move.quantity,
                                "uom_id": move.product_id.uom_id.id,
                                "move_id": move.id,
                                "to_refund": True,
                            }
                        )
                        for move in picking.move_ids
                    ],
                }
            )
            .id
        )

    def create_return(env):
        return env["stock.return.picking"].browse(wizard_id)._create_return().id

    def validate(env):
        receipt = env["stock.picking"].browse(receipt_id)
        receipt.move_ids.picked = True
        result = receipt.button_validate()
        assert result is True and receipt.state == "done", (result, receipt.state)

    wizard_id, *first = _step(registry, ctx["clerk"], wizard, profile)
    receipt_id, *second = _step(registry, ctx["clerk"], create_return, profile)
    _r, *third = _step(registry, ctx["clerk"], validate, profile)
    return [first, second, third]


def our_return(registry, ctx, picking_id, profile=None):
    """customer_quality: the return saved with one line per delivered move (lot,
    quantity, reason, condition), authorised (Odoo's return picking created),
    received (validated)."""
    from odoo import Command

    def create(env):
        picking = env["stock.picking"].browse(picking_id)
        return (
            env["cq.return"]
            .create(
                {
                    "partner_id": ctx["customers"][0],
                    "picking_id": picking_id,
                    "sale_order_id": picking.sale_id.id,
                    "cause": "quality",
                    "line_ids": [
                        Command.create(
                            {
                                "picking_id": picking_id,
                                "product_id": move.product_id.id,
                                "move_id": move.id,
                                "lot_id": move.move_line_ids.lot_id[:1].id,
                                "quantity": move.quantity,
                                "reason": "Squeals after 200 km",
                                "condition": "defective",
                            }
                        )
                        for move in picking.move_ids
                    ],
                }
            )
            .id
        )

    def authorise(env):
        env["cq.return"].browse(return_id).action_authorise()

    def receive(env):
        rma = env["cq.return"].browse(return_id)
        rma.action_receive()
        assert rma.state == "received", rma.state

    return_id, *first = _step(registry, ctx["clerk"], create, profile)
    _r, *second = _step(registry, ctx["clerk"], authorise, profile)
    _r, *third = _step(registry, ctx["clerk"], receive, profile)
    return [first, second, third]


def check_returned(registry, deliveries):
    """Both ways the goods came back: every delivered move fully returned."""
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE abs(m.quantity - COALESCE(r.qty, 0)) > 1e-6)
              FROM stock_move m
              LEFT JOIN (SELECT origin_returned_move_id AS id, sum(quantity) AS qty
                           FROM stock_move WHERE state = 'done' GROUP BY 1) r ON r.id = m.id
             WHERE m.picking_id IN %s
            """,
            [tuple(deliveries)],
        )
        return cr.fetchone()


STEP_NAMES = {
    "baseline": ["wizard saved", "_create_return", "validate"],
    "ours": ["return saved", "action_authorise", "action_receive"],
}


def bench_returns(registry, ctx, reps, profile_runs):
    total = 2 * (reps + 1) + profile_runs
    log(f"\nPreparing {total} done deliveries of {LINES} lines (not timed)")
    start = time.perf_counter()
    deliveries = make_deliveries(registry, ctx, total, random.Random(3))
    log(f"  prepared in {time.perf_counter() - start:.0f} s")
    runs = {"baseline": [], "ours": []}
    for i in range(reps + 1):
        # interleaved, the order alternating, each on a delivery of its own;
        # round 0 warms the caches and is not counted
        order = ["baseline", "ours"] if i % 2 == 0 else ["ours", "baseline"]
        for k, kind in enumerate(order):
            picking_id = deliveries[2 * i + k]
            steps = (baseline_return if kind == "baseline" else our_return)(
                registry, ctx, picking_id
            )
            if i:
                runs[kind].append(steps)
            log(
                f"  {f'rep {i:>2}' if i else 'warm-up':<7} {kind:<8}: "
                f"{sum(s for s, _q in steps):6.2f} s, {sum(q for _s, q in steps):5d} "
                f"queries ({', '.join(f'{s:.2f} s/{q} q' for s, q in steps)})"
            )
    moves, bad = check_returned(registry, deliveries[: 2 * (reps + 1)])
    log(f"  check: {moves} delivered moves, {bad} not exactly returned")
    if bad:
        sys.exit(
            "Some delivered moves were not returned in full: the figures are not"
            " comparable."
        )
    return runs, deliveries[2 * (reps + 1) :]


def print_returns_table(runs):
    def med(kind, fn):
        return statistics.median(fn(steps) for steps in runs[kind])

    log()
    log(
        f"Return of a {LINES}-line delivery ({LINES // TRACKED_EVERY} products lot-tracked), as a storekeeper"
    )
    log(
        "(stock + sales + customer_quality user); each step one transaction (one RPC), time with the commit;"
    )
    log(
        f"medians over {len(runs['ours'])} returns each, interleaved, each on a fresh delivery"
    )
    head = f"{'':<46} | {'seconds':>8} | {'queries':>7}"
    log(head)
    log("-" * len(head))
    rows = {}
    for kind in ("baseline", "ours"):
        label = (
            "Odoo return wizard (baseline)"
            if kind == "baseline"
            else "cq.return (ours)"
        )
        for k, name in enumerate(STEP_NAMES[kind]):
            log(
                f"{label + ': ' + name:<46} | {med(kind, lambda st, k=k: st[k][0]):8.3f} | "
                f"{med(kind, lambda st, k=k: st[k][1]):7.0f}"
            )
        seconds = med(kind, lambda st: sum(s for s, _q in st))
        queries = med(kind, lambda st: sum(q for _s, q in st))
        rows[kind] = (seconds, queries)
        log(f"{label + ': whole return':<46} | {seconds:8.3f} | {queries:7.0f}")
        log("-" * len(head))
    ratio = rows["ours"][0] / rows["baseline"][0]
    qratio = rows["ours"][1] / rows["baseline"][1]
    flag = "" if ratio <= TARGET_RATIO else f"  > {TARGET_RATIO} target"
    log(f"{'ratio ours / baseline':<46} | {ratio:8.2f} | {qratio:7.2f}{flag}")
    log(
        f"per returned line: baseline {rows['baseline'][0] / LINES * 1000:.1f} ms, {rows['baseline'][1] / LINES:.1f} q; "
        f"ours {rows['ours'][0] / LINES * 1000:.1f} ms, {rows['ours'][1] / LINES:.1f} q"
    )
    return ratio


class QueryTally:
    """Counts the SQL statements run while enabled, by their normalised start."""

    def __init__(self):
        self.counter = Counter()
        self._orig = None

    def __enter__(self):
        from odoo.sql_db import Cursor

        self._orig = Cursor.execute
        counter = self.counter
        orig = self._orig

        def execute(cursor, query, params=None, log_exceptions=True):
            text = query.code if hasattr(query, "code") else str(query)
            text = re.sub(r"\s+", " ", text).strip()
            text = re.sub(r"\bIN %s\b|\bIN \([^)]*\)", "IN (...)", text)
            counter[text[:110]] += 1
            return orig(cursor, query, params, log_exceptions)

        Cursor.execute = execute
        return self

    def __exit__(self, *exc):
        from odoo.sql_db import Cursor

        Cursor.execute = self._orig


def profile_returns(registry, ctx, deliveries):
    """cProfile of our return (all three steps) on the spare deliveries, with the
    SQL statements it runs tallied."""
    profile = cProfile.Profile()
    with QueryTally() as tally:
        for picking_id in deliveries:
            our_return(registry, ctx, picking_id, profile=profile)
    n = len(deliveries)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"customer_quality|stock|models\.py|fields\.py", 45
    )
    stats.sort_stats("tottime").print_stats(25)
    log(
        f"\ncProfile of {n} of our returns (create + authorise + receive), by cumulative, then own time:"
    )
    log(out.getvalue())
    log(f"SQL statements run by {n} of our returns, the most frequent (per return):")
    for text, count in tally.counter.most_common(25):
        log(f"  {count / n:7.1f}  {text}")


# ----------------------------------------------------------------------
# (2) Warranty claim statistics over 100 000 claims
# ----------------------------------------------------------------------
def fill_claims(registry, ctx, n_claims, n_costs):
    """Claims and cost lines inserted by SQL (INSERT ... SELECT generate_series),
    with skewed customers and products (a few big customers and runners), three
    years of claim dates, cost lines summed on their claims, a fifth of the claims
    with a supplier recovery; then ANALYZE."""
    customers = ctx["customers"]
    products = ctx["products"][:PRODUCTS]
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM cq_warranty_claim")
        before = cr.fetchone()[0]
        if before >= n_claims:
            log(f"  {before} claims already there")
            return
        start = time.perf_counter()
        vendor = ctx["vendor"]
        cr.execute(
            """
            INSERT INTO cq_warranty_claim (
                name, active, color, company_id, state, partner_id, user_id, claim_date,
                product_id, product_tmpl_id, quantity, cause, responsibility,
                delivery_date, warranty_months, warranty_source, warranty_start, warranty_end,
                warranty_state, warranty_explanation, outcome, cost_total,
                recovery_vendor_id, recovery_amount_claimed, recovery_amount_recovered,
                recovery_state, recovery_rate,
                create_uid, write_uid, create_date, write_date)
            SELECT 'WCB/' || lpad(g::text, 6, '0'), true, 0, %(company)s,
                   (ARRAY['draft','open','decided','closed','closed','closed','closed','cancelled'])[1 + (g * 7) %% 8],
                   (%(customers)s::int[])[1 + floor(%(nc)s * power(random(), 2.5))::int],
                   %(user)s,
                   current_date - floor(random() * 1095)::int,
                   p.id, p.product_tmpl_id,
                   1 + floor(power(random(), 3) * 60),
                   (ARRAY['our_product','our_product','our_product','supplier','supplier','carrier',
                          'customer_misuse','no_fault'])[1 + floor(random() * 8)::int],
                   (ARRAY['ours','ours','supplier','customer','carrier','undetermined'])[1 + floor(random() * 6)::int],
                   NULL, 24, 'product', NULL, NULL,
                   (ARRAY['in_warranty','in_warranty','in_warranty','out_of_warranty','unknown'])[1 + floor(random() * 5)::int],
                   NULL,
                   (ARRAY['free_repair','free_replacement','free_refund','paid_service','joint_investigation'])[1 + floor(random() * 5)::int],
                   0, NULL, 0, 0, 'none', 0,
                   1, 1, now(), now()
              FROM (SELECT g, (%(products)s::int[])[1 + floor(%(np)s * power(random(), 2))::int] AS pid
                      FROM generate_series(%(first)s, %(last)s) g) s
              JOIN product_product p ON p.id = s.pid
            """,
            {
                "company": ctx["company"],
                "customers": customers,
                "nc": len(customers),
                "products": products,
                "np": len(products),
                "user": ctx["quality_manager"],
                "first": before + 1,
                "last": n_claims,
            },
        )
        cr.execute(
            "UPDATE cq_warranty_claim SET delivery_date = claim_date - 200, warranty_start = claim_date - 200, "
            "warranty_end = claim_date + 530 WHERE delivery_date IS NULL"
        )
        cr.execute("SELECT min(id), max(id) FROM cq_warranty_claim")
        first_id, last_id = cr.fetchone()
        cr.execute(
            """
            INSERT INTO cq_warranty_claim_cost (
                claim_id, cost_type, description, date, amount, company_id, partner_id,
                product_id, claim_date, cause, create_uid, write_uid, create_date, write_date)
            SELECT c.id, s.cost_type, NULL, c.claim_date + floor(random() * 30)::int, s.amount,
                   c.company_id, c.partner_id, c.product_id, c.claim_date, c.cause, 1, 1, now(), now()
              FROM (SELECT %(first)s + floor(random() * (%(last)s - %(first)s + 1))::int AS claim_id,
                           (ARRAY['replacement','replacement','repair_labour','freight','premium_freight',
                                  'sorting','compensation','penalty','analysis'])[1 + floor(random() * 9)::int] AS cost_type,
                           round((20 + power(random(), 3) * 5000)::numeric, 2) AS amount
                      FROM generate_series(1, %(n)s)) s
              JOIN cq_warranty_claim c ON c.id = s.claim_id
            """,
            {"first": first_id, "last": last_id, "n": n_costs},
        )
        cr.execute(
            """
            UPDATE cq_warranty_claim c SET cost_total = s.total
              FROM (SELECT claim_id, sum(amount) AS total FROM cq_warranty_claim_cost GROUP BY claim_id) s
             WHERE s.claim_id = c.id
            """
        )
        # a fifth goes back to the supplier: claimed 60 % of the cost, recovered 0-100 % of that
        cr.execute(
            """
            UPDATE cq_warranty_claim
               SET recovery_vendor_id = %s,
                   recovery_amount_claimed = round(cost_total * 0.6, 2),
                   recovery_amount_recovered = round(cost_total * 0.6 * (id %% 5) / 4.0, 2)
             WHERE id %% 5 = 0 AND cost_total > 0
            """,
            [vendor],
        )
        cr.execute(
            """
            UPDATE cq_warranty_claim
               SET recovery_state = CASE WHEN recovery_amount_recovered >= recovery_amount_claimed THEN 'recovered'
                                         WHEN recovery_amount_recovered > 0 THEN 'partial' ELSE 'claimed' END,
                   recovery_rate = round(recovery_amount_recovered * 100.0 / cost_total, 1)
             WHERE recovery_vendor_id IS NOT NULL
            """
        )
        cr.execute("ANALYZE cq_warranty_claim")
        cr.execute("ANALYZE cq_warranty_claim_cost")
        cr.execute(
            "SELECT count(*), count(DISTINCT partner_id), count(DISTINCT product_id), min(claim_date), max(claim_date), "
            "sum(cost_total), count(*) FILTER (WHERE recovery_vendor_id IS NOT NULL) FROM cq_warranty_claim"
        )
        claims, partners, prods, dmin, dmax, cost, recovering = cr.fetchone()
        cr.execute("SELECT count(*) FROM cq_warranty_claim_cost")
        costs = cr.fetchone()[0]
    log(
        f"  {claims} claims ({partners} customers, {prods} products, {dmin} to {dmax}, {recovering} with a supplier "
        f"recovery), {costs} cost lines, costs {cost:,.0f}; inserted and analysed in {time.perf_counter() - start:.1f} s"
    )


MEASURES = [
    "__count",
    "quantity:sum",
    "cost_total:sum",
    "recovery_amount_recovered:sum",
    "recovery_rate:avg",
]
GROUPINGS = [
    ("customer", ["partner_id"]),
    ("product", ["product_id"]),
    ("month", ["claim_date:month"]),
    ("cause", ["cause"]),
    ("customer x month", ["partner_id", "claim_date:month"]),
    # coarser periods, for comparison: the cost follows the number of groups
    ("customer x quarter", ["partner_id", "claim_date:quarter"]),
    ("customer x year", ["partner_id", "claim_date:year"]),
]
# the statistics pivot as it opens: rows customer > product, columns month; the
# client asks every combination of the row and column prefixes
PIVOT_OPENING = [
    [],
    ["partner_id"],
    ["partner_id", "product_id"],
    ["claim_date:month"],
    ["partner_id", "claim_date:month"],
    ["partner_id", "product_id", "claim_date:month"],
]
# the same pivot with the customer rows only (the product expanded on demand)
PIVOT_CUSTOMER_ROWS = [
    [],
    ["partner_id"],
    ["claim_date:month"],
    ["partner_id", "claim_date:month"],
]


def _timed(registry, uid, func, reps):
    """Median of ``reps`` warm runs (one more, not counted, warms the caches), each
    in a fresh transaction as ``uid``: (seconds, queries, groups)."""
    from odoo import api

    times, queries, groups = [], 0, 0
    for i in range(reps + 1):
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, {"lang": "en_US", "tz": "Asia/Shanghai"})
            start = time.perf_counter()
            result = func(env)
            elapsed = time.perf_counter() - start
            if i:
                times.append(elapsed)
                queries = cr.sql_log_count
                groups = len(result)
            cr.rollback()
    return statistics.median(times), queries, groups


def this_month_domain():
    """The statistics menu opens on the current month (its default date filter)."""
    from datetime import date

    from dateutil.relativedelta import relativedelta

    first = date.today().replace(day=1)
    last = first + relativedelta(months=1, days=-1)
    return [("claim_date", ">=", str(first)), ("claim_date", "<=", str(last))]


def bench_claims(registry, ctx, n_claims, n_costs, reps):
    log(f"\nInserting {n_claims} warranty claims and {n_costs} cost lines by SQL")
    fill_claims(registry, ctx, n_claims, n_costs)
    Claim = "cq.warranty.claim"
    apis = {
        "_read_group": lambda env, d, g: env[Claim]._read_group(d, g, MEASURES),
        "read_group lazy=False": lambda env, d, g: env[Claim].read_group(
            d, MEASURES, g, lazy=False
        ),
        "web_read_group": lambda env, d, g: env[Claim].web_read_group(
            d, MEASURES, g, lazy=False
        )["groups"],
    }
    month = this_month_domain()
    rows = []

    def measure(who, name, api_name, func, groupby=None, single=True):
        uid = ctx["quality_manager"] if who == "quality manager" else ctx["sales"]
        seconds, queries, groups = _timed(registry, uid, func, reps)
        rows.append(
            {
                "who": who,
                "name": name,
                "api": api_name,
                "seconds": seconds,
                "queries": queries,
                "groups": groups,
                "groupby": groupby,
                "single": single,
                "func": func,
                "uid": uid,
            }
        )

    for who in ("quality manager", "sales user"):
        # the record rules are what changes for the sales user: one API is enough
        names = list(apis) if who == "quality manager" else ["read_group lazy=False"]
        for name, groupby in GROUPINGS:
            for api_name in names:
                measure(
                    who,
                    name,
                    api_name,
                    lambda env, f=apis[api_name], g=groupby: f(env, [], g),
                    groupby,
                )
        # the statistics pivot as the menu opens it (this month), then over 3
        # years, then over 3 years with the customer rows only
        pivots = [
            ("pivot opening, this month", month, PIVOT_OPENING),
            ("pivot opening, 3 years", [], PIVOT_OPENING),
            ("pivot customer rows, 3 y", [], PIVOT_CUSTOMER_ROWS),
        ]
        for label, domain, calls in pivots:
            measure(
                who,
                label,
                f"read_group x {len(calls)}",
                lambda env, d=domain, c=calls: [
                    g
                    for gb in c
                    for g in env[Claim].read_group(d, MEASURES, gb, lazy=False)
                ],
                single=False,
            )
    # the cost lines' pivot (customer x cost type)
    measure(
        "quality manager",
        "costs: customer x type",
        "read_group lazy=False",
        lambda env: env["cq.warranty.claim.cost"].read_group(
            [], ["__count", "amount:sum"], ["partner_id", "cost_type"], lazy=False
        ),
    )

    log()
    log(
        f"Claim statistics over {n_claims} claims ({n_costs} cost lines), no filter "
        "(3 years) unless said; measures"
    )
    log(
        f"{', '.join(MEASURES)}; median of {reps} warm runs, each in its own "
        "transaction"
    )
    head = (
        f"{'user':<16} | {'grouped by':<25} | {'API':<22} | {'groups':>6} | "
        f"{'queries':>7} | {'seconds':>7}"
    )
    log(head)
    log("-" * len(head))
    for r in rows:
        flag = (
            f"  >= {TARGET_STATS_SECONDS} s target"
            if r["single"] and r["seconds"] >= TARGET_STATS_SECONDS
            else ""
        )
        log(
            f"{r['who']:<16} | {r['name']:<25} | {r['api']:<22} | {r['groups']:>6} | "
            f"{r['queries']:>7} | {r['seconds']:7.3f}{flag}"
        )
    log(
        f"(pivot opening = the {len(PIVOT_OPENING)} read_group calls of the pivot "
        "with rows customer > product and columns month, as it opens; customer "
        "rows: the same pivot without the product level; no target of their own)"
    )
    singles = [r for r in rows if r["groupby"]]
    explain_slowest(registry, ctx, max(singles, key=lambda r: r["seconds"]))
    slowest_api = max(
        (r for r in singles if r["api"] != "_read_group"), key=lambda r: r["seconds"]
    )
    if slowest_api["seconds"] >= TARGET_STATS_SECONDS:
        profile_stat(registry, slowest_api)
    return rows


def profile_stat(registry, row):
    """Where the time of a statistics call goes (the SQL is one query)."""
    from odoo import api

    profile = cProfile.Profile()
    with registry.cursor() as cr:
        env = api.Environment(cr, row["uid"], {"lang": "en_US", "tz": "Asia/Shanghai"})
        row["func"](env)  # warm
        profile.enable()
        row["func"](env)
        profile.disable()
        cr.rollback()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(12)
    stats.sort_stats("tottime").print_stats(8)
    log(
        f"\ncProfile of {row['who']}, grouped by {row['name']} ({row['api']}, "
        f"{row['groups']} groups), by own time:"
    )
    log(out.getvalue())


def explain_slowest(registry, ctx, row):
    """EXPLAIN ANALYZE of the GROUP BY query the ORM ran for the slowest row."""
    from odoo import api
    from odoo.sql_db import Cursor

    who, name, api_name, groupby, uid = (
        row["who"],
        row["name"],
        row["api"],
        row["groupby"],
        row["uid"],
    )
    captured = []
    orig = Cursor.execute

    def execute(cursor, query, params=None, log_exceptions=True):
        text = query.code if hasattr(query, "code") else query
        if "GROUP BY" in text and '"cq_warranty_claim"' in text:
            captured.append(
                (text, query.params if hasattr(query, "params") else params)
            )
        return orig(cursor, query, params, log_exceptions)

    Cursor.execute = execute
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, {"lang": "en_US", "tz": "Asia/Shanghai"})
            env["cq.warranty.claim"]._read_group([], groupby, MEASURES)
            cr.rollback()
    finally:
        Cursor.execute = orig
    if not captured:
        log("(no GROUP BY query captured)")
        return
    sql, params = captured[-1]
    with registry.cursor() as cr:
        cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(f"    {line}" for (line,) in cr.fetchall())
        cr.rollback()
    log(
        f"\nSlowest: {who}, grouped by {name} ({api_name}). Its SQL as the ORM runs it:"
    )
    log("    " + re.sub(r"\s+", " ", sql))
    log(f"    params: {params}")
    log("EXPLAIN (ANALYZE, BUFFERS):")
    log(plan)


# ----------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", help="scratch database name (default cq_bench_returns_<pid>)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use an existing database: no install, no drop",
    )
    parser.add_argument(
        "--keep", action="store_true", help="do not drop the database at the end"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller run: 3 returns each, 20 000 claims",
    )
    parser.add_argument(
        "--reps", type=int, help="returns of each kind (default 10, --quick 3)"
    )
    parser.add_argument(
        "--claims", type=int, help="warranty claims (default 100000, --quick 20000)"
    )
    parser.add_argument(
        "--costs", type=int, help="claim cost lines (default twice the claims)"
    )
    parser.add_argument(
        "--stat-reps",
        type=int,
        default=5,
        help="timed runs per statistics query (default 5)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=2,
        metavar="N",
        help="cProfile N more of our returns when the ratio is above target (default 2; 0: never)",
    )
    parser.add_argument(
        "--always-profile",
        action="store_true",
        help="profile even when the ratio is on target",
    )
    parser.add_argument("--skip-returns", action="store_true")
    parser.add_argument("--skip-claims", action="store_true")
    args = parser.parse_args()
    reps = args.reps or (3 if args.quick else 10)
    n_claims = args.claims or (20_000 if args.quick else 100_000)
    n_costs = args.costs or 2 * n_claims

    db = args.db or f"cq_bench_returns_{os.getpid()}"
    started = time.perf_counter()
    log(
        f"customer_quality returns and claims benchmark, {datetime.now():%Y-%m-%d %H:%M} local, {os.cpu_count()} CPUs, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if not args.reuse:
        install(db, f"/tmp/{db}_install.log", MODULES)
    try:
        registry = start_odoo(db)
        check_no_demo(registry)
        ctx = setup(registry)
        if not args.skip_returns:
            runs, spare = bench_returns(registry, ctx, reps, args.profile)
            ratio = print_returns_table(runs)
            if spare and (ratio > TARGET_RATIO or args.always_profile):
                profile_returns(registry, ctx, spare)
        if not args.skip_claims:
            bench_claims(registry, ctx, n_claims, n_costs, args.stat_reps)
    finally:
        if not args.reuse and not args.keep:
            drop(db)
    log(
        f"\nTotal bench time {time.perf_counter() - started:.0f} s; load average now "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
