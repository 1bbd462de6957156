from odoo import api, models


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _cq_work_intervals(self, start, stop, company=None):
        """The working intervals of this calendar between the aware datetimes
        ``start`` and ``stop``, without its public holidays and those of
        ``company`` (the calendar's by default). They are the same whoever
        asks: not the holidays of every company the user may read, as the
        leaves read under the caller's record rules would give."""
        self.ensure_one()
        company = company or self.company_id or self.env.company
        holidays = [
            ("time_type", "=", "leave"),
            ("company_id", "in", [False, company.id]),
        ]
        return self.sudo()._work_intervals_batch(start, stop, domain=holidays)[False]

    def write(self, vals):
        result = super().write(vals)
        if {"attendance_ids", "global_leave_ids", "tz", "hours_per_day"} & set(vals):
            self._cq_resync_deadlines()
        return result

    def _cq_resync_deadlines(self):
        """Open customer-quality deadlines follow the new working time."""
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
            self.env["cq.ticket"]._cq_resync_open([])
            self.env["cq.capa"]._cq_resync_open([])
        elif leaves:
            leaves.calendar_id._cq_resync_deadlines()
