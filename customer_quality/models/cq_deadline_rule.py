import bisect
from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models, tools

DEADLINE_KINDS = [
    ("handoff", "Hand-off to the responsible department"),
    ("first_reply", "First reply to the customer"),
    ("site_visit", "Site visit"),
    ("determination", "Responsibility determined and customer answered"),
    ("solution", "Solution proposed"),
    ("urgent", "Urgent handling"),
]

RULE_KINDS = (
    DEADLINE_KINDS[:3]
    + [
        ("site_visit_line_stop", "Site visit (line-stopping quality problem)"),
        DEADLINE_KINDS[3],
        ("determination_unreachable", "Determination (customer cannot be reached)"),
    ]
    + DEADLINE_KINDS[4:]
)

UNITS = [
    ("working_hours", "Working hours"),
    ("working_days", "Working days"),
    ("hours", "Hours"),
    ("days", "Days"),
]

# Defaults of the procedures (客户投诉处理程序 / 客户信息反馈处理单).
DEFAULT_RULES = {
    "handoff": (0.5, "working_hours"),
    "first_reply": (8.0, "working_hours"),
    "site_visit": (2.0, "working_days"),
    "site_visit_line_stop": (8.0, "working_hours"),
    "determination": (24.0, "hours"),
    "determination_unreachable": (48.0, "hours"),
    "solution": (5.0, "working_days"),
    "urgent": (2.0, "working_days"),
}

SEVERITIES = [("general", "General"), ("serious", "Serious")]

# How far ahead working intervals are read at once when planning (extended on demand).
# Performance (bench/): 14 days cover the default rules; 45 took twice as long.
_HORIZON = timedelta(days=14)


class CqDeadlineRule(models.Model):
    """How long a step may take, per company and severity, on the working calendar."""

    _name = "cq.deadline.rule"
    _description = "Customer Quality Deadline Rule"
    _order = "company_id, severity, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    severity = fields.Selection(SEVERITIES, required=True, default="general")
    kind = fields.Selection(RULE_KINDS, required=True)
    duration = fields.Float(
        required=True,
        aggregator=None,
        help="How long the step may take, counted from the moment the feedback was "
        "received.",
    )
    unit = fields.Selection(
        UNITS,
        required=True,
        default="working_hours",
        help="Working hours and days follow the company's working calendar "
        "(attendances and public holidays). Plain hours and days run round the clock; "
        "a deadline that falls outside working time moves to the next working moment.",
    )

    _sql_constraints = [
        (
            "kind_uniq",
            "unique(company_id, severity, kind)",
            "There is already a rule for this step and severity in this company.",
        ),
        (
            "duration_positive",
            "CHECK(duration > 0)",
            "A deadline needs a positive duration.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()  # the rules kept per company
        rules._resync_tickets()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        self._resync_tickets()
        return result

    def unlink(self):
        affected = [(rule.company_id, rule.severity) for rule in self]
        result = super().unlink()
        self.env.registry.clear_cache()
        # the deadlines of the steps fall back to the procedures' defaults
        if not self.env.context.get("install_mode"):
            for company, severity in set(affected):
                self.env["cq.ticket"]._cq_resync_open(
                    [("company_id", "=", company.id), ("severity", "=", severity)]
                )
        return result

    def _resync_tickets(self):
        if self.env.context.get("install_mode") or not self:
            return
        self.env["cq.ticket"]._cq_resync_open(
            [
                ("company_id", "in", self.company_id.ids),
                ("severity", "in", self.mapped("severity")),
            ]
        )

    @api.model
    def _rules_for(self, companies):
        """Return {(company_id, severity, kind):
        (duration, unit)} with defaults filled in."""
        result = {}
        for company in companies:
            result.update(self._cq_company_rules(company.id))
        return result

    @tools.ormcache("company_id")
    def _cq_company_rules(self, company_id):
        """The rules of one company with the defaults filled in, kept in the
        registry's cache (cleared when a rule changes): a new ticket reads no
        rule (bench/)."""
        result = {
            (company_id, severity, kind): value
            for severity, _label in SEVERITIES
            for kind, value in DEFAULT_RULES.items()
        }
        rules = self.sudo().search_fetch(
            [("company_id", "=", company_id)],
            ["company_id", "severity", "kind", "duration", "unit"],
        )
        for rule in rules:
            result[(company_id, rule.severity, rule.kind)] = (rule.duration, rule.unit)
        return tuple(result.items())

    # ------------------------------------------------------------------
    # Planning on a calendar
    # ------------------------------------------------------------------
    @api.model
    def _plan(self, calendar, requests):
        """Plan many deadlines on one calendar.

        :param calendar: a resource.calendar (may be empty: then time runs round the
        clock)
        :param requests: list of (start, duration, unit), start a naive UTC datetime
        :return: list of naive UTC datetimes, in the order of ``requests``
        """
        if not requests:
            return []
        if not calendar:
            return [
                start + self._elapsed(duration, unit)
                for start, duration, unit in requests
            ]
        hours_per_day = calendar._cq_hours_per_day()
        low = min(start for start, _d, _u in requests)
        high = max(start for start, _d, _u in requests)
        intervals = _Intervals(calendar, low, high + _HORIZON)
        results = []
        for start, duration, unit in requests:
            if unit in ("working_hours", "working_days"):
                hours = duration * hours_per_day if unit == "working_days" else duration
                results.append(intervals.add_working_hours(start, hours))
            else:
                # the clock starts at the first working moment after receipt, so that a
                # complaint received on a Saturday is not due before its hand-off
                begin = intervals.next_working_moment(start)
                results.append(
                    intervals.next_working_moment(begin + self._elapsed(duration, unit))
                )
        return results

    @staticmethod
    def _elapsed(duration, unit):
        if unit in ("days", "working_days"):
            return timedelta(days=duration)
        return timedelta(hours=duration)


class _Intervals:
    """Working intervals of one calendar, read
    once and extended on demand (naive UTC)."""

    def __init__(self, calendar, start, stop):
        self.calendar = calendar
        self.starts = []
        self.stops = []
        self.until = start
        self._extend(start, stop)

    def _extend(self, start, stop):
        aware_start = pytz.utc.localize(max(start, self.until))
        aware_stop = pytz.utc.localize(stop)
        found = self.calendar._cq_work_intervals(aware_start, aware_stop)
        for begin, end, _meta in found:
            begin = begin.astimezone(pytz.utc).replace(tzinfo=None)
            end = end.astimezone(pytz.utc).replace(tzinfo=None)
            if self.stops and begin <= self.stops[-1]:
                self.stops[-1] = max(self.stops[-1], end)
                continue
            self.starts.append(begin)
            self.stops.append(end)
        self.until = stop

    def _ensure(self, moment):
        # a calendar without any attendance would loop for ever: give up after ~2 years
        tries = 0
        while (not self.stops or self.stops[-1] <= moment) and tries < 52:
            self._extend(self.until, self.until + _HORIZON)
            tries += 1
        return bool(self.stops) and self.stops[-1] > moment

    def next_working_moment(self, moment):
        if not self._ensure(moment):
            return moment
        index = bisect.bisect_right(self.stops, moment)
        return max(moment, self.starts[index])

    def add_working_hours(self, moment, hours):
        remaining = timedelta(hours=hours)
        current = moment
        while True:
            if not self._ensure(current):
                return current + remaining
            index = bisect.bisect_right(self.stops, current)
            begin = max(current, self.starts[index])
            available = self.stops[index] - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
            current = self.stops[index]


def to_naive_utc(value):
    """Datetime fields are naive UTC; accept aware datetimes too."""
    if isinstance(value, datetime) and value.tzinfo:
        return value.astimezone(pytz.utc).replace(tzinfo=None)
    return value
