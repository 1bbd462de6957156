from odoo import api, fields, models

# the printed forms of the procedures (SPEC §6) and their default document
# control numbers, in the order of the procedure
DEFAULT_FORM_NUMBERS = {
    "customer_quality.action_report_cq_ticket_feedback": "QR-8.2-01",
    "customer_quality.action_report_cq_ticket": "QR-8.2-02",
    "customer_quality.action_report_cq_return": "QR-8.2-03",
    "customer_quality.action_report_cq_warranty_claim": "QR-8.2-04",
    "customer_quality.action_report_cq_capa_8d": "QR-8.2-05",
    "customer_quality.action_report_cq_capa": "QR-8.2-06",
    "customer_quality.action_report_cq_customer_visit": "QR-8.2-07",
    "customer_quality.action_report_cq_satisfaction_survey": "QR-8.2-08",
    "customer_quality.action_report_cq_satisfaction_review": "QR-8.2-09",
    "customer_quality.action_report_cq_warranty_claim_statistics": "QR-8.2-10",
}


class CqFormNumber(models.Model):
    """The document control number a company prints on one of its forms."""

    _name = "cq.form.number"
    _description = "Printed form number"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        ondelete="cascade",
    )
    report_id = fields.Many2one(
        "ir.actions.report",
        "Printed form",
        required=True,
        ondelete="cascade",
        domain=[("report_name", "=like", "customer_quality.%")],
        help="The form, as offered in the Print menu of its documents.",
    )
    printed_from = fields.Char(
        "Printed from",
        compute="_compute_printed_from",
        help="The documents this form is printed from.",
    )
    name = fields.Char(
        "Form number",
        help="The number your quality system gives this form (for instance "
        "QR-8.2-01), printed in the header of every copy; empty: none printed.",
    )
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        (
            "company_report_unique",
            "UNIQUE(company_id, report_id)",
            "A form has one number per company.",
        ),
    ]

    @api.depends("report_id")
    def _compute_printed_from(self):
        Model = self.env["ir.model"].sudo()  # its names are no secret
        for row in self:
            model = row.report_id.model
            row.printed_from = Model._get(model).name if model else False

    @api.model
    def _cq_number(self, company, report_ref):
        """The number ``company`` prints on the form of ``report_ref`` (the
        report's XML id): read by every printing user, whatever their rights
        on the configuration."""
        report = self.env.ref(report_ref, raise_if_not_found=False)
        if not report or not company:
            return ""
        number = (
            self.sudo()
            .search(
                [("company_id", "=", company.id), ("report_id", "=", report.id)],
                limit=1,
            )
            .name
        )
        return number or ""
