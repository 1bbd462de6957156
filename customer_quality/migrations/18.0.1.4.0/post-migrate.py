from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """18.0.1.4.0 opens the tickets to the customers' portal users: the notice
    of a serious complaint, sent to management, becomes internal, so that the
    customers following their tickets never receive it (its data record is not
    updated by the upgrade)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    subtype = env.ref("customer_quality.mt_cq_ticket_serious", raise_if_not_found=False)
    if subtype:
        subtype.internal = True
    # the documents customers open in the portal, closed ones included, carry
    # their access token from now on (their mails' links are made of it)
    for table in ("cq_ticket", "cq_return", "cq_warranty_claim"):
        cr.execute(
            f"UPDATE {table} SET access_token = gen_random_uuid()::text "  # noqa: S608
            "WHERE access_token IS NULL"
        )
