from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """18.0.1.3.0 numbers satisfaction campaigns and their weak results: every
    company but the main one (served by the shared series of the data file)
    gets its own series, like the other quality records."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    main = env.ref("base.main_company", raise_if_not_found=False)
    env["res.company"].search(
        [("id", "!=", main.id if main else 0)]
    )._cq_ensure_sequences()
