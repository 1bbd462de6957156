# shellcheck shell=bash
# Helpers shared by scripts/*.sh. Source it, do not run it.
#
# Everything here works WITHOUT importing odoo (importing needs Odoo's
# Python requirements, which setup.sh is about to install).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
# shellcheck disable=SC2034  # used by the scripts that source this file
ADDON=customer_quality
ODOO_PREREQ_MSG="ERROR: prerequisite missing: Odoo 18.0 Community must be importable by python3; see https://www.odoo.com/documentation/18.0/administration/on_premise/source.html"

# Tools the project installs itself (wkhtmltopdf with patched Qt), outside the
# repository; first on PATH for every Odoo our scripts start.
if [ -w /opt ] || [ -d /opt/customer_quality-tools ]; then
    CQ_TOOLS_DIR="${CQ_TOOLS_DIR:-/opt/customer_quality-tools}"
else
    CQ_TOOLS_DIR="${CQ_TOOLS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/customer_quality-tools}"
fi
export PATH="$CQ_TOOLS_DIR/bin:$PATH"

cq_log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

# Print the root of the Odoo source tree (the directory that holds the
# `odoo` package, `addons/` and `requirements.txt`), located with
# importlib.util.find_spec so that nothing is imported. Also checks that
# it is the 18.0 series. Prints the one-line prerequisite message and
# returns 1 when Odoo cannot be located.
cq_odoo_root() {
    local out
    if ! out="$("$PYTHON" - 2>/dev/null <<'EOF'
import importlib.util, os, re, sys
spec = importlib.util.find_spec("odoo")
if spec is None or not spec.submodule_search_locations:
    sys.exit(1)
pkg = list(spec.submodule_search_locations)[0]
release = os.path.join(pkg, "release.py")
with open(release, encoding="utf-8") as fh:
    m = re.search(r"^version_info\s*=\s*\((\d+),\s*(\d+)", fh.read(), re.M)
if not m or (int(m.group(1)), int(m.group(2))) != (18, 0):
    sys.exit(2)
print(os.path.dirname(os.path.abspath(pkg)))
EOF
)"; then
        echo "$ODOO_PREREQ_MSG" >&2
        return 1
    fi
    printf '%s\n' "$out"
}

# Comma separated addons path: Odoo's own add-ons + the repository root
# (the add-on lives in $REPO_ROOT/customer_quality).
cq_addons_path() {
    local root="$1" paths=()
    [ -d "$root/addons" ] && paths+=("$root/addons")
    [ -d "$root/odoo/addons" ] && paths+=("$root/odoo/addons")
    paths+=("$REPO_ROOT")
    local IFS=,
    printf '%s\n' "${paths[*]}"
}

# Run a command as the postgres OS user.
cq_as_postgres() {
    if [ "$(id -un)" = postgres ]; then
        "$@"
    elif [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        sudo -n -u postgres -- "$@"
    fi
}

# True when database $1 exists (connects as the current OS user).
cq_db_exists() {
    [ "$(psql -X -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" 2>/dev/null)" = 1 ]
}
