from odoo import api, fields, models
from odoo.tools import SQL

from .cq_deadline_mixin import STATUSES
from .cq_deadline_rule import DEADLINE_KINDS


class CqKpiDeadline(models.Model):
    """Deadline compliance: one row per deadline of a ticket not cancelled.

    A deadline counts once it is decided: met on time (met no later than due),
    met late, or missed (not met and its due moment passed, whether or not the
    escalation cron saw it yet). Deadlines still running count in no rate."""

    _name = "cq.kpi.deadline"
    _inherit = "cq.kpi.ticket.mixin"
    _description = "Deadline Compliance"
    _auto = False
    _order = "date_deadline desc, id desc"
    _rec_name = "kind"
    _cq_ratios = {"on_time_rate": ("met_count", "decided_count", 100.0)}
    _depends = {
        "cq.ticket.deadline": [
            "ticket_id",
            "kind",
            "status",
            "round",
            "date_deadline",
            "date_met",
        ],
    }

    deadline_id = fields.Many2one(
        "cq.ticket.deadline", "Ticket deadline", readonly=True
    )
    kind = fields.Selection(DEADLINE_KINDS, "Step", readonly=True)
    status = fields.Selection(STATUSES, readonly=True)
    round = fields.Integer(readonly=True, aggregator=None)
    date_deadline = fields.Datetime("Deadline", readonly=True)
    date_met = fields.Datetime("Met on", readonly=True)
    met_count = fields.Integer("Met on time", readonly=True, aggregator="sum")
    late_count = fields.Integer("Met late", readonly=True, aggregator="sum")
    overdue_count = fields.Integer(
        "Missed", readonly=True, aggregator="sum", help="Not met and past due."
    )
    decided_count = fields.Integer(
        "Decided",
        readonly=True,
        aggregator="sum",
        help="Met on time, met late or missed: the deadlines the rate counts.",
    )
    on_time_rate = fields.Float(
        "On time (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Met on time over met on time, met late and missed, of each group.",
    )

    @api.model
    def _cq_view_query(self):
        return SQL(
            """
            WITH decided AS (
                SELECT d.*,
                       CASE
                           WHEN d.date_met IS NOT NULL
                               THEN CASE WHEN d.date_met <= d.date_deadline
                                         THEN 'met' ELSE 'met_late' END
                           WHEN d.date_deadline <= (NOW() AT TIME ZONE 'UTC')
                               THEN 'overdue'
                       END AS outcome
                  FROM cq_ticket_deadline d
            )
            SELECT d.id AS id,
                   d.id AS deadline_id,
                   d.kind AS kind,
                   COALESCE(d.outcome, d.status) AS status,
                   d.round AS round,
                   d.date_deadline AS date_deadline,
                   d.date_met AS date_met,
                   %s,
                   (d.outcome IS NOT DISTINCT FROM 'met')::int AS met_count,
                   (d.outcome IS NOT DISTINCT FROM 'met_late')::int AS late_count,
                   (d.outcome IS NOT DISTINCT FROM 'overdue')::int AS overdue_count,
                   (d.outcome IS NOT NULL)::int AS decided_count,
                   CASE d.outcome WHEN 'met' THEN 100.0
                                  WHEN 'met_late' THEN 0.0
                                  WHEN 'overdue' THEN 0.0 END AS on_time_rate
              FROM decided d
              JOIN cq_ticket t ON t.id = d.ticket_id
             WHERE %s
            """,
            self._cq_ticket_dimensions(),
            self._cq_ticket_counted(),
        )
