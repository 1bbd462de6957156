#!/usr/bin/env python3
# ruff: noqa: E501  (report lines and SQL read better unwrapped)
"""Load of customer_quality: Odoo in prefork mode, many JSON-RPC clients at once.

Run from the repository root::

    python3 bench/bench_load.py                       # 2 000 tickets, 20 clients, 4 workers
    python3 bench/bench_load.py --tickets 200 --clients 6 --workers 2

It installs customer_quality and cq_bench_baseline (no demo data) in a scratch
database of its own, prepares users, customers, done deliveries and tickets whose
deadlines fall while the load runs, starts ``python3 -m odoo --workers=N
--max-cron-threads=2`` on a free loopback port, and drives concurrent JSON-RPC
clients (threads, bounded in count and time) that create tickets from the
deliveries, create and authorise returns of the same deliveries and post replies
while the escalation cron runs. Then it checks the invariants (unique ticket
numbers, no server error, no return above what was delivered, each missed
deadline escalated once, a clean server log), runs the same number of bare
mail.thread creates (cq.bench.baseline) with the same clients, prints the table
and drops the database. tests/test_load_prefork.py runs a short version of the
same functions. See bench/README.md.
"""

import argparse
import contextlib
import json
import os
import queue
import random
import re
import socket
import socketserver
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from bench_tickets import (  # noqa: E402  (the helpers of the ticket benchmark)
    addons_path,
    baseline_values,
    log,
    start_odoo,
    ticket_values,
)

MODULES = "customer_quality,cq_bench_baseline"
PRODUCTS = 6  # storable products, 3 on each delivery
CONTEXT = {"lang": "en_US", "tz": "Asia/Shanghai"}
# the one refusal a client may get: a return above what is left of a delivery
EXPECTED_REFUSALS = {
    "return authorise": (
        "odoo.exceptions.ValidationError",
        re.compile(r"can still be returned"),
    ),
}
RECORD_RE = re.compile(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ )")
LOG_ERROR_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
MAIL_QUEUE_RACE_RE = re.compile(
    r"mail_mail: Failed processing mail queue.*MissingError: .*\n\(Record: mail\.mail\(",
    re.S,
)
CONCURRENCY_RE = re.compile(
    r"could not serialize access[^\n]*|deadlock detected|could not obtain lock[^\n]*"
)
RETRY_RE = re.compile(r"INFO \S+ odoo\.service\.model: (\w+), (\d+) tries left")
CRON_RETRY_RE = re.compile(r"cq_deadline_mixin: \S+ batch: \w+, retried")
MAX_RETRY_RE = re.compile(r"odoo\.service\.model: (\w+), maximum number of tries")


# ----------------------------------------------------------------------
# Preparation, by the ORM in a child process (the harness itself stays
# free of Odoo: the system test imports it inside pytest-odoo's process)
# ----------------------------------------------------------------------
def prepare(registry, n_clients, n_deliveries, n_due, seed=5):
    """Users, customers, stock, done deliveries and the tickets whose deadlines
    the escalation cron meets during the load; returns what the clients need."""
    from bench_returns import make_deliveries
    from bench_tickets import setup

    from odoo import Command, api

    ctx = setup(registry)  # calendar, officer, team manager, managers, 20 customers
    rng = random.Random(seed)
    with registry.cursor() as cr:
        env = api.Environment(cr, 1, {"tracking_disable": True})
        ref = env.ref
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", ctx["company"])], limit=1
        )
        base = ["base.group_user", "stock.group_stock_user"]
        roles = {
            "officer": [*base, "customer_quality.group_cq_officer"],
            "sales": [
                *base,
                "sales_team.group_sale_salesman",
                "customer_quality.group_cq_user",
            ],
        }
        users = []
        for k in range(n_clients):
            role = "officer" if k % 2 == 0 else "sales"
            login = f"load_{role}_{k:02d}"
            user = env["res.users"].create(
                {
                    "login": login,
                    "password": login,
                    "name": f"Load {role.title()} {k:02d}",
                    "email": f"{login}@bench.example.com",
                    "tz": "Asia/Shanghai",
                    "groups_id": [Command.set([ref(g).id for g in roles[role]])],
                }
            )
            users.append(
                {"login": login, "password": login, "uid": user.id, "role": role}
            )
        sales = [u["uid"] for u in users if u["role"] == "sales"] or [users[0]["uid"]]
        customers = env["res.partner"].browse(ctx["customers"])
        for i, customer in enumerate(customers):
            customer.user_id = sales[i % len(sales)]  # the sales users' own customers
        team = env["cq.team"].browse(ctx["team"])
        team.member_ids = [
            Command.link(u["uid"]) for u in users if u["role"] == "officer"
        ]
        products = env["product.product"].create(
            [
                {
                    "name": f"Load part {i}",
                    "default_code": f"LP-{i}",
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 50 + i,
                    "invoice_policy": "delivery",
                }
                for i in range(PRODUCTS)
            ]
        )
        for product in products:
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 1_000_000
            )
        # this year's number ranges exist before the clients number at once
        for code in ("cq.ticket", "cq.return"):
            env["ir.sequence"].next_by_code(code)
        labels = dict(
            env["cq.ticket.deadline"]._fields["kind"]._description_selection(env)
        )
        cron = ref("customer_quality.ir_cron_cq_escalation")
        subtype = ref("customer_quality.mt_cq_ticket_escalated")
        activity_type = ref("customer_quality.mail_activity_type_cq_escalation")
        ids = {
            "cron": cron.id,
            "subtype": subtype.id,
            "activity_type": activity_type.id,
        }
    deliveries = []
    for d in range(n_deliveries):
        k = d % len(ctx["customers"])
        three = [products[(d + j) % PRODUCTS].id for j in range(3)]
        [picking_id] = make_deliveries(
            registry, {"customers": [ctx["customers"][k]], "products": three}, 1, rng
        )
        with registry.cursor() as cr:
            picking = api.Environment(cr, 1, {})["stock.picking"].browse(picking_id)
            deliveries.append(
                {
                    "picking_id": picking_id,
                    "partner_id": ctx["customers"][k],
                    "contact_id": ctx["contacts"][k],
                    "sale_order_id": picking.sale_id.id,
                    "moves": [
                        {
                            "move_id": m.id,
                            "product_id": m.product_id.id,
                            "qty": m.quantity,
                        }
                        for m in picking.move_ids
                    ],
                }
            )
    with registry.cursor() as cr:
        env = api.Environment(cr, ctx["officer"], {"tracking_disable": True, **CONTEXT})
        due = env["cq.ticket"].create(
            [ticket_values(ctx, 100_000 + i, rng) for i in range(n_due)]
        )
        due_tickets = [{"id": t.id, "partner_id": t.partner_id.id} for t in due]
    return {
        **ctx,
        "users": users,
        "salesperson": {
            str(c): sales[i % len(sales)] for i, c in enumerate(ctx["customers"])
        },
        "deliveries": deliveries,
        "due_tickets": due_tickets,
        "kind_labels": labels,
        **ids,
    }


def prepare_in_child(db, n_clients, n_deliveries, n_due, data_dir=None):
    """Run prepare() in a fresh Python process (``--prepare-child``); its context."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--db",
        db,
        "--prepare-child",
        f"--clients={n_clients}",
        f"--deliveries={n_deliveries}",
        f"--due={n_due}",
    ]
    if data_dir:
        cmd.append(f"--data-dir={data_dir}")
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [x for x in result.stdout.splitlines() if x.startswith("PREPARED ")]
    if result.returncode or not lines:
        raise RuntimeError(
            f"preparing {db} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
        )
    ctx = json.loads(lines[-1][len("PREPARED ") :])
    ctx["kind_labels"] = dict(ctx["kind_labels"])
    return ctx


# ----------------------------------------------------------------------
# The server: Odoo in prefork mode, loopback only
# ----------------------------------------------------------------------
def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink(socketserver.ThreadingTCPServer):
    """An SMTP server on a loopback port that takes every mail and keeps none
    (it counts them): the mails of the load are sent, nothing leaves."""

    daemon_threads = allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.received = 0
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _SmtpSession(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 sink\r\n")
        in_data = False
        for line in self.rfile:
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    in_data, self.server.received = False, self.server.received + 1
                    self.wfile.write(b"250 kept nowhere\r\n")
                continue
            verb = line[:4].upper()
            in_data = verb == b"DATA"
            self.wfile.write(
                {b"DATA": b"354 go on\r\n", b"QUIT": b"221 bye\r\n"}.get(
                    verb, b"250 ok\r\n"
                )
            )
            if verb == b"QUIT":
                return


@contextlib.contextmanager
def prefork_server(db, logfile, workers=4, cron_threads=2, data_dir=None, timeout=180):
    """``python3 -m odoo --workers=N --max-cron-threads=C`` on free loopback ports;
    yields its URL once /web/health answers. Outgoing mail goes to an SmtpSink."""
    port = _free_port()
    sink = SmtpSink()
    cmd = [
        sys.executable,
        "-m",
        "odoo",
        f"--database={db}",
        f"--db-filter=^{db}$",
        f"--addons-path={addons_path()}",
        f"--workers={workers}",
        f"--max-cron-threads={cron_threads}",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={_free_port()}",
        "--limit-time-real=600",
        "--limit-time-cpu=300",
        "--smtp=127.0.0.1",
        f"--smtp-port={sink.server_address[1]}",
        "--log-level=info",
        "--log-handler=werkzeug:WARNING",
        f"--logfile={logfile}",
    ]
    if data_dir:
        cmd.append(f"--data-dir={data_dir}")
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        limit = time.monotonic() + timeout
        while not _answers(f"{url}/web/health"):
            if proc.poll() is not None or time.monotonic() > limit:
                raise RuntimeError(
                    f"odoo did not start (exit {proc.poll()}); see {logfile}"
                )
            time.sleep(0.5)
        yield url
    finally:
        sink.shutdown()
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(30)


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status == 200
    except (OSError, ValueError):
        return False


# ----------------------------------------------------------------------
# Clients
# ----------------------------------------------------------------------
class Client:
    """One user's JSON-RPC session (``/jsonrpc``, object.execute_kw); every call
    is timed and recorded as (operation, seconds, error kind, message)."""

    def __init__(self, url, db, user, records, timeout=300):
        self.url, self.db, self.user = f"{url}/jsonrpc", db, user
        self.records, self.timeout, self._id = records, timeout, 0

    def call(self, op, model, method, args, kwargs=None):
        self._id += 1
        params = [self.db, self.user["uid"], self.user["password"], model, method, args]
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": self._id,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [*params, kwargs or {}],
            },
        }
        request = urllib.request.Request(
            self.url, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        kind = message = result = None
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                answer = json.load(resp)
        except urllib.error.HTTPError as exc:
            kind, message = f"HTTP {exc.code}", str(exc)
        except (OSError, ValueError) as exc:  # refused, reset, timed out, not JSON
            kind, message = f"transport {type(exc).__name__}", str(exc)
        else:
            error = answer.get("error")
            if error:
                data = error.get("data") or {}
                kind = data.get("name") or f"JSON-RPC {error.get('code')}"
                message = data.get("message") or error.get("message")
            else:
                result = answer.get("result")
        self.records.append((op, time.perf_counter() - start, kind, message))
        return result if kind is None else None


def build_tasks(ctx, n_tickets, n_returns, n_replies, seed=11, burst=8):
    """The mixed load, in the order the clients take it: tickets and replies
    interleaved, returns in bursts of ``burst`` on one delivery (so that several
    clients authorise against the same delivered moves at once). Returns ask for
    a part of a move each, so that a delivery runs out: later ones are refused."""
    rng = random.Random(seed)
    deliveries = ctx["deliveries"]
    others = [("ticket", i) for i in range(n_tickets)] + [
        ("reply", i) for i in range(n_replies)
    ]
    rng.shuffle(others)
    returns = []
    while len(returns) < n_returns:
        d = rng.randrange(len(deliveries))
        for _j in range(min(burst, n_returns - len(returns))):
            m = rng.randrange(len(deliveries[d]["moves"]))
            qty = deliveries[d]["moves"][m]["qty"]
            returns.append(("return", d, m, rng.randint(1, max(1, int(qty) // 2))))
    bursts = [returns[i : i + burst] for i in range(0, len(returns), burst)]
    tasks, step = [], max(1, len(others) // (len(bursts) + 1))
    for k, chunk in enumerate(bursts):
        tasks += others[k * step : (k + 1) * step] + chunk
    return tasks + others[len(bursts) * step :]


class Load:
    """What the clients share during a phase: the tickets created so far (the
    replies' targets) and the returns asked."""

    def __init__(self, ctx, seed=3):
        self.ctx, self.lock = ctx, threading.Lock()
        self.created = []  # (ticket id, creator uid)
        self.asked = []  # (move id, quantity, authorised?)
        self.rng = random.Random(seed)

    def ticket_vals(self, i):
        rng = random.Random(i)
        delivery = self.ctx["deliveries"][i % len(self.ctx["deliveries"])]
        move = rng.choice(delivery["moves"])
        vals = ticket_values(self.ctx, i, rng)
        vals.update(
            {
                "partner_id": delivery["partner_id"],
                "contact_id": delivery["contact_id"],
                "sale_order_id": delivery["sale_order_id"],
                "picking_id": delivery["picking_id"],
                "product_id": move["product_id"],
                "defective_qty": rng.randint(1, int(move["qty"])),
                "feedback_type": "complaint",
            }
        )
        return vals

    def reply_target(self, user):
        """A ticket this user may answer: any for an officer, their customers'
        and their own for a sales user."""
        ctx, uid = self.ctx, user["uid"]
        with self.lock:
            mine = [
                t
                for t, creator in self.created
                if user["role"] == "officer" or creator == uid
            ]
            due = [
                t["id"]
                for t in ctx["due_tickets"]
                if user["role"] == "officer"
                or ctx["salesperson"][str(t["partner_id"])] == uid
            ]
            pool = due + mine
            return self.rng.choice(pool) if pool else None

    def run(self, client, task):
        op = task[0]
        if op == "ticket":
            ticket_id = client.call(
                "ticket create",
                "cq.ticket",
                "create",
                [self.ticket_vals(task[1])],
                {"context": CONTEXT},
            )
            if ticket_id:
                with self.lock:
                    self.created.append((ticket_id, client.user["uid"]))
        elif op == "return":
            self._return(client, *task[1:])
        elif op == "reply":
            ticket_id = self.reply_target(client.user)
            if ticket_id:
                client.call(
                    "reply",
                    "cq.ticket",
                    "message_post",
                    [[ticket_id]],
                    {
                        "body": f"<p>We received your complaint and are looking into it ({task[1]}).</p>",
                        "message_type": "comment",
                        "subtype_xmlid": "mail.mt_comment",
                        # a reply is the first reply to the customer, if none was given
                        "context": {**CONTEXT, "cq_mark_acknowledged": True},
                    },
                )
        elif op == "baseline":
            rng = random.Random(task[1])
            client.call(
                "baseline create",
                "cq.bench.baseline",
                "create",
                [baseline_values(self.ctx, task[1], rng)],
                {"context": CONTEXT},
            )

    def _return(self, client, d, m, qty):
        delivery = self.ctx["deliveries"][d]
        move = delivery["moves"][m]
        line = {
            "picking_id": delivery["picking_id"],
            "product_id": move["product_id"],
            "move_id": move["move_id"],
            "quantity": qty,
            "reason": "Squeals after 200 km",
            "condition": "defective",
        }
        vals = {
            "partner_id": delivery["partner_id"],
            "picking_id": delivery["picking_id"],
            "sale_order_id": delivery["sale_order_id"],
            "cause": "quality",
            "line_ids": [[0, 0, line]],
        }
        return_id = client.call(
            "return create", "cq.return", "create", [vals], {"context": CONTEXT}
        )
        if return_id:
            ok = client.call(
                "return authorise",
                "cq.return",
                "action_authorise",
                [[return_id]],
                {"context": CONTEXT},
            )
            with self.lock:
                self.asked.append((move["move_id"], qty, bool(ok)))


def run_phase(url, db, load, tasks, n_clients, max_seconds, tick=None):
    """``n_clients`` threads take ``tasks`` in order until none is left or
    ``max_seconds`` have passed; ``tick()`` runs every second meanwhile.
    Returns (records, wall seconds, tasks not run)."""
    todo = queue.SimpleQueue()
    for task in tasks:
        todo.put(task)
    records = []
    users = load.ctx["users"]
    stop_at = time.monotonic() + max_seconds

    def client_loop(k):
        client = Client(url, db, users[k % len(users)], records)
        while time.monotonic() < stop_at:
            try:
                task = todo.get_nowait()
            except queue.Empty:
                return
            load.run(client, task)

    threads = [
        threading.Thread(target=client_loop, args=(k,), daemon=True)
        for k in range(n_clients)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        if tick:
            tick()
        for t in threads:
            t.join(1.0 / len(threads))
    left = 0
    while not todo.empty():
        todo.get_nowait()
        left += 1
    return records, time.perf_counter() - start, left


# ----------------------------------------------------------------------
# The escalation cron during the load
# ----------------------------------------------------------------------
def connect(db):
    import psycopg2

    cnx = psycopg2.connect(dbname=db)
    cnx.autocommit = True
    return cnx


def sql(db, query, params=()):
    with contextlib.closing(connect(db)) as cnx, cnx.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchall() if cr.description else None


def arm_deadlines(db, ctx, spread):
    """The prepared tickets: a third with every open deadline missed an hour
    ago, the others with their first reply and hand-off falling within the next
    ``spread`` seconds (one after the other), not yet seen by the cron; the
    escalation cron every minute from now. Returns the last moment one falls."""
    due = [t["id"] for t in ctx["due_tickets"]]
    missed, falling = due[: len(due) // 3], due[len(due) // 3 :]
    sql(
        db,
        """UPDATE cq_ticket_deadline SET date_deadline = (now() at time zone 'UTC') - interval '1 hour',
                  status = 'on_time', date_escalated = NULL
            WHERE ticket_id = ANY(%s) AND date_met IS NULL""",
        [missed],
    )
    for k, ticket_id in enumerate(falling):
        sql(
            db,
            """UPDATE cq_ticket_deadline SET date_deadline = (now() at time zone 'UTC') + %s * interval '1 second',
                      status = 'due_soon', date_escalated = NULL
                WHERE ticket_id = %s AND kind IN ('first_reply', 'handoff') AND date_met IS NULL""",
            [5 + spread * k / max(1, len(falling)), ticket_id],
        )
    sql(
        db,
        "UPDATE ir_cron SET active = true, interval_number = 1, interval_type = 'minutes', "
        "nextcall = now() at time zone 'UTC' WHERE id = %s",
        [ctx["cron"]],
    )
    [(last,)] = sql(
        db,
        "SELECT max(date_deadline) FROM cq_ticket_deadline WHERE ticket_id = ANY(%s) AND kind IN ('first_reply', 'handoff')",
        [falling or [0]],
    )
    return last


def trigger_cron(db, cron_id):
    """As ir.cron._trigger() does: a trigger row, and the cron workers woken up
    (they LISTEN on the postgres database). Returns the database's time."""
    [(now,)] = sql(
        db,
        "INSERT INTO ir_cron_trigger (cron_id, call_at) VALUES (%s, now() at time zone 'UTC') RETURNING call_at",
        [cron_id],
    )
    sql("postgres", "SELECT pg_notify('cron_trigger', %s)", [db])
    return now


def cron_ticker(db, cron_id, every):
    """A tick() for run_phase: trigger the escalation cron every ``every`` seconds."""
    state = {"next": 0.0}

    def tick():
        if time.monotonic() >= state["next"]:
            trigger_cron(db, cron_id)
            state["next"] = time.monotonic() + every

    return tick


def run_cron_once(db, cron_id, not_before=None, timeout=300):
    """Once ``not_before`` (a database time) has passed, trigger the cron and wait
    until a cron worker has finished it (its lastcall moves past the trigger)."""
    if not_before:
        [(wait,)] = sql(
            db,
            "SELECT extract(epoch FROM %s - (now() at time zone 'UTC'))",
            [not_before],
        )
        time.sleep(max(0.0, float(wait)) + 1)
    at = trigger_cron(db, cron_id)
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        [(lastcall,)] = sql(db, "SELECT lastcall FROM ir_cron WHERE id = %s", [cron_id])
        if lastcall and lastcall >= at:
            return at
        time.sleep(0.5)
    raise RuntimeError(f"the escalation cron did not run within {timeout} s")


# ----------------------------------------------------------------------
# Invariants
# ----------------------------------------------------------------------
def check_tickets(db, created_ids):
    """Every ticket has one number of its own; the tickets the clients were
    told about are those in the database (no lost, no phantom create)."""
    [(total, distinct, unnumbered)] = sql(
        db,
        "SELECT count(*), count(DISTINCT (name, company_id)), "
        "count(*) FILTER (WHERE name IS NULL OR name = '/' OR name !~ '^CQ/[0-9]{4}/[0-9]{5,}$') FROM cq_ticket",
    )
    duplicates = sql(
        db,
        "SELECT name, count(*) FROM cq_ticket GROUP BY name, company_id HAVING count(*) > 1",
    )
    found = {
        row[0]
        for row in sql(
            db, "SELECT id FROM cq_ticket WHERE id = ANY(%s)", [list(created_ids)]
        )
    }
    return {
        "tickets": total,
        "duplicate_numbers": len(duplicates),
        "duplicates_sample": [name for name, _n in duplicates[:5]],
        "unnumbered": unnumbered,
        "created_reported": len(created_ids),
        "created_missing": len(set(created_ids) - found),
        "ok": distinct == total
        and not unnumbered
        and not duplicates
        and found == set(created_ids),
    }


def check_returns(db, ctx, asked):
    """Per delivered move: what authorised returns hold, and what their receipts
    take back, never above what was delivered; every refusal asked more than
    was left even at the end (what is left only shrinks during the load)."""
    moves = [m["move_id"] for d in ctx["deliveries"] for m in d["moves"]]
    rows = sql(
        db,
        """
        SELECT m.id,
               (SELECT COALESCE(sum(ml.quantity), 0)::float FROM stock_move_line ml WHERE ml.move_id = m.id),
               (SELECT COALESCE(sum(l.quantity), 0)::float FROM cq_return_line l JOIN cq_return r ON r.id = l.return_id
                 WHERE l.move_id = m.id AND r.state NOT IN ('draft', 'cancelled')),
               (SELECT COALESCE(sum(rm.product_uom_qty), 0)::float FROM stock_move rm
                 WHERE rm.origin_returned_move_id = m.id AND rm.state != 'cancel')
          FROM stock_move m WHERE m.id = ANY(%s)
        """,
        [moves],
    )
    over = [r for r in rows if r[2] > r[1] + 1e-6 or r[3] > r[1] + 1e-6]
    left = {r[0]: r[1] - r[2] for r in rows}
    wrong_refusals = [(m, q) for m, q, ok in asked if not ok and q <= left[m] + 1e-6]
    return {
        "moves": len(rows),
        "delivered": sum(r[1] for r in rows),
        "authorised": sum(r[2] for r in rows),
        "in_receipts": sum(r[3] for r in rows),
        "authorisations": sum(1 for _m, _q, ok in asked if ok),
        "refusals": sum(1 for _m, _q, ok in asked if not ok),
        "moves_over": len(over),
        "wrong_refusals": len(wrong_refusals),
        "ok": not over and not wrong_refusals,
    }


def _steps(text):
    """The steps an escalation message or activity names ('...: a, b')."""
    text = re.sub(r"<[^>]+>", "", text or "")
    return [s.strip() for s in text.rsplit(": ", 1)[-1].split(", ") if s.strip()]


def check_escalations(db, ctx, checked_at):
    """Each deadline missed (due by ``checked_at``, the last cron run, not met,
    ticket still running) is escalated, and each escalated deadline is named by
    exactly one escalation message and one activity of its ticket."""
    labels = ctx["kind_labels"]
    deadlines = sql(
        db,
        """SELECT d.ticket_id, d.kind, d.date_deadline <= %s AND d.date_met IS NULL
                  AND t.state NOT IN ('closed', 'cancelled'), d.date_escalated IS NOT NULL
             FROM cq_ticket_deadline d JOIN cq_ticket t ON t.id = d.ticket_id
            WHERE d.round = COALESCE(t.reopen_count, 0)""",
        [checked_at],
    )
    messages, activities = Counter(), Counter()
    for res_id, body in sql(
        db,
        "SELECT res_id, body FROM mail_message WHERE model = 'cq.ticket' AND subtype_id = %s",
        [ctx["subtype"]],
    ):
        messages.update((res_id, step) for step in _steps(body))
    for res_id, summary in sql(
        db,
        "SELECT res_id, summary FROM mail_activity WHERE res_model = 'cq.ticket' AND activity_type_id = %s",
        [ctx["activity_type"]],
    ):
        activities.update((res_id, step) for step in _steps(summary))
    result = Counter()
    for ticket_id, kind, missed, escalated in deadlines:
        key = (ticket_id, labels[kind])
        result["escalated"] += escalated
        result["missed_not_escalated"] += missed and not escalated
        result["escalated_twice"] += messages[key] > 1 or activities[key] > 1
        result["escalated_without_message"] += escalated and (
            not messages[key] or not activities[key]
        )
        result["message_without_escalation"] += not escalated and bool(messages[key])
    result = dict(result, deadlines=len(deadlines), messages=sum(messages.values()))
    result["ok"] = not any(
        result.get(k)
        for k in (
            "missed_not_escalated",
            "escalated_twice",
            "escalated_without_message",
            "message_without_escalation",
        )
    )
    return result


def check_errors(records):
    """Error answers by kind; those that are not the expected refusal are failures."""
    kinds, failures = Counter(), Counter()
    samples = {}
    for op, _s, kind, message in records:
        if kind is None:
            continue
        kinds[op, kind] += 1
        expected = EXPECTED_REFUSALS.get(op)
        if not (expected and kind == expected[0] and expected[1].search(message or "")):
            failures[op, kind] += 1
            samples.setdefault((op, kind), (message or "")[:300])
    return {
        "by_kind": {f"{op}: {kind}": n for (op, kind), n in sorted(kinds.items())},
        "failures": {f"{op}: {kind}": n for (op, kind), n in sorted(failures.items())},
        "samples": {f"{op}: {kind}": m for (op, kind), m in samples.items()},
        "ok": not failures,
    }


def check_log(logfile):
    """The server log's ERROR / CRITICAL records (tracebacks are part of them).
    Counted apart: the statements Odoo logs at ERROR ("bad query") when they
    fail on a concurrent update (serialization, deadlock, lock), which it then
    retries (each retry logged at INFO); and Odoo's own mail queue failing on a
    mail that the request which queued it sent and deleted meanwhile (core, not
    this add-on: the queue cron and the request's send-after-commit race).
    Any other ERROR record is a failure."""
    text = Path(logfile).read_text(errors="replace") if Path(logfile).exists() else ""
    records = RECORD_RE.split(text)
    errors, concurrency, core = [], Counter(), Counter()
    for record in records:
        if not LOG_ERROR_RE.match(record):
            continue
        failure = CONCURRENCY_RE.search(record)
        if " odoo.sql_db: bad query" in record and failure:
            concurrency[failure.group(0)] += 1
        elif MAIL_QUEUE_RACE_RE.search(record):
            core["mail queue: a mail sent and deleted by its request meanwhile"] += 1
        else:
            errors.append(record.strip())
    return {
        "error_lines": len(errors),
        "tracebacks": sum(
            r.count("Traceback (most recent call last)") for r in records
        ),
        "first_errors": [e.splitlines()[0] for e in errors[:5]],
        "concurrency_failures": dict(concurrency),
        "core_races": dict(core),
        "retries": dict(Counter(m.group(1) for m in RETRY_RE.finditer(text))),
        "retries_exhausted": len(MAX_RETRY_RE.findall(text)),
        "cron_batches_retried": len(CRON_RETRY_RE.findall(text)),
        "ok": not errors,
    }


def cron_runs(db, ctx, since):
    [(runs, done)] = sql(
        db,
        "SELECT count(*), COALESCE(sum(done), 0) FROM ir_cron_progress WHERE cron_id = %s AND create_date >= %s",
        [ctx["cron"], since],
    )
    return {"runs": runs, "escalated": done}


# ----------------------------------------------------------------------
# The whole run, as the bench and the system test do it
# ----------------------------------------------------------------------
def run_all(
    db,
    ctx,
    logfile,
    n_tickets,
    n_clients,
    workers,
    max_seconds,
    data_dir=None,
    cron_every=5.0,
    spread=None,
    phases=("mixed", "tickets", "baseline"),
):
    """Start the server, run the phases, check the invariants; returns the report."""
    n_returns, n_replies = n_tickets // 4, n_tickets // 2
    spread = spread if spread is not None else max(10.0, n_tickets / 25)
    report = {
        "phases": {},
        "settings": dict(
            tickets=n_tickets,
            clients=n_clients,
            workers=workers,
            returns=n_returns,
            replies=n_replies,
        ),
    }
    load = Load(ctx)
    with prefork_server(db, logfile, workers=workers, data_dir=data_dir) as url:
        [(since,)] = sql(db, "SELECT now() at time zone 'UTC'")
        if "mixed" in phases:
            last_due = arm_deadlines(db, ctx, spread)
            tasks = build_tasks(ctx, n_tickets, n_returns, n_replies)
            log(
                f"  mixed load: {n_tickets} tickets, {n_returns} returns, {n_replies} replies, {n_clients} clients, escalation cron triggered every {cron_every:.0f} s"
            )
            records, seconds, left = run_phase(
                url,
                db,
                load,
                tasks,
                n_clients,
                max_seconds,
                cron_ticker(db, ctx["cron"], cron_every),
            )
            report["phases"]["mixed"] = {
                "records": records,
                "seconds": seconds,
                "left": left,
            }
            report["cron_during_load"] = cron_runs(db, ctx, since)
            checked_at = run_cron_once(db, ctx["cron"], not_before=last_due)
            report["cron_total"] = cron_runs(db, ctx, since)
            report["escalations"] = check_escalations(db, ctx, checked_at)
            report["returns"] = check_returns(db, ctx, load.asked)
        for phase, op in (("tickets", "ticket"), ("baseline", "baseline")):
            if phase not in phases:
                continue
            log(f"  {phase} alone: {n_tickets} creates, {n_clients} clients")
            first = 1_000_000 * (1 + len(report["phases"]))
            records, seconds, left = run_phase(
                url,
                db,
                load,
                [(op, first + i) for i in range(n_tickets)],
                n_clients,
                max_seconds,
            )
            report["phases"][phase] = {
                "records": records,
                "seconds": seconds,
                "left": left,
            }
    report["tickets"] = check_tickets(db, [t for t, _u in load.created])
    report["errors"] = check_errors(
        [r for p in report["phases"].values() for r in p["records"]]
    )
    report["log"] = check_log(logfile)
    report["ok"] = all(
        report[k]["ok"]
        for k in ("tickets", "errors", "log", "returns", "escalations")
        if k in report
    )
    report["ok"] = report["ok"] and not any(
        p["left"] for p in report["phases"].values()
    )
    return report


def percentile(values, p):
    values = sorted(values)
    return (
        values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]
        if values
        else 0.0
    )


def table(report):
    """One row per operation and phase: count, p50, p95, throughput, errors."""
    rows = []
    names = {
        "mixed": "mixed load",
        "tickets": "tickets alone",
        "baseline": "bare mail.thread",
    }
    for phase, data in report["phases"].items():
        by_op = defaultdict(list)
        for op, seconds, kind, _m in data["records"]:
            by_op[op].append((seconds, kind))
        for op, calls in by_op.items():
            times = [s for s, _k in calls]
            expected = EXPECTED_REFUSALS.get(op, ("", None))[0]
            rows.append(
                (
                    names[phase],
                    op,
                    len(calls),
                    percentile(times, 50) * 1000,
                    percentile(times, 95) * 1000,
                    len(calls) / data["seconds"],
                    sum(1 for _s, k in calls if k and k != expected),
                    sum(1 for _s, k in calls if k and k == expected),
                    statistics.mean(times) * 1000,
                )
            )
        calls = len(data["records"])
        rows.append(
            (
                names[phase],
                "all calls",
                calls,
                None,
                None,
                calls / data["seconds"],
                None,
                None,
                data["seconds"],
            )
        )
    head = f"{'phase':<16} | {'operation':<16} | {'count':>6} | {'p50 ms':>8} | {'p95 ms':>8} | {'per s':>6} | {'errors':>6} | {'refused':>7}"
    lines = [head, "-" * len(head)]
    for phase, op, n, p50, p95, rate, errors, refused, extra in rows:
        if p50 is None:
            lines.append(
                f"{phase:<16} | {op:<16} | {n:>6} | {'':>8} | {'':>8} | {rate:6.1f} | {'':>6} | {'':>7}   ({extra:.0f} s wall)"
            )
        else:
            lines.append(
                f"{phase:<16} | {op:<16} | {n:>6} | {p50:8.0f} | {p95:8.0f} | {rate:6.1f} | {errors:>6} | {refused:>7}"
            )
    return "\n".join(lines)


def summary(report):
    """The invariants, one line each, and the counts behind them."""
    lines = []
    t = report["tickets"]
    lines.append(
        f"ticket numbers: {'OK' if t['ok'] else 'FAILED'} - {t['tickets']} tickets, {t['duplicate_numbers']} duplicate numbers {t['duplicates_sample']}, {t['unnumbered']} without a number, {t['created_reported']} creates answered, {t['created_missing']} of them not in the database"
    )
    e = report["errors"]
    lines.append(
        f"server errors: {'OK' if e['ok'] else 'FAILED'} - error answers by kind {e['by_kind'] or 'none'}; unexpected {e['failures'] or 'none'}"
    )
    for key, message in e["samples"].items():
        lines.append(f"    e.g. {key}: {message}")
    if "returns" in report:
        r = report["returns"]
        lines.append(
            f"returns: {'OK' if r['ok'] else 'FAILED'} - {r['authorisations']} authorised, {r['refusals']} refused (over-return), on {r['moves']} delivered moves: {r['delivered']:.0f} delivered, {r['authorised']:.0f} authorised, {r['in_receipts']:.0f} in return receipts; {r['moves_over']} moves over, {r['wrong_refusals']} refusals of what was left"
        )
    if "escalations" in report:
        x = report["escalations"]
        c, ct = report["cron_during_load"], report["cron_total"]
        lines.append(
            f"escalations: {'OK' if x['ok'] else 'FAILED'} - {x.get('escalated', 0)} deadlines escalated ({x['messages']} steps named in escalation messages), {x.get('missed_not_escalated', 0)} missed not escalated, {x.get('escalated_twice', 0)} escalated twice, {x.get('escalated_without_message', 0)} without message/activity, {x.get('message_without_escalation', 0)} messages without escalation; cron ran {c['runs']} times during the load ({c['escalated']} escalated), {ct['runs']} with the final run"
        )
    g = report["log"]
    lines.append(
        f"server log: {'OK' if g['ok'] else 'FAILED'} - {g['error_lines']} ERROR/CRITICAL records, {g['tracebacks']} tracebacks; besides, statements failed on a concurrent update (logged 'bad query' by odoo.sql_db): {g['concurrency_failures'] or 'none'}; requests retried by Odoo: {g['retries'] or 'none'}, retries exhausted: {g['retries_exhausted']}; escalation cron batches retried: {g['cron_batches_retried']}; Odoo core races: {g['core_races'] or 'none'}"
    )
    for line in g["first_errors"]:
        lines.append(f"    {line[:300]}")
    left = {p: d["left"] for p, d in report["phases"].items() if d["left"]}
    if left:
        lines.append(f"time bound reached: tasks not run {left}")
    return "\n".join(lines)


# ----------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", help="scratch database name (default cq_bench_load_<pid>)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="do not drop the database at the end"
    )
    parser.add_argument(
        "--tickets",
        type=int,
        default=2000,
        help="tickets created (default 2000); returns: a quarter, replies: a half",
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=20,
        help="concurrent JSON-RPC clients (default 20)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=4,
        help="Odoo HTTP workers (default 4; 2 cron workers)",
    )
    parser.add_argument(
        "--deliveries",
        type=int,
        help="done deliveries (default tickets / 100, at least 2)",
    )
    parser.add_argument(
        "--due",
        type=int,
        help="tickets with deadlines falling during the load (default tickets / 10)",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=1200,
        help="time bound of each phase (default 1200)",
    )
    parser.add_argument(
        "--cron-every",
        type=float,
        default=5,
        help="seconds between cron triggers (default 5)",
    )
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--prepare-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n_deliveries = args.deliveries or max(2, args.tickets // 100)
    n_due = args.due or max(10, args.tickets // 10)
    db = args.db or f"cq_bench_load_{os.getpid()}"
    extra = [f"--data-dir={args.data_dir}"] if args.data_dir else []
    if args.prepare_child:
        ctx = prepare(start_odoo(db, *extra), args.clients, n_deliveries, n_due)
        print("PREPARED " + json.dumps(ctx), flush=True)
        return

    from bench_tickets import check_no_demo, drop, install

    started = time.perf_counter()
    log(
        f"customer_quality load benchmark, {datetime.now():%Y-%m-%d %H:%M} local, {os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    install(db, f"/tmp/{db}_install.log", MODULES)
    try:
        check_no_demo(start_odoo(db))
        log(
            f"Preparing {args.clients} users, {n_deliveries} done deliveries, {n_due} tickets with deadlines to fall"
        )
        ctx = prepare_in_child(db, args.clients, n_deliveries, n_due)
        logfile = f"/tmp/{db}_server.log"
        log(f"Odoo with --workers={args.workers} --max-cron-threads=2 (log: {logfile})")
        report = run_all(
            db,
            ctx,
            logfile,
            args.tickets,
            args.clients,
            args.workers,
            args.max_seconds,
            cron_every=args.cron_every,
        )
        log()
        log(table(report))
        log()
        log(summary(report))
    finally:
        if not args.keep:
            drop(db)
    log(
        f"\nTotal bench time {time.perf_counter() - started:.0f} s; load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    sys.exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    main()
