"""pytest glue for the add-on's Odoo tests run through pytest-odoo.

scripts/test.sh runs customer_quality/tests (through pytest-odoo, with
Odoo's HTTP server started inside the pytest process by --odoo-http) and
the system tests in tests/ in one pytest invocation.
"""

import warnings

import psutil
import pytest

try:
    import odoo.tools
except ImportError:  # pragma: no cover - Odoo is a prerequisite
    odoo = None
else:
    # pytest-odoo imports odoo.tests while test_enable is still off, and
    # Odoo then logs "ERROR ... Importing test framework" with a long stack
    # at the top of every run. Import it here, flagged as a test run, so
    # the log is not polluted by a false error. (Setting test_enable for
    # the whole session is not an option: the registry load would then run
    # the at_install tests of every installed module.)
    _test_enable = odoo.tools.config["test_enable"]
    odoo.tools.config["test_enable"] = True
    try:
        import odoo.tests  # noqa: F401
    finally:
        odoo.tools.config["test_enable"] = _test_enable


@pytest.fixture(scope="session", autouse=True)
def cq_report_url(request, load_http):
    """Let wkhtmltopdf fetch the report CSS from the in-process test server.

    pytest-odoo starts the HTTP server on a random port. HttpCase points
    web.base.url at it for its own tests, but reports rendered from a
    TransactionCase (with the ``force_report_rendering`` context) would
    fetch their assets from the database's web.base.url
    (http://localhost:8069 by default): nothing, or another Odoo. Set
    ``report.url`` (which takes precedence for reports) in the test
    database for the session and restore it afterwards.
    """
    if odoo is None or not request.config.getoption("--odoo-database", default=None):
        yield
        return
    from odoo.service import server

    if server.server is None or getattr(server.server, "httpd", None) is None:
        yield
        return
    url = f"http://127.0.0.1:{server.server.httpd.server_port}"
    registry = odoo.modules.registry.Registry(odoo.tests.common.get_db_name())

    def set_report_url(value):
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            old = env["ir.config_parameter"].get_param("report.url")
            env["ir.config_parameter"].set_param("report.url", value)
            return old

    previous = set_report_url(url)
    yield
    set_report_url(previous or False)


@pytest.fixture(autouse=True)
def cq_reap_stuck_wkhtmltopdf():
    """Kill wkhtmltopdf processes a test leaves behind, and say so.

    Odoo renders PDFs synchronously, so a wkhtmltopdf child still alive after
    a test is stuck. The classic case is a PDF rendered *inside an HTTP
    request* of an HttpCase (e.g. url_open("/report/download?...")): in test
    mode every request holds the registry's test lock, wkhtmltopdf then asks
    the same server for the report CSS, and that request waits for the lock
    forever. Without this the request thread keeps the lock, and every later
    HttpCase / report test of the session hangs too. (The request then fails
    on the shared test cursor, which may also fail the next test of the class.)
    """
    yield
    stuck = []
    for proc in psutil.Process().children(recursive=True):
        try:
            if proc.name() in ("wkhtmltopdf", "wkhtmltoimage"):
                stuck.append(proc)
        except psutil.NoSuchProcess:
            pass
    for proc in stuck:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    if stuck:
        psutil.wait_procs(stuck, timeout=10)
        warnings.warn(
            f"killed {len(stuck)} stuck wkhtmltopdf process(es) left by this test "
            "(a PDF rendered inside an HTTP request of an HttpCase deadlocks on "
            "Odoo's test lock; render it from the test instead)",
            stacklevel=1,
        )
