def post_init_hook(env):
    """Give every existing company its deadline rules."""
    env["res.company"].search([])._cq_ensure_deadline_rules()
    # the main company numbers with the shared sequences
    # of the data file, the others get their own
    main = env.ref("base.main_company", raise_if_not_found=False)
    env["res.company"].search(
        [("id", "!=", main.id if main else 0)]
    )._cq_ensure_sequences()
