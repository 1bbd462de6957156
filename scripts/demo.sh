#!/usr/bin/env bash
# Start customer_quality with demo data on http://127.0.0.1:8069
# (login admin / password admin). Safe to run again: the first run creates
# the database "customer_quality" and installs the add-on with its demo
# data; later runs update the add-on (-u) and start the server.
# Environment: CQ_DEMO_DB (database name, default customer_quality),
# CQ_DEMO_PORT (default 8069). Extra arguments are passed to Odoo.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$REPO_ROOT/scripts/setup.sh"
ODOO_ROOT="$(cq_odoo_root)"
ADDONS_PATH="$(cq_addons_path "$ODOO_ROOT")"
DB="${CQ_DEMO_DB:-customer_quality}"
PORT="${CQ_DEMO_PORT:-8069}"

odoo_args=(
    --database="$DB" --db-filter="^${DB}\$"
    --addons-path="$ADDONS_PATH"
    --http-interface=127.0.0.1 --http-port="$PORT"
)

state=""
if cq_db_exists "$DB"; then
    state="$(psql -X -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = '$ADDON'" 2>/dev/null || true)"
fi
if [ "$state" = installed ] || [ "$state" = "to upgrade" ]; then
    cq_log "database $DB exists: updating $ADDON"
    "$PYTHON" -m odoo "${odoo_args[@]}" --update="$ADDON" --stop-after-init --log-level=warn
elif cq_db_exists "$DB"; then
    cq_log "database $DB exists without $ADDON: installing it"
    "$PYTHON" -m odoo "${odoo_args[@]}" --init="$ADDON" --stop-after-init --log-level=warn
else
    cq_log "creating database $DB with $ADDON and its demo data (takes a few minutes)"
    # demo data is loaded by default; do NOT pass --without-demo=False (in
    # Odoo 18 any value of --without-demo disables demo data)
    if ! "$PYTHON" -m odoo "${odoo_args[@]}" --init="$ADDON" --stop-after-init --log-level=warn; then
        dropdb --if-exists --force "$DB" || true
        echo "ERROR: installing $ADDON in $DB failed (see the log above)" >&2
        exit 1
    fi
    # A database created by the CLI has admin/admin; make sure of it.
    "$PYTHON" -m odoo shell "${odoo_args[@]}" --no-http --log-level=warn >/dev/null <<'EOF'
admin = env.ref("base.user_admin")
admin.write({"login": "admin", "password": "admin", "active": True})
env.cr.commit()
EOF
fi

cq_log "Odoo on http://127.0.0.1:$PORT  (database $DB, login admin / password admin; Ctrl-C stops it)"
exec "$PYTHON" -m odoo "${odoo_args[@]}" "$@"
