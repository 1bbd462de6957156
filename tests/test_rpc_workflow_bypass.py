"""The workflow holds for an external client: the demo users, logged in over
JSON-RPC, try the calls that once got around it, and each is refused with a
clear error (never a server error) and changes nothing."""

import pytest

from systest_utils import JsonRpc, RpcError

SALES = ("sally.wang", "sally.wang")
WAREHOUSE = ("walter.zhao", "walter.zhao")
OFFICER = ("olivia.li", "olivia.li")

# every context a client might hope opens a door
CONTEXTS = [
    {},
    {"cq_transition": True},
    {"tracking_disable": True, "install_mode": True, "active_test": False},
]
CLEAR_ERRORS = (
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.ValidationError",
)


@pytest.fixture(scope="module")
def server(cq_demo_db):
    with cq_demo_db.server() as url:
        yield url


@pytest.fixture(scope="module")
def admin(server, cq_demo_db):
    client = JsonRpc(server, cq_demo_db.db)
    assert client.login()
    return client


@pytest.fixture(scope="module")
def ref(admin):
    def ref(xmlid):
        [data] = admin.execute_kw(
            "ir.model.data",
            "search_read",
            [[("module", "=", "customer_quality"), ("name", "=", xmlid)]],
            {"fields": ["res_id"]},
        )
        return data["res_id"]

    return ref


def _client(server, cq_demo_db, who):
    client = JsonRpc(server, cq_demo_db.db)
    assert client.login(*who), f"{who[0]} cannot log in"
    return client


@pytest.fixture(scope="module")
def sales(server, cq_demo_db):
    return _client(server, cq_demo_db, SALES)


@pytest.fixture(scope="module")
def warehouse(server, cq_demo_db):
    return _client(server, cq_demo_db, WAREHOUSE)


@pytest.fixture(scope="module")
def officer(server, cq_demo_db):
    return _client(server, cq_demo_db, OFFICER)


def refused(client, model, method, args, kwargs=None):
    """Call and expect a clear refusal; return the error's message."""
    with pytest.raises(RpcError) as caught:
        client.execute_kw(model, method, args, kwargs or {})
    data = caught.value.error["data"]
    assert data["name"] in CLEAR_ERRORS, f"{model}.{method}: server error {data}"
    return data["message"]


def read(admin, model, record_id, names):
    [values] = admin.execute_kw(model, "read", [[record_id], names])
    return values


def test_sales_user_cannot_move_her_ticket_nor_forge_its_approval(admin, sales, ref):
    ticket = ref("cq_demo_ticket_disc_judder")
    before = read(
        admin, "cq.ticket", ticket, ["state", "approved_by_id", "approved_date"]
    )
    for context in CONTEXTS:
        for vals in (
            {"state": "approved"},
            {"state": "closed"},
            {"approved_by_id": sales.uid},
            {"approved_date": "2026-01-05 08:00:00"},
            {"readback_user_id": sales.uid, "readback_date": "2026-01-05 08:00:00"},
        ):
            refused(sales, "cq.ticket", "write", [[ticket], vals], {"context": context})
    assert (
        read(admin, "cq.ticket", ticket, ["state", "approved_by_id", "approved_date"])
        == before
    )


def test_nobody_creates_a_ticket_born_closed(admin, sales, ref):
    partner = ref("cq_demo_customer_ruida")
    count = admin.execute_kw("cq.ticket", "search_count", [[]])
    for context in CONTEXTS:
        message = refused(
            sales,
            "cq.ticket",
            "create",
            [
                {
                    "partner_id": partner,
                    "subject": "Born closed",
                    "description": "<p>x</p>",
                    "channel": "email",
                    "state": "closed",
                }
            ],
            {"context": context},
        )
        assert "workflow" in message
    assert admin.execute_kw("cq.ticket", "search_count", [[]]) == count


def test_sales_user_cannot_settle_her_return(admin, sales, ref):
    rma = ref("cq_demo_return_squeal")  # a draft of Sally's customer
    refused(
        sales,
        "cq.return",
        "write",
        [[rma], {"decided_on": "2026-01-05 08:00:00"}],
        {"context": {"cq_transition": True}},
    )
    refused(sales, "cq.return", "write", [[rma], {"explanation_sent_on": "2026-01-05"}])
    refused(sales, "cq.return", "write", [[rma], {"state": "received"}])
    [line] = admin.execute_kw("cq.return.line", "search", [[("return_id", "=", rma)]])
    refused(
        sales,
        "cq.return.line",
        "write",
        [[line], {"disposition": "scrap", "outcome": "credit_note"}],
    )
    # she authorises it, but the warehouse receives it
    sales.execute_kw("cq.return", "action_authorise", [[rma]])
    refused(sales, "cq.return", "action_receive", [[rma]])
    values = read(
        admin, "cq.return", rma, ["state", "decided_on", "explanation_sent_on"]
    )
    assert values["state"] == "authorised"
    assert not values["decided_on"] and not values["explanation_sent_on"]


def test_warehouse_user_cannot_decide(admin, warehouse, ref):
    rma = ref("cq_demo_return_disc_judder")  # inspected, waiting for quality
    [line] = admin.execute_kw(
        "cq.return.line", "search", [[("return_id", "=", rma)]], {"limit": 1}
    )
    refused(warehouse, "cq.return", "write", [[rma], {"state": "done"}])
    refused(
        warehouse,
        "cq.return.line",
        "write",
        [[line], {"disposition": "restock", "outcome": "replacement"}],
    )
    refused(warehouse, "cq.return", "action_decide", [[rma]])
    values = read(admin, "cq.return.line", line, ["disposition", "outcome"])
    assert not values["disposition"] and not values["outcome"]


def test_sales_user_cannot_decide_her_claim(admin, sales, ref):
    claims = sales.execute_kw("cq.warranty.claim", "search", [[]])
    assert claims, "Sally sees her customers' claims"
    claim = claims[0]
    before = read(admin, "cq.warranty.claim", claim, ["state", "decided_by_id"])
    refused(sales, "cq.warranty.claim", "write", [[claim], {"state": "decided"}])
    refused(
        sales, "cq.warranty.claim", "write", [[claim], {"decided_by_id": sales.uid}]
    )
    assert read(admin, "cq.warranty.claim", claim, ["state", "decided_by_id"]) == before


def test_officer_cannot_approve_by_writing(admin, officer, ref):
    ticket = ref("cq_demo_ticket_disc_judder")
    refused(
        officer,
        "cq.ticket",
        "write",
        [[ticket], {"state": "approved"}],
        {"context": {"cq_transition": True}},
    )
    assert read(admin, "cq.ticket", ticket, ["state"])["state"] != "approved"


def test_records_do_not_move_to_another_company(admin, sales, officer, ref):
    other = admin.execute_kw("res.company", "create", [{"name": "Elsewhere Ltd"}])
    ticket = ref("cq_demo_ticket_disc_judder")
    for client in (sales, officer):
        refused(client, "cq.ticket", "write", [[ticket], {"company_id": other}])
    assert read(admin, "cq.ticket", ticket, ["company_id"])["company_id"][0] != other
