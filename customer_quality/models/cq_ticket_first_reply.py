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

    @api.depends("received_date", "first_reply_date")
    def _compute_first_reply_working_hours(self):
        for ticket in self:
            start, stop = ticket.received_date, ticket.first_reply_date
            if not start or not stop or stop <= start:
                ticket.first_reply_working_hours = 0.0
                continue
            calendar = ticket.company_id._cq_calendar()
            ticket.first_reply_working_hours = (
                calendar.get_work_hours_count(
                    pytz.utc.localize(start), pytz.utc.localize(stop)
                )
                if calendar
                else (stop - start).total_seconds() / 3600.0
            )
