from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Returns and warranty claims arrive: the companies that number their tickets
    on their own get their own return and claim series too."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    main = env.ref("base.main_company", raise_if_not_found=False)
    env["res.company"].search(
        [("id", "!=", main.id if main else 0)]
    )._cq_ensure_sequences()
