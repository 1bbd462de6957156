# ruff: noqa: E501  (the snapshot code run in odoo shell reads better unwrapped)
"""Upgrade from the previous version with data: the add-on as it was at the
previous manifest version (taken from git) is installed with its demo data — a
company's tickets, returns and claims at every stage — then upgraded to the
current code. Every record, number, state, deadline and link must still be
right, and the version's migration must have done its work."""

import ast
import io
import os
import subprocess
import tarfile
import uuid

import pytest

from systest_utils import ADDON, REPO_ROOT, Odoo, addons_path, manifest

MANIFEST = f"{ADDON}/__manifest__.py"

SNAPSHOT = """
def links(record, names):
    return {name: record[name].ids for name in names if name in record._fields}

result = {"tickets": {}, "returns": {}, "claims": {}}
Ticket = env["cq.ticket"].with_context(active_test=False)
for t in Ticket.search([], order="id"):
    result["tickets"][t.name] = {
        "id": t.id, "state": t.state, "company": t.company_id.id,
        "partner": t.partner_id.id, "severity": t.severity, "user": t.user_id.id,
        "received": str(t.received_date), "closed": str(t.closed_date),
        "reopen_count": t.reopen_count, "pending": t.pending,
        "deadlines": sorted(
            [d.kind, d.round, str(d.date_deadline), str(d.date_met),
             str(d.date_escalated), d.status]
            for d in t.deadline_ids
        ),
        **links(t, ["return_ids", "claim_ids", "picking_id", "sale_order_id", "lot_id"]),
    }
for r in env["cq.return"].with_context(active_test=False).search([], order="id"):
    result["returns"][r.name] = {
        "id": r.id, "state": r.state, "partner": r.partner_id.id,
        "cause": r.cause, "decided_by": r.decided_by_id.id,
        "lines": sorted([l.product_id.id, l.lot_id.id, l.quantity, l.outcome or ""]
                        for l in r.line_ids),
        **links(r, ["ticket_id", "picking_id", "picking_ids", "credit_note_ids", "claim_ids"]),
    }
for c in env["cq.warranty.claim"].with_context(active_test=False).search([], order="id"):
    result["claims"][c.name] = {
        "id": c.id, "state": c.state, "partner": c.partner_id.id,
        "warranty_state": c.warranty_state, "warranty_end": str(c.warranty_end),
        "cost_total": c.cost_total, "outcome": c.outcome or "",
        **links(c, ["ticket_id", "return_id", "lot_id", "cost_ids"]),
    }
"""


# the tickets whose corrective action was a text before 18.0.1.2.0
OLD_TEXTS = """
env.cr.execute(
    "SELECT name FROM cq_ticket WHERE btrim(coalesce(corrective_action, '')) != ''"
)
result = sorted(row[0] for row in env.cr.fetchall())
"""


def _git(*args):
    return subprocess.run(
        ["git", "-C", str(REPO_ROOT), *args], check=True, capture_output=True
    ).stdout


def previous_version_commit():
    """The last commit whose manifest has the version before the current one."""
    current = manifest()["version"]
    for sha in _git("log", "--format=%H", "--", MANIFEST).decode().split():
        try:
            text = _git("show", f"{sha}:{MANIFEST}").decode()
        except subprocess.CalledProcessError:
            continue
        version = ast.literal_eval(text)["version"]
        if version != current:
            return sha, version
    pytest.skip("no earlier version of the add-on in this repository's history")


@pytest.fixture(scope="module")
def previous_addons(scratch_dir):
    sha, version = previous_version_commit()
    target = scratch_dir / f"previous_{version}"
    target.mkdir()
    archive = _git("archive", "--format=tar", sha, ADDON)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    paths = [p for p in addons_path().split(",") if p.rstrip("/") != str(REPO_ROOT)]
    return version, ",".join([*paths, str(target)])


def test_upgrade_from_previous_version_with_data(scratch_dir, previous_addons):
    version, addons = previous_addons
    # scripts/test.sh drops what an interrupted run leaves behind (same prefix)
    prefix = os.environ.get("CQ_SYSTEST_DB_PREFIX", "cq_systest")
    db = f"{prefix}_upgrade_{uuid.uuid4().hex[:10]}"
    old = Odoo(db, scratch_dir / "data", scratch_dir / "logs", addons=addons)
    (scratch_dir / "logs").mkdir(exist_ok=True)
    try:
        old.run(f"--init={ADDON}", what=f"install-{version}")
        before = old.shell_json(SNAPSHOT)
        assert before["tickets"] and before["returns"] and before["claims"]
        assert len({t["state"] for t in before["tickets"].values()}) >= 5
        texts = old.shell_json(OLD_TEXTS) if version == "18.0.1.1.0" else []

        new = Odoo(db, scratch_dir / "data", scratch_dir / "logs")
        new.run(f"--update={ADDON}", what="upgrade")
        after = new.shell_json(SNAPSHOT)
        changed = [
            (kind, name, key, record.get(key), after[kind].get(name, {}).get(key))
            for kind, records in before.items()
            for name, record in records.items()
            for key in record
            if after[kind].get(name, {}).get(key) != record.get(key)
        ]
        assert not changed, (
            f"records, numbers, states, deadlines and links stay: {changed}"
        )
        # (a demo database also gets the new version's new demo records)
        assert all(after[kind].keys() >= before[kind].keys() for kind in before)
        state = new.shell_json(
            f"""
module = env["ir.module.module"].search([("name", "=", "{ADDON}")])
Ticket = env["cq.ticket"].with_context(active_test=False)
result = {{
    "version": module.latest_version,
    "column": bool(env.cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'cq_ticket'"
        " AND column_name = 'corrective_action'") or env.cr.fetchall()),
    "migrated": sorted(
        env["mail.message"].search([
            ("model", "=", "cq.capa"),
            ("body", "ilike", "before version 18.0.1.2.0"),
        ]).mapped(lambda m: env["cq.capa"].browse(m.res_id).ticket_ids.name)
    ),
    "capa_states": sorted(set(env["cq.capa"].search([]).mapped("state"))),
}}
"""
        )
        assert manifest()["version"].endswith(state["version"])
        if version == "18.0.1.1.0":
            assert texts, "the previous demo has a corrective action text"
            assert state["column"] is False
            assert state["migrated"] == texts, "one corrective action per old text"
            assert state["capa_states"] == ["draft"]
        # the upgraded database still works: a new ticket gets the next number
        number = new.shell_json(
            'partner = env["res.partner"].create({"name": "After upgrade SA"})\n'
            'result = env["cq.ticket"].create({"partner_id": partner.id, '
            '"description": "<p>x</p>", "channel": "email"}).name'
        )
        assert number not in after["tickets"]
    finally:
        old.drop()
