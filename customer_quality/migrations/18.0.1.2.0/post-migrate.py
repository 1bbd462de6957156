from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tools import plaintext2html
from odoo.tools.sql import column_exists


def migrate(cr, version):
    """Corrective actions become records: each ticket's old "Corrective action
    (8D)" text moves into a corrective action of its own, linked to the ticket,
    and the text column goes. The new records start at the beginning of their
    workflow: nothing says their effectiveness was ever verified, so they are
    on the management review list until it is."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    main = env.ref("base.main_company", raise_if_not_found=False)
    env["res.company"].search(
        [("id", "!=", main.id if main else 0)]
    )._cq_ensure_sequences()
    if not column_exists(cr, "cq_ticket", "corrective_action"):
        return
    cr.execute(
        """SELECT id, corrective_action FROM cq_ticket
            WHERE corrective_action IS NOT NULL AND btrim(corrective_action) != ''
            ORDER BY id"""
    )
    texts = dict(cr.fetchall())
    tickets = env["cq.ticket"].with_context(active_test=False).browse(list(texts))
    for ticket in tickets:
        text = texts[ticket.id].strip()
        values = ticket._prepare_capa_vals()
        # a leader who works in the ticket's company
        candidates = (
            ticket.user_id
            | ticket.company_id.cq_quality_manager_id
            | (env.ref("base.user_admin", raise_if_not_found=False) or env["res.users"])
        )
        leader = candidates.filtered(lambda u, c=ticket.company_id: c in u.company_ids)
        values["leader_id"] = (leader[:1] or env.user).id
        values["lot_ids"] = [Command.set(ticket.lot_id.ids)]
        # its steps are due from now: nobody could meet them before it existed
        values["open_date"] = fields.Datetime.now()
        capa = env["cq.capa"].with_company(ticket.company_id).create(values)
        capa.message_post(
            body=Markup("<p>%s</p>%s")
            % (
                env._(
                    "Corrective action recorded on %s before version 18.0.1.2.0:",
                    ticket.name,
                ),
                plaintext2html(text),
            ),
            subtype_xmlid="mail.mt_note",
        )
        ticket.message_post(
            body=Markup("<p>%s</p>")
            % env._("Its corrective action text moved into %s.")
            % capa.name,
            subtype_xmlid="mail.mt_note",
        )
    cr.execute("ALTER TABLE cq_ticket DROP COLUMN corrective_action")
