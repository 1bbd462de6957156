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
