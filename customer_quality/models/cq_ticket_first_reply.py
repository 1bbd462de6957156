from bisect import bisect_right

import pytz

from odoo import api, fields, models


class CqTicket(models.Model):
    _inherit = "cq.ticket"  # pylint: disable=consider-merging-classes-inherited

    first_reply_working_hours = fields.Float(
        "First reply (working hours)",
        compute="_compute_first_reply_working_hours",
        store=True,
        aggregator=None,
        digits=(16, 2),
        help="Working hours of the company's quality calendar from the moment the "
        "feedback was received to the first reply to the customer; empty until "
        "the first reply. Averaged per group in the first-reply KPI.",
    )

    @api.depends("received_date", "first_reply_date", "company_id")
    def _compute_first_reply_working_hours(self):
        # Performance: the working intervals are read once per calendar for
        # the whole batch (an upgrade computes every replied ticket), then each
        # ticket sums the part of them between its two moments.
        spans = {}
        for ticket in self:
            start, stop = ticket.received_date, ticket.first_reply_date
            if not start or not stop or stop <= start:
                ticket.first_reply_working_hours = 0.0
                continue
            calendar = ticket.company_id._cq_calendar()
            if not calendar:
                ticket.first_reply_working_hours = (
                    stop - start
                ).total_seconds() / 3600.0
                continue
            spans.setdefault(calendar, []).append(
                (ticket, pytz.utc.localize(start), pytz.utc.localize(stop))
            )
        for calendar, rows in spans.items():
            begin = min(start for _ticket, start, _stop in rows)
            end = max(stop for _ticket, _start, stop in rows)
            intervals = sorted(
                (start, stop)
                for start, stop, _meta in calendar._cq_work_intervals(begin, end)
            )
            starts = [start for start, _stop in intervals]
            for ticket, start, stop in rows:
                seconds = 0.0
                for lo, hi in intervals[max(bisect_right(starts, start) - 1, 0) :]:
                    if lo >= stop:
                        break
                    overlap = (min(hi, stop) - max(lo, start)).total_seconds()
                    seconds += max(overlap, 0.0)
                ticket.first_reply_working_hours = seconds / 3600.0
