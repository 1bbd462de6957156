"""What the add-on writes for someone (an activity's summary, an escalation,
a reminder) is written in that person's language, not in the language of
whoever or whatever (a cron) happens to write it."""


def env_for(env, user):
    """``env`` in the language of ``user`` (the one of ``env`` when they have
    none); use its ``_()`` for the texts ``user`` reads."""
    lang = user.lang or env.lang
    if lang == env.lang:
        return env
    return env(context=dict(env.context, lang=lang))
