from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .cq_capa import OPEN_CAPA_STATES
from .cq_ticket import OPEN_STATES

# KPIs whose fall is good news: the digest email colours their changes the other
# way round (a rise in red, a fall in green).
LOWER_IS_BETTER = (
    "kpi_cq_complaint_serious",
    "kpi_cq_deadline_missed",
    "kpi_cq_return_requested",
    "kpi_cq_capa_step_missed",
    "kpi_cq_first_reply_hours",
)


def _missed(document_field, running_states):
    """Deadlines (filtered on their due date by the digest) met late, or not met
    on a document still running."""
    return [
        "|",
        ("status", "=", "met_late"),
        "&",
        ("date_met", "=", False),
        (f"{document_field}.state", "in", running_states),
    ]


# KPI value -> (model counted, its date in the period, which of its records)
COMPANY_KPIS = {
    "kpi_cq_complaint_new_value": (
        "cq.ticket",
        "received_date",
        [("feedback_type", "=", "complaint")],
    ),
    "kpi_cq_complaint_serious_value": (
        "cq.ticket",
        "received_date",
        [("severity", "=", "serious")],
    ),
    "kpi_cq_deadline_missed_value": (
        "cq.ticket.deadline",
        "date_deadline",
        _missed("ticket_id", OPEN_STATES),
    ),
    "kpi_cq_return_requested_value": (
        "cq.return",
        "create_date",
        [("state", "!=", "cancelled")],
    ),
    "kpi_cq_capa_step_missed_value": (
        "cq.capa.deadline",
        "date_deadline",
        [("superseded", "=", False), *_missed("capa_id", OPEN_CAPA_STATES)],
    ),
}


class DigestDigest(models.Model):
    """Customer-quality KPIs of the periodic digest email, for quality staff."""

    _inherit = "digest.digest"

    kpi_cq_complaint_new = fields.Boolean("New complaints")
    kpi_cq_complaint_new_value = fields.Integer(
        "Number of new complaints", compute="_compute_kpi_cq_complaint_new_value"
    )
    kpi_cq_complaint_serious = fields.Boolean("Serious complaints (lower is better)")
    kpi_cq_complaint_serious_value = fields.Integer(
        "Number of serious complaints",
        compute="_compute_kpi_cq_complaint_serious_value",
    )
    kpi_cq_deadline_missed = fields.Boolean(
        "Missed ticket deadlines (lower is better)",
        help="Ticket deadlines due in the period that were met late or are still "
        "not met.",
    )
    kpi_cq_deadline_missed_value = fields.Integer(
        "Number of missed ticket deadlines",
        compute="_compute_kpi_cq_deadline_missed_value",
    )
    kpi_cq_return_requested = fields.Boolean("Returns registered (lower is better)")
    kpi_cq_return_requested_value = fields.Integer(
        "Number of returns registered", compute="_compute_kpi_cq_return_requested_value"
    )
    kpi_cq_capa_step_missed = fields.Boolean(
        "Missed corrective action steps (lower is better)",
        help="Step deadlines of corrective actions due in the period that were met "
        "late or are still not met.",
    )
    kpi_cq_capa_step_missed_value = fields.Integer(
        "Number of missed corrective action steps",
        compute="_compute_kpi_cq_capa_step_missed_value",
    )
    kpi_cq_first_reply_hours = fields.Boolean(
        "Average first reply in hours (lower is better)",
        help="From receipt to the first reply, for the tickets first answered in "
        "the period.",
    )
    kpi_cq_first_reply_hours_value = fields.Float(
        "Average first reply (hours)",
        compute="_compute_kpi_cq_first_reply_hours_value",
    )

    # ------------------------------------------------------------------
    # KPIs
    # ------------------------------------------------------------------
    def _cq_check_kpi_access(self):
        # the digest skips a KPI that raises AccessError for its recipient
        if not self.env.user.has_group("customer_quality.group_cq_officer"):
            raise AccessError(
                self.env._("Do not have access, skip this data for user's digest email")
            )

    def _cq_company_kpi(self, kpi_field):
        self._cq_check_kpi_access()
        model, date_field, domain = COMPANY_KPIS[kpi_field]
        self._calculate_company_based_kpi(
            model, kpi_field, date_field=date_field, additional_domain=domain
        )

    def _compute_kpi_cq_complaint_new_value(self):
        self._cq_company_kpi("kpi_cq_complaint_new_value")

    def _compute_kpi_cq_complaint_serious_value(self):
        self._cq_company_kpi("kpi_cq_complaint_serious_value")

    def _compute_kpi_cq_deadline_missed_value(self):
        self._cq_company_kpi("kpi_cq_deadline_missed_value")

    def _compute_kpi_cq_return_requested_value(self):
        self._cq_company_kpi("kpi_cq_return_requested_value")

    def _compute_kpi_cq_capa_step_missed_value(self):
        self._cq_company_kpi("kpi_cq_capa_step_missed_value")

    def _compute_kpi_cq_first_reply_hours_value(self):
        self._cq_check_kpi_access()
        start, end, companies = self._get_kpi_compute_parameters()
        Ticket = self.env["cq.ticket"]
        Ticket.flush_model(["company_id", "received_date", "first_reply_date"])
        # the user's record rules apply: the average is over the tickets they see
        query = Ticket._search(
            [
                ("company_id", "in", companies.ids),
                ("first_reply_date", ">=", start),
                ("first_reply_date", "<", end),
            ]
        )
        self.env.cr.execute(
            SQL(
                """SELECT company_id,
                          AVG(EXTRACT(EPOCH FROM first_reply_date - received_date))
                          / 3600.0
                     FROM cq_ticket
                    WHERE id IN %s
                 GROUP BY company_id""",
                query.subselect(),
            )
        )
        hours = dict(self.env.cr.fetchall())
        for digest in self:
            company = digest.company_id or self.env.company
            digest.kpi_cq_first_reply_hours_value = max(
                hours.get(company.id) or 0.0, 0.0
            )

    # ------------------------------------------------------------------
    # Email
    # ------------------------------------------------------------------
    def _compute_kpis(self, company, user):
        kpis = super()._compute_kpis(company, user)
        for kpi in kpis:
            kpi["kpi_lower_is_better"] = kpi["kpi_name"] in LOWER_IS_BETTER
        return kpis

    def _compute_kpis_actions(self, company, user):
        res = super()._compute_kpis_actions(company, user)
        menu = self.env.ref("customer_quality.cq_menu_root").id
        tickets = f"customer_quality.cq_ticket_action?menu_id={menu}"
        res.update(
            kpi_cq_complaint_new=tickets,
            kpi_cq_complaint_serious=tickets,
            kpi_cq_deadline_missed=(
                f"customer_quality.cq_ticket_deadline_action?menu_id={menu}"
            ),
            kpi_cq_return_requested=f"customer_quality.cq_return_action?menu_id={menu}",
            kpi_cq_capa_step_missed=f"customer_quality.cq_capa_action?menu_id={menu}",
            kpi_cq_first_reply_hours=tickets,
        )
        return res
