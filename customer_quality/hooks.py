def post_init_hook(env):
    """Give every existing company its deadline rules."""
    env["res.company"].search([])._cq_ensure_deadline_rules()
