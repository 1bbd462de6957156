from odoo import api, fields, models

from .cq_deadline_rule import UNITS

CAPA_DEADLINE_KINDS = [
    ("d3", "D3 Containment in place"),
    ("d4", "D4 Root cause found"),
    ("d6", "D6 Actions implemented and validated"),
    ("d8", "D8 Closure"),
]

# Default D-step deadlines, counted from the opening of the corrective action
# (IATF 16949 practice; a customer's own requirements override them).
DEFAULT_CAPA_RULES = {
    "d3": (1.0, "working_days"),
    "d4": (7.0, "days"),
    "d6": (14.0, "days"),
    "d8": (30.0, "days"),
}


class CqCapaDeadlineRule(models.Model):
    """How long a D-step of a corrective action may take: the company's default,
    or a customer's own requirement (its customer profile)."""

    _name = "cq.capa.deadline.rule"
    _description = "Corrective Action Step Deadline"
    _order = "company_id, partner_id, kind"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        ondelete="cascade",
        domain="[('is_company', '=', True)]",
        help="Leave empty for the company's default; a customer's rule replaces "
        "it for the corrective actions of that customer.",
    )
    kind = fields.Selection(CAPA_DEADLINE_KINDS, string="Step", required=True)
    duration = fields.Float(
        required=True,
        aggregator=None,
        help="How long the step may take, counted from the opening of the "
        "corrective action.",
    )
    unit = fields.Selection(
        UNITS,
        required=True,
        default="days",
        help="Working hours and days follow the company's working calendar "
        "(attendances and public holidays); plain days run round the clock.",
    )

    _sql_constraints = [
        (
            "kind_uniq",
            "unique(company_id, partner_id, kind)",
            "There is already a deadline for this step here.",
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
        rules._cq_resync_capas()
        return rules

    def write(self, vals):
        result = super().write(vals)
        self._cq_resync_capas()
        return result

    def unlink(self):
        companies, partners = self.company_id, self.partner_id
        result = super().unlink()
        self.env["cq.capa"]._cq_resync_open(
            [("company_id", "in", companies.ids)]
            + ([("commercial_partner_id", "in", partners.ids)] if partners else [])
        )
        return result

    def _cq_resync_capas(self):
        if self.env.context.get("install_mode") or not self:
            return
        domain = [("company_id", "in", self.company_id.ids)]
        if all(rule.partner_id for rule in self):
            domain.append(("commercial_partner_id", "in", self.partner_id.ids))
        self.env["cq.capa"]._cq_resync_open(domain)

    @api.model
    def _rules_for(self, capas):
        """{(company id, customer id or False, kind): (duration, unit)}, with the
        defaults filled in, for the companies and customers of ``capas``."""
        result = {}
        for company in capas.company_id:
            for kind, value in DEFAULT_CAPA_RULES.items():
                result[(company.id, False, kind)] = value
        rules = self.sudo().search_fetch(
            [
                ("company_id", "in", capas.company_id.ids),
                ("partner_id", "in", [False, *capas.commercial_partner_id.ids]),
            ],
            ["company_id", "partner_id", "kind", "duration", "unit"],
        )
        for rule in rules:
            result[(rule.company_id.id, rule.partner_id.id, rule.kind)] = (
                rule.duration,
                rule.unit,
            )
        return result
