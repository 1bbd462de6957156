from datetime import datetime, timedelta

import pytz

from odoo import api, models, tools

# Working intervals are read by chunks of two weeks from a fixed Monday, and
# each chunk is kept in the registry's cache: planning the deadlines of a new
# ticket then reads no calendar at all (bench/). Any change of a calendar, its
# attendances or its leaves clears the cache.
_CHUNK = timedelta(days=14)
_EPOCH = datetime(2000, 1, 3)


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _cq_work_intervals(self, start, stop, company=None):
        """The working intervals of this calendar between the aware datetimes
        ``start`` and ``stop``, without its public holidays and those of
        ``company`` (the calendar's by default), as (start, stop, None) in
        UTC. They are the same whoever asks: not the holidays of every company
        the user may read, as the leaves read under the caller's record rules
        would give."""
        self.ensure_one()
        company_id = company.id if company else self._cq_facts()[1]
        company_id = company_id or self.env.company.id
        low = start.astimezone(pytz.utc).replace(tzinfo=None)
        high = stop.astimezone(pytz.utc).replace(tzinfo=None)
        if high <= low:
            return []
        first = (low - _EPOCH) // _CHUNK
        last = (high - _EPOCH) // _CHUNK
        merged = []
        for index in range(first, last + 1):
            for begin, end in self._cq_work_chunk(company_id, index):
                begin, end = max(begin, low), min(end, high)
                if end <= begin:
                    continue
                if merged and begin <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([begin, end])
        return [
            (pytz.utc.localize(begin), pytz.utc.localize(end), None)
            for begin, end in merged
        ]

    def _cq_hours_per_day(self):
        """The length of a working day on this calendar."""
        return self._cq_facts()[0]

    @tools.ormcache("self.id")
    def _cq_facts(self):
        """(hours per day, company id) of this calendar, kept in the cache."""
        calendar = self.sudo()
        return calendar.hours_per_day or 8.0, calendar.company_id.id

    @tools.ormcache("self.id", "company_id", "index")
    def _cq_work_chunk(self, company_id, index):
        """The working intervals (naive UTC) of chunk ``index`` of this calendar
        for ``company_id``'s holidays; the same for every caller."""
        begin = pytz.utc.localize(_EPOCH + index * _CHUNK)
        holidays = [
            ("time_type", "=", "leave"),
            ("company_id", "in", [False, company_id]),
        ]
        found = self.sudo()._work_intervals_batch(
            begin, begin + _CHUNK, domain=holidays
        )[False]
        return tuple(
            (
                start.astimezone(pytz.utc).replace(tzinfo=None),
                stop.astimezone(pytz.utc).replace(tzinfo=None),
            )
            for start, stop, _meta in found
        )

    def write(self, vals):
        result = super().write(vals)
        if {
            "attendance_ids",
            "global_leave_ids",
            "tz",
            "hours_per_day",
            "two_weeks_calendar",
            "flexible_hours",
            "company_id",
        } & set(vals):
            self._cq_resync_deadlines()
        return result

    def _cq_resync_deadlines(self):
        """Open customer-quality deadlines follow the new working time."""
        if not self:
            return
        self.env.registry.clear_cache()  # the working intervals kept
        companies = (
            self.env["res.company"]
            .sudo()
            .search(
                [
                    "|",
                    ("cq_calendar_id", "in", self.ids),
                    "&",
                    ("cq_calendar_id", "=", False),
                    ("resource_calendar_id", "in", self.ids),
                ]
            )
        )
        if companies:
            self.env["cq.ticket"]._cq_resync_open([("company_id", "in", companies.ids)])
            self.env["cq.capa"]._cq_resync_open([("company_id", "in", companies.ids)])


class ResourceCalendarAttendance(models.Model):
    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.calendar_id._cq_resync_deadlines()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.calendar_id._cq_resync_deadlines()
        return result

    def unlink(self):
        calendars = self.calendar_id
        result = super().unlink()
        calendars._cq_resync_deadlines()
        return result


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._cq_resync_deadlines()
        return leaves

    def write(self, vals):
        before = self.filtered(lambda leave: not leave.resource_id)
        result = super().write(vals)
        (before | self)._cq_resync_deadlines()
        return result

    def unlink(self):
        leaves = self.filtered(lambda leave: not leave.resource_id)
        everywhere = any(not leave.calendar_id for leave in leaves)
        calendars = leaves.calendar_id
        result = super().unlink()
        if everywhere:
            self.env.registry.clear_cache()  # the working intervals kept
            self.env["cq.ticket"]._cq_resync_open([])
            self.env["cq.capa"]._cq_resync_open([])
        elif calendars:
            calendars._cq_resync_deadlines()
        return result

    def _cq_resync_deadlines(self):
        """Public holidays (leaves of no resource) change the working time of their
        calendar, or of every calendar when they have none: open deadlines follow."""
        leaves = self.filtered(lambda leave: not leave.resource_id)
        if any(not leave.calendar_id for leave in leaves):
            self.env.registry.clear_cache()  # the working intervals kept
            self.env["cq.ticket"]._cq_resync_open([])
            self.env["cq.capa"]._cq_resync_open([])
        elif leaves:
            leaves.calendar_id._cq_resync_deadlines()
