"""A real external client talks to a real Odoo server over XML-RPC and JSON-RPC."""

import datetime
import re
import xmlrpc.client

import pytest

from systest_utils import ADMIN_LOGIN, ADMIN_PASSWORD, JsonRpc

NAME_RE = re.compile(r"^CQ/(\d{4})/\d{5}$")


@pytest.fixture(scope="module")
def server(cq_db):
    """Odoo HTTP server on a free loopback port, for this module's tests."""
    with cq_db.server() as url:
        yield url


@pytest.fixture(scope="module")
def xml_rpc(server, cq_db):
    common = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/common", allow_none=True)
    uid = common.authenticate(cq_db.db, ADMIN_LOGIN, ADMIN_PASSWORD, {})
    assert uid, "admin/admin could not authenticate over XML-RPC"
    models = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/object", allow_none=True)

    def execute(model, method, *args, **kwargs):
        return models.execute_kw(
            cq_db.db, uid, ADMIN_PASSWORD, model, method, list(args), kwargs
        )

    return execute


@pytest.fixture(scope="module")
def json_rpc(server, cq_db):
    client = JsonRpc(server, cq_db.db)
    assert client.login(), "admin/admin could not authenticate over JSON-RPC"
    return client


def _check_ticket(ticket, partner_id):
    match = NAME_RE.match(ticket["name"] or "")
    assert match, f"unexpected ticket name {ticket['name']!r}"
    assert int(match.group(1)) == datetime.date.today().year
    assert ticket["state"] == "draft"
    assert ticket["partner_id"][0] == partner_id
    assert ticket["channel"] == "email"


def test_server_version(server, cq_db):
    common = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/common")
    version = common.version()
    assert version["server_serie"] == "18.0"


def test_xmlrpc_create_and_read_ticket(xml_rpc):
    partner_id = xml_rpc(
        "res.partner",
        "create",
        {"name": "XML-RPC Customer Ltd", "email": "xml@example.com"},
    )
    ticket_id = xml_rpc(
        "cq.ticket",
        "create",
        {
            "partner_id": partner_id,
            "description": "<p>Parts delivered with scratches (XML-RPC)</p>",
            "channel": "email",
        },
    )
    assert isinstance(ticket_id, int)
    [ticket] = xml_rpc(
        "cq.ticket",
        "read",
        [ticket_id],
        fields=["name", "state", "partner_id", "channel"],
    )
    _check_ticket(ticket, partner_id)
    found = xml_rpc(
        "cq.ticket", "search_read", [("partner_id", "=", partner_id)], fields=["name"]
    )
    assert [t["id"] for t in found] == [ticket_id]


def test_jsonrpc_create_and_read_ticket(json_rpc):
    partner_id = json_rpc.execute_kw(
        "res.partner", "create", [{"name": "JSON-RPC Customer GmbH"}]
    )
    ticket_ids = json_rpc.execute_kw(
        "cq.ticket",
        "create",
        [
            [
                {
                    "partner_id": partner_id,
                    "description": "Wrong quantity (JSON-RPC) 1",
                    "channel": "email",
                },
                {
                    "partner_id": partner_id,
                    "description": "Wrong quantity (JSON-RPC) 2",
                    "channel": "email",
                },
            ]
        ],
    )
    assert len(ticket_ids) == 2
    tickets = json_rpc.execute_kw(
        "cq.ticket",
        "read",
        [ticket_ids],
        {"fields": ["name", "state", "partner_id", "channel"]},
    )
    for ticket in tickets:
        _check_ticket(ticket, partner_id)
    # the sequence hands out distinct, increasing numbers
    names = [t["name"] for t in tickets]
    assert len(set(names)) == 2 and names == sorted(names)


def test_wrong_password_is_refused(server, cq_db):
    common = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/common")
    assert common.authenticate(cq_db.db, ADMIN_LOGIN, "not-the-password", {}) is False
