"""Install, upgrade (-u) and uninstall customer_quality on a database holding data."""

import urllib.request

import pytest

from systest_utils import ADDON, JsonRpc, manifest

TICKET_FIELDS = ["name", "state", "partner_id", "channel", "description"]


@pytest.fixture(scope="module")
def tickets_before_upgrade(cq_db):
    """Create tickets through the ORM (odoo shell) and commit them."""
    code = f"""
partner = env["res.partner"].create({{"name": "Lifecycle Customer SA"}})
tickets = env["cq.ticket"].create([
    {{"partner_id": partner.id, "description": f"<p>Lifecycle {{i}}</p>",
      "channel": "email"}}
    for i in range(3)
])
env.cr.commit()
result = tickets.read({TICKET_FIELDS!r})
"""
    return cq_db.shell_json(code)


def test_install(cq_db):
    assert cq_db.module_state() == "installed"
    version = cq_db.shell_json(
        "result = env['ir.module.module']"
        f".search([('name', '=', '{ADDON}')]).latest_version"
    )
    # latest_version is the manifest version without the "18.0." prefix
    assert manifest()["version"].endswith(version)
    print(f"install without demo took {cq_db.install_seconds:.0f} s")


def test_upgrade_keeps_data(cq_db, tickets_before_upgrade):
    assert len(tickets_before_upgrade) == 3
    cq_db.run(f"--update={ADDON}", what="upgrade")
    assert cq_db.module_state() == "installed"
    ids = [t["id"] for t in tickets_before_upgrade]
    after = cq_db.shell_json(
        f"result = env['cq.ticket'].browse({ids!r}).read({TICKET_FIELDS!r})"
    )
    assert after == tickets_before_upgrade


@pytest.mark.cq_last
def test_uninstall(cq_db, tickets_before_upgrade):
    """Uninstall over RPC like a user would, then check Odoo still starts."""
    with cq_db.server() as url:
        rpc = JsonRpc(url, cq_db.db)
        assert rpc.login()
        [module_id] = rpc.execute_kw(
            "ir.module.module", "search", [[("name", "=", ADDON)]]
        )
        rpc.execute_kw("ir.module.module", "button_immediate_uninstall", [[module_id]])
    assert cq_db.module_state() == "uninstalled"
    leftovers = cq_db.shell_json(
        f"""
result = {{
    "model_in_registry": "cq.ticket" in env,
    "ir_model": env["ir.model"].search_count([("model", "=like", "cq.%")]),
    "xmlids": env["ir.model.data"].search_count([("module", "=", "{ADDON}")]),
}}
"""
    )
    assert leftovers == {"model_in_registry": False, "ir_model": 0, "xmlids": 0}
    # Odoo still starts and serves the login page on the database
    with cq_db.server() as url:
        with urllib.request.urlopen(f"{url}/web/login", timeout=60) as resp:
            assert resp.status == 200
        assert JsonRpc(url, cq_db.db).login()
