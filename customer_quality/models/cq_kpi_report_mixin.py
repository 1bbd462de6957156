from odoo import api, models
from odoo.tools import SQL
from odoo.tools.sql import drop_view_if_exists


class CqKpiReportMixin(models.AbstractModel):
    """A read-only KPI report on a SQL view, whose ratios are right per group.

    A report declares ``_auto = False`` and ``_cq_view_query()`` (the SELECT of
    its view). A ratio field named in ``_cq_ratios`` (ratio -> numerator,
    denominator, factor) is computed in every group from the group's sums of
    its numerator and its denominator, whatever aggregate the caller asks for:
    a sum or an average of the rows' ratios is wrong as soon as a group holds
    rows of different weights."""

    _name = "cq.kpi.report.mixin"
    _description = "Customer Quality KPI Report"

    _cq_ratios = {}
    # what _cq_local_day reads
    _depends = {
        "res.company": ["partner_id", "cq_calendar_id", "resource_calendar_id"],
        "res.partner": ["tz"],
        "resource.calendar": ["tz"],
    }

    @api.model
    def _cq_view_query(self):
        """The SELECT of the report's view; called by init."""
        raise NotImplementedError

    def init(self):
        res = super().init()
        if self._abstract:
            return res
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._cq_view_query(),
            )
        )
        return res

    @api.model
    def _cq_local_day(self, moment, company):
        """SQL: the day of the UTC ``moment`` where ``company`` works (the time
        zone of its quality calendar, as res.company._cq_tz), so that what
        happened on the 1st at 01:00 in Shanghai is in that month, not the one
        before; called by the views' queries."""
        return SQL(
            """(%s AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(
                   (SELECT COALESCE(calendar.tz, partner.tz)
                      FROM res_company company
                      JOIN res_partner partner ON partner.id = company.partner_id
                      LEFT JOIN resource_calendar calendar ON calendar.id
                           = COALESCE(company.cq_calendar_id,
                                      company.resource_calendar_id)
                     WHERE company.id = %s), 'UTC'))::date""",
            moment,
            company,
        )

    def _read_group_select(self, aggregate_spec, query):
        ratio = self._cq_ratios.get(aggregate_spec.split(":")[0])
        if not ratio:
            return super()._read_group_select(aggregate_spec, query)
        numerator, denominator, factor = ratio
        # no denominator: no ratio (empty, not 0: complaints without deliveries
        # in the period are not a perfect score)
        return SQL(
            "SUM(%s) * %s / NULLIF(SUM(%s), 0)",
            self._field_to_sql(self._table, numerator, query),
            factor,
            self._field_to_sql(self._table, denominator, query),
        )
