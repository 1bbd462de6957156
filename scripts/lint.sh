#!/usr/bin/env bash
# Lint without changing anything (the `make lint` of this repo):
#   ruff check, ruff format --check        (ruff.toml; whole repository)
#   pylint-odoo, mandatory checks          (.pylintrc-mandatory; customer_quality)
#   pylint-odoo, OCA's optional checks     (.pylintrc; customer_quality)
#   oca-checks-odoo-module, oca-checks-po  (OCA's hooks, in a venv of their own)
#   prettier + @prettier/plugin-xml --check (customer_quality XML; only when
#                                            node and npm are installed, and
#                                            CQ_LINT_PRETTIER is not 0)
# Runs every step, reports each, exits non-zero if any failed.
# The tools come from requirements-dev.txt (scripts/setup.sh installs them);
# `pre-commit run --all-files` runs the same checks, fixing what it can.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT" || exit 1

PRETTIER_VERSION=3.3.3
PRETTIER_XML_VERSION=3.4.1

failed=()
step() {
    local name="$1"
    shift
    echo "==> $name"
    if "$@"; then
        echo "    ok"
    else
        echo "    FAILED: $name"
        failed+=("$name")
    fi
}

step "ruff check" "$PYTHON" -m ruff check --no-fix --output-format=concise .
step "ruff format --check" "$PYTHON" -m ruff format --check .
step "pylint-odoo (mandatory checks)" \
    "$PYTHON" -m pylint --rcfile=.pylintrc-mandatory "$ADDON"
step "pylint-odoo (optional checks)" \
    "$PYTHON" -m pylint --rcfile=.pylintrc "$ADDON"

# OCA's module and .po checks (oca-odoo-pre-commit-hooks), in a venv of their
# own: they pin polib 1.2, Odoo 18.0 pins 1.1.1
OCA_HOOKS_VERSION=0.2.27
OCA_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/customer_quality/oca-hooks-$OCA_HOOKS_VERSION"
if [ ! -x "$OCA_VENV/bin/oca-checks-odoo-module" ]; then
    "$PYTHON" -m venv "$OCA_VENV" &&
        "$OCA_VENV/bin/python" -m pip install -q --disable-pip-version-check \
            "oca-odoo-pre-commit-hooks==$OCA_HOOKS_VERSION" >/dev/null 2>&1 || true
fi
if [ -x "$OCA_VENV/bin/oca-checks-odoo-module" ]; then
    step "oca-checks-odoo-module" "$OCA_VENV/bin/oca-checks-odoo-module" "$ADDON"
    mapfile -t po_files < <(find "$ADDON/i18n" -name '*.po' -o -name '*.pot' | sort)
    step "oca-checks-po" "$OCA_VENV/bin/oca-checks-po" "${po_files[@]}"
else
    echo "==> oca-checks: FAILED to install oca-odoo-pre-commit-hooks from PyPI"
    failed+=("oca-checks install")
fi

# prettier + the XML plugin, installed from npm into a cache dir outside the repo
NODE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/customer_quality/node"
NODE_MODULES="$NODE_DIR/node_modules"
prettier_ready() {
    [ "$(node -p "require('$NODE_MODULES/prettier/package.json').version" 2>/dev/null)" = "$PRETTIER_VERSION" ] &&
        [ "$(node -p "require('$NODE_MODULES/@prettier/plugin-xml/package.json').version" 2>/dev/null)" = "$PRETTIER_XML_VERSION" ]
}
# CQ_LINT_PRETTIER=0 skips it (CI does, see README "Lint": the XML is not
# prettier-formatted yet)
if [ "${CQ_LINT_PRETTIER:-1}" = 0 ]; then
    echo "==> prettier (xml): skipped (CQ_LINT_PRETTIER=0)"
elif command -v node >/dev/null && command -v npm >/dev/null; then
    if ! prettier_ready; then
        mkdir -p "$NODE_DIR"
        npm install --silent --no-audit --no-fund --prefix "$NODE_DIR" \
            "prettier@$PRETTIER_VERSION" "@prettier/plugin-xml@$PRETTIER_XML_VERSION" >/dev/null 2>&1 || true
    fi
    mapfile -t xml_files < <(find "$ADDON" -name '*.xml' -not -path '*/static/lib/*' | sort)
    if ! prettier_ready; then
        echo "==> prettier (xml): FAILED to install prettier from npm"
        failed+=("prettier install")
    elif [ "${#xml_files[@]}" -gt 0 ]; then
        step "prettier --check (xml)" "$NODE_MODULES/.bin/prettier" \
            --plugin="$NODE_MODULES/@prettier/plugin-xml/src/plugin.js" --check "${xml_files[@]}"
    fi
else
    echo "==> prettier (xml): skipped, node/npm not installed (apt-get install nodejs npm)"
fi

if [ "${#failed[@]}" -gt 0 ]; then
    echo "lint FAILED: ${failed[*]}"
    exit 1
fi
echo "lint passed"
