"""Fixtures for the system tests of customer_quality.

These tests treat Odoo as a black box: every Odoo they talk to is a
separate ``python3 -m odoo`` process (install / upgrade / shell / HTTP
server) on a scratch database that the fixtures create and drop
themselves. They run with plain pytest (``pytest tests``) as well as in
the same invocation as the add-on's own tests through pytest-odoo
(``scripts/test.sh``). Helpers live in systest_utils.py.
"""

import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from systest_utils import ADDON, Odoo


# --------------------------------------------------------------------------
# pytest-odoo: its autouse fixtures load the registry of --odoo-database
# (and start an in-process HTTP server with --odoo-http) for every test of
# the session. The system tests need none of that, and without
# --odoo-database pytest-odoo would try to load a registry for no database,
# so these no-op fixtures override them for the tests in this directory.
# --------------------------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def load_registry():
    yield


@pytest.fixture(scope="session", autouse=True)
def load_http():
    yield


@pytest.fixture(scope="module", autouse=True)
def enable_odoo_test_flag():
    yield


def pytest_collection_modifyitems(session, config, items):
    """Run destructive tests (uninstall) after every other test."""
    last = [item for item in items if item.get_closest_marker("cq_last")]
    if last:
        items[:] = [item for item in items if item not in last] + last


# --------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------
@pytest.fixture(scope="session")
def scratch_dir():
    path = Path(tempfile.mkdtemp(prefix="cq_systest_"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def cq_db(scratch_dir):
    """One scratch database with customer_quality installed WITHOUT demo data.

    Shared by the RPC tests and the lifecycle tests (the uninstall test is
    marked cq_last so that it runs after everything that needs the add-on).
    The install itself is part of the fixture; test_install checks it.
    """
    # scripts/test.sh sets the prefix so that it can drop what an interrupted
    # run leaves behind
    prefix = os.environ.get("CQ_SYSTEST_DB_PREFIX", "cq_systest")
    db = f"{prefix}_{uuid.uuid4().hex[:10]}"
    odoo = Odoo(db, scratch_dir / "data", scratch_dir / "logs")
    (scratch_dir / "logs").mkdir(exist_ok=True)
    start = time.monotonic()
    try:
        odoo.install_log = odoo.run(
            f"--init={ADDON}", "--without-demo=all", what="install"
        )
        odoo.install_seconds = time.monotonic() - start
        yield odoo
    finally:
        odoo.drop()


@pytest.fixture(scope="session")
def cq_demo_db(scratch_dir):
    """A scratch database with customer_quality AND its demo data, for the
    tests that log in as the demo users.

    scripts/test.sh hands over a copy of its own freshly installed demo
    database (``CQ_SYSTEST_DEMO_DB``, with its filestore under
    ``CQ_SYSTEST_DEMO_DATA_DIR``), made before pytest opened it, so the demo is
    not installed twice; run on their own (``pytest tests``), the tests
    install one.
    """
    db = os.environ.get("CQ_SYSTEST_DEMO_DB")
    if db:
        odoo = Odoo(db, os.environ["CQ_SYSTEST_DEMO_DATA_DIR"], scratch_dir / "logs")
        (scratch_dir / "logs").mkdir(exist_ok=True)
        try:
            yield odoo
        finally:
            odoo.drop()
        return
    prefix = os.environ.get("CQ_SYSTEST_DB_PREFIX", "cq_systest")
    odoo = Odoo(
        f"{prefix}_demo_{uuid.uuid4().hex[:10]}",
        scratch_dir / "data",
        scratch_dir / "logs",
    )
    (scratch_dir / "logs").mkdir(exist_ok=True)
    try:
        odoo.run(f"--init={ADDON}", what="install-demo")
        yield odoo
    finally:
        odoo.drop()
