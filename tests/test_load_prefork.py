"""Many users at once: Odoo in prefork mode driven by concurrent JSON-RPC clients.

The short version of bench/bench_load.py, with the same functions (imported by
path): 2 HTTP workers and 2 cron workers, 6 clients, 200 tickets created from
deliveries, 50 returns authorised against the same deliveries and 100 replies
while the escalation cron runs, then 200 more tickets and 200 bare mail.thread
creates. It asserts the invariants, never the timings (printed with ``-s``).
"""

import importlib.util
import os
import uuid

import pytest

from systest_utils import REPO_ROOT, Odoo

TICKETS, CLIENTS, WORKERS = 200, 6, 2
DELIVERIES, DUE = 2, 20
MAX_SECONDS = 120  # per phase: the clients stop taking work after that


def _bench_load():
    spec = importlib.util.spec_from_file_location(
        "bench_load", REPO_ROOT / "bench" / "bench_load.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench_load()


@pytest.fixture(scope="module")
def load_db(scratch_dir):
    """customer_quality and cq_bench_baseline without demo data, in a scratch
    database of this test's own (it fills it with load)."""
    prefix = os.environ.get("CQ_SYSTEST_DB_PREFIX", "cq_systest")
    (scratch_dir / "logs").mkdir(exist_ok=True)
    odoo = Odoo(
        f"{prefix}_load_{uuid.uuid4().hex[:10]}",
        scratch_dir / "data",
        scratch_dir / "logs",
        addons=bench.addons_path(),
    )
    try:
        odoo.run(f"--init={bench.MODULES}", "--without-demo=all", what="install-load")
        yield odoo
    finally:
        odoo.drop()


@pytest.fixture(scope="module")
def report(load_db, scratch_dir):
    data_dir = str(scratch_dir / "data")
    ctx = bench.prepare_in_child(
        load_db.db, CLIENTS, DELIVERIES, DUE, data_dir=data_dir
    )
    report = bench.run_all(
        load_db.db,
        ctx,
        scratch_dir / "logs" / "load-server.log",
        TICKETS,
        CLIENTS,
        WORKERS,
        MAX_SECONDS,
        data_dir=data_dir,
    )
    print("\n" + bench.table(report) + "\n" + bench.summary(report))
    return report


@pytest.mark.timeout(900)
def test_every_task_ran(report):
    left = {phase: data["left"] for phase, data in report["phases"].items()}
    assert not any(left.values()), f"time bound reached: {left}"
    assert set(report["phases"]) == {"mixed", "tickets", "baseline"}


def test_every_ticket_has_one_number(report):
    tickets = report["tickets"]
    assert tickets["ok"], bench.summary(report)
    assert tickets["created_reported"] == 2 * TICKETS


def test_no_server_error(report):
    errors = report["errors"]
    assert errors["ok"], bench.summary(report)


def test_no_return_above_what_was_delivered(report):
    returns = report["returns"]
    assert returns["ok"], bench.summary(report)
    # the load asks for more than was delivered: both answers were given
    assert returns["authorisations"] and returns["refusals"], bench.summary(report)
    assert returns["authorisations"] + returns["refusals"] == TICKETS // 4


def test_each_missed_deadline_escalated_once(report):
    escalations = report["escalations"]
    assert escalations["ok"], bench.summary(report)
    assert escalations["escalated"], bench.summary(report)
    assert report["cron_during_load"]["runs"] >= 1, bench.summary(report)


def test_server_log_is_clean(report):
    assert report["log"]["ok"], bench.summary(report)
