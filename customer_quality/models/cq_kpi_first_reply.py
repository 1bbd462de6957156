from odoo import api, fields, models
from odoo.tools import SQL

from .cq_ticket import CHANNELS


class CqKpiFirstReply(models.Model):
    """First-reply time: one row per replied ticket (not cancelled), so that the
    average of a group is over the tickets that got their first reply, never
    diluted by tickets still waiting for it."""

    _name = "cq.kpi.first.reply"
    _inherit = "cq.kpi.ticket.mixin"
    _description = "First-reply Time"
    _auto = False
    _order = "received_date desc, id desc"
    _rec_name = "ticket_id"
    _depends = {
        "cq.ticket": [
            "channel",
            "received_date",
            "first_reply_date",
            "first_reply_working_hours",
        ],
    }

    channel = fields.Selection(CHANNELS, readonly=True)
    received_date = fields.Datetime("Received on", readonly=True)
    first_reply_date = fields.Datetime("First reply on", readonly=True)
    reply_hours = fields.Float(
        "First reply (hours)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Calendar hours from received to the first reply.",
    )
    reply_working_hours = fields.Float(
        "First reply (working hours)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Working hours of the company's quality calendar from received to the "
        "first reply.",
    )

    @api.model
    def _cq_view_query(self):
        return SQL(
            """
            SELECT t.id AS id,
                   %s,
                   t.channel AS channel,
                   t.received_date AS received_date,
                   t.first_reply_date AS first_reply_date,
                   GREATEST(EXTRACT(EPOCH FROM t.first_reply_date - t.received_date),
                            0) / 3600.0 AS reply_hours,
                   t.first_reply_working_hours AS reply_working_hours
              FROM cq_ticket t
             WHERE t.first_reply_date IS NOT NULL AND %s
            """,
            self._cq_ticket_dimensions(),
            self._cq_ticket_counted(),
        )
