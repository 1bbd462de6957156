#!/usr/bin/env bash
# Run ALL tests of customer_quality with ONE pytest invocation:
#   - customer_quality/tests: the add-on's Odoo tests (TransactionCase,
#     HttpCase browser tours, report rendering) through pytest-odoo, against
#     a throwaway database that has the add-on installed with demo data, and
#     with Odoo's HTTP server running inside the pytest process (--odoo-http);
#   - tests/: system tests (install / upgrade / uninstall, XML-RPC and
#     JSON-RPC clients against a real Odoo server subprocess).
# The throwaway database and its filestore are removed at the end, also on
# failure or Ctrl-C. Extra arguments are passed to pytest, e.g.
#   bash scripts/test.sh -k rpc        bash scripts/test.sh -x -vv
# Environment: CQ_TEST_KEEP_DB=1 keeps the database (its name is printed).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$REPO_ROOT/scripts/setup.sh"
ODOO_ROOT="$(cq_odoo_root)"
ADDONS_PATH="$(cq_addons_path "$ODOO_ROOT")"

DB="cq_test_$(date +%Y%m%d_%H%M%S)_$$"
DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cq_test_data.XXXXXX")"
INSTALL_LOG="$DATA_DIR/install.log"

PYTEST_PGID=""
# shellcheck disable=SC2329  # invoked by the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$PYTEST_PGID" ] && kill -0 -- "-$PYTEST_PGID" 2>/dev/null; then
        # interrupted, or processes left behind: SIGINT first, so that pytest
        # runs its fixture finalizers (they drop the system tests' databases)
        kill -INT -- "-$PYTEST_PGID" 2>/dev/null || true
        for _ in $(seq 1 60); do
            kill -0 "$PYTEST_PGID" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL -- "-$PYTEST_PGID" 2>/dev/null || true
    fi
    if [ "${CQ_TEST_KEEP_DB:-0}" = 1 ]; then
        cq_log "kept database $DB (data dir $DATA_DIR)"
    else
        # the throwaway database, and any scratch database of the system
        # tests that an interrupted run left behind (they share the prefix)
        for db in "$DB" $(psql -X -d postgres -tAc \
            "SELECT datname FROM pg_database WHERE datname LIKE '${DB}\_sys\_%'" 2>/dev/null); do
            dropdb --if-exists --force "$db" >/dev/null 2>&1 ||
                cq_log "WARNING: could not drop database $db"
        done
        rm -rf "$DATA_DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cq_log "installing $ADDON (with demo data) in throwaway database $DB"
start=$SECONDS
odoo_args=(
    --database="$DB" --db-filter="^${DB}\$"
    --addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR"
    --workers=0 --max-cron-threads=0 --http-interface=127.0.0.1
)
if ! "$PYTHON" -m odoo "${odoo_args[@]}" --init="$ADDON" --stop-after-init \
    --log-level=warn --logfile="$INSTALL_LOG"; then
    cat "$INSTALL_LOG" >&2
    echo "ERROR: installing $ADDON failed (log above)" >&2
    exit 1
fi
# Odoo exits 0 after some install problems (e.g. a broken demo record is
# only logged), so treat ERROR/CRITICAL log lines as a failed install.
if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$INSTALL_LOG" >/dev/null; then
    cat "$INSTALL_LOG" >&2
    echo "ERROR: installing $ADDON logged errors (log above)" >&2
    exit 1
fi
cq_log "installed in $((SECONDS - start)) s; running pytest"
# A copy of the demo database for the system tests that log in as the demo
# users over RPC (made now: once pytest holds the original open, PostgreSQL
# cannot copy it). Dropped with the others by the cleanup (same prefix).
DEMO_COPY="${DB}_sys_demo"
createdb -T "$DB" "$DEMO_COPY"
if [ -d "$DATA_DIR/filestore/$DB" ]; then
    cp -a "$DATA_DIR/filestore/$DB" "$DATA_DIR/filestore/$DEMO_COPY"
fi
export CQ_SYSTEST_DEMO_DB="$DEMO_COPY" CQ_SYSTEST_DEMO_DATA_DIR="$DATA_DIR"

cd "$REPO_ROOT"
export CQ_ADDONS_PATH="$ADDONS_PATH"
export CQ_SYSTEST_DB_PREFIX="${DB}_sys"
pytest_args=(
    --odoo-database="$DB"
    --odoo-addons-path="$ADDONS_PATH"
    --odoo-http
    --odoo-log-level=warn
    --odoo-extra="data-dir=$DATA_DIR"
    --odoo-extra="db-filter=^${DB}\$"
    --odoo-extra="max-cron-threads=0"
)
# Test paths: pyproject.toml's testpaths (customer_quality/tests, tests)
# unless paths are given on the command line.
# pytest runs in its own process group so that the cleanup can kill whatever
# it leaves behind (Odoo servers of the system tests, Chromium, wkhtmltopdf),
# also when this script is interrupted. No `exec`: the EXIT trap must still
# drop the database.
set +e
setsid "$PYTHON" -m pytest "${pytest_args[@]}" "$@" </dev/null &
PYTEST_PGID=$!
wait "$PYTEST_PGID"
rc=$?
set -e
# (pytest exits 5 when it collected no test at all: a failure here too)
exit "$rc"
