from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models
from odoo.exceptions import UserError

from .cq_capa import OPEN_CAPA_STATES
from .cq_ticket import OPEN_STATES

# measure -> (model counted, its field naming the department, count field on the team)
MEASURES = {
    "open_tickets": ("cq.ticket", "team_id", "open_ticket_count"),
    "overdue_tickets": ("cq.ticket", "team_id", "overdue_ticket_count"),
    "today_tickets": ("cq.ticket", "team_id", "today_ticket_count"),
    "serious_tickets": ("cq.ticket", "team_id", "serious_ticket_count"),
    "to_approve_tickets": ("cq.ticket", "team_id", "to_approve_ticket_count"),
    "returns_to_authorise": ("cq.return", "team_id", "return_to_authorise_count"),
    "returns_to_receive": ("cq.return", "team_id", "return_to_receive_count"),
    "returns_to_inspect": ("cq.return", "team_id", "return_to_inspect_count"),
    "returns_to_decide": ("cq.return", "team_id", "return_to_decide_count"),
    "overdue_capas": ("cq.capa", "team_ids", "overdue_capa_count"),
}

ACTIONS = {
    "cq.ticket": "customer_quality.cq_ticket_action",
    "cq.return": "customer_quality.cq_return_action",
    "cq.capa": "customer_quality.cq_capa_action",
}


class CqTeam(models.Model):
    """The overview of a department: what waits for it, each count opening the
    list of exactly the records it counted."""

    _inherit = "cq.team"  # pylint: disable=consider-merging-classes-inherited

    open_ticket_count = fields.Integer(
        "Open tickets", compute="_compute_overview_counts"
    )
    overdue_ticket_count = fields.Integer(
        "Overdue tickets",
        compute="_compute_overview_counts",
        help="Open tickets with a deadline passed and not met, on the clock (not "
        "waiting for the escalation cron to refresh the statuses).",
    )
    today_ticket_count = fields.Integer(
        "Due today",
        compute="_compute_overview_counts",
        help="Open tickets with a deadline not met, not yet passed and due before "
        "midnight in your time zone.",
    )
    serious_ticket_count = fields.Integer(
        "Serious tickets",
        compute="_compute_overview_counts",
        help="Open tickets of serious severity.",
    )
    to_approve_ticket_count = fields.Integer(
        "Waiting approval", compute="_compute_overview_counts"
    )
    return_to_authorise_count = fields.Integer(
        "Returns to authorise",
        compute="_compute_overview_counts",
        help="Draft returns waiting for authorisation, among them those customers "
        "requested in the portal.",
    )
    return_to_receive_count = fields.Integer(
        "Returns to receive",
        compute="_compute_overview_counts",
        help="Authorised returns (confirmed by quality where needed) of this "
        "department's complaints.",
    )
    return_to_inspect_count = fields.Integer(
        "Returns to inspect", compute="_compute_overview_counts"
    )
    return_to_decide_count = fields.Integer(
        "Returns to decide",
        compute="_compute_overview_counts",
        help="Inspected returns whose disposition is not decided yet.",
    )
    overdue_capa_count = fields.Integer(
        "Corrective actions overdue",
        compute="_compute_overview_counts",
        help="Open corrective actions of this department's complaints with a step "
        "deadline passed and not met, or an action past its date.",
    )

    def _compute_overview_counts(self):
        # Performance: one grouped count per measure for all the departments shown,
        # with the user's record rules; never a count per department.
        for measure, (model, team_field, count_field) in MEASURES.items():
            Model = self.env[model]
            counts = {}
            if self.ids and Model.has_access("read"):
                domain = self._cq_overview_domain(measure)
                counts = dict(Model._read_group(domain, [team_field], ["__count"]))
            for team in self:
                team[count_field] = counts.get(team, 0)

    def _cq_overview_domain(self, measure):
        """The records of these departments that ``measure`` counts: the count
        and the list it opens both use it, so that they always agree."""
        team_field = MEASURES[measure][1]
        return [(team_field, "in", self.ids), *self._cq_measure_domain(measure)]

    def _cq_measure_domain(self, measure):
        """The records of any department that ``measure`` counts."""
        now = fields.Datetime.now()
        open_ticket = [("state", "in", OPEN_STATES)]
        if measure == "open_tickets":
            return open_ticket
        if measure == "overdue_tickets":
            passed = [("date_met", "=", False), ("date_deadline", "<=", now)]
            return [*open_ticket, ("deadline_ids", "any", passed)]
        if measure == "today_tickets":
            today = [
                ("date_met", "=", False),
                ("date_deadline", ">", now),
                ("date_deadline", "<", self._cq_midnight(now)),
            ]
            return [*open_ticket, ("deadline_ids", "any", today)]
        if measure == "serious_tickets":
            return [*open_ticket, ("severity", "=", "serious")]
        if measure == "to_approve_tickets":
            return [("state", "=", "to_approve")]
        if measure == "returns_to_authorise":
            return [("state", "=", "draft")]
        if measure == "returns_to_receive":
            return [
                ("state", "=", "authorised"),
                "|",
                ("needs_quality_confirmation", "=", False),
                ("quality_confirmed_by_id", "!=", False),
            ]
        if measure == "returns_to_inspect":
            return [("state", "=", "received")]
        if measure == "returns_to_decide":
            return [("state", "=", "inspected"), ("decided_on", "=", False)]
        if measure == "overdue_capas":
            missed = [
                ("date_met", "=", False),
                ("superseded", "=", False),
                ("date_deadline", "<=", now),
            ]
            return [
                ("state", "in", OPEN_CAPA_STATES),
                "|",
                ("deadline_ids", "any", missed),
                ("has_overdue_action", "=", True),
            ]
        raise UserError(self.env._("Unknown overview count: %s", measure))

    def _cq_midnight(self, now):
        """The end of today in the user's time zone, as a naive UTC datetime."""
        name = self.env.context.get("tz") or self.env.user.tz
        tz = pytz.timezone(name if name in pytz.all_timezones_set else "UTC")
        today = pytz.utc.localize(now).astimezone(tz).date()
        midnight = tz.localize(datetime.combine(today + timedelta(days=1), time.min))
        return midnight.astimezone(pytz.utc).replace(tzinfo=None)

    def action_view_overview(self):
        """The list of this department's records a count of its card counted (the
        measure in the context key ``cq_measure``)."""
        self.ensure_one()
        measure = self.env.context.get("cq_measure")
        if not isinstance(measure, str) or measure not in MEASURES:
            raise UserError(self.env._("Unknown overview count: %s", measure))
        model, _team_field, count_field = MEASURES[measure]
        action = self.env["ir.actions.act_window"]._for_xml_id(ACTIONS[model])
        domain = self._cq_overview_domain(measure)
        label = self._fields[count_field]._description_string(self.env)
        name = f"{label} – {self.display_name}"
        action.update(
            name=name,
            display_name=name,
            domain=self._cq_serializable(domain),
            context={"default_team_id": self.id} if model == "cq.ticket" else {},
        )
        return action

    def _cq_serializable(self, domain):
        """``domain`` with its datetimes as strings, for the web client."""
        result = []
        for leaf in domain:
            if isinstance(leaf, tuple):
                field, operator, value = leaf
                if isinstance(value, list):
                    value = self._cq_serializable(value)
                elif isinstance(value, datetime):
                    value = fields.Datetime.to_string(value)
                leaf = (field, operator, value)
            result.append(leaf)
        return result
