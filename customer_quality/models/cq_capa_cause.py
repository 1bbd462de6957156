from odoo import api, fields, models
from odoo.exceptions import UserError

CAUSE_KINDS = [
    ("occurrence", "Why it occurred"),
    ("detection", "Why it was not detected (escape point)"),
    ("systemic", "Why the system allowed it"),
]
ANALYSIS_METHODS = [
    ("five_whys", "5 whys"),
    ("fishbone", "Fishbone (Ishikawa)"),
    ("is_is_not", "Is / is not"),
    ("fault_tree", "Fault tree"),
    ("test", "Test or experiment"),
    ("other", "Other"),
]
# 5M1E: the fishbone's bones
CATEGORIES_5M1E = [
    ("man", "Man"),
    ("machine", "Machine"),
    ("material", "Material"),
    ("method", "Method"),
    ("measurement", "Measurement"),
    ("environment", "Environment"),
]


class CqCapaCause(models.Model):
    """A root cause found in D4: why the problem occurred, or why it escaped
    detection, with the analysis that found it and its evidence."""

    _name = "cq.capa.cause"
    _inherit = "cq.capa.line.mixin"
    _description = "Corrective Action Root Cause"
    _order = "capa_id, kind, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    kind = fields.Selection(CAUSE_KINDS, required=True, default="occurrence")
    name = fields.Char("Root cause", required=True)
    method = fields.Selection(ANALYSIS_METHODS, string="Analysis method")
    category = fields.Selection(
        CATEGORIES_5M1E,
        string="5M1E category",
        help="The fishbone's bone the cause sits on: man, machine, material, method, "
        "measurement, environment.",
    )
    analysis = fields.Text(
        help="The chain of whys, or what the analysis showed, up to the root cause."
    )
    verified = fields.Boolean(
        "Cause verified",
        help="The cause was switched on and off (the defect reproduced and removed).",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment", "cq_capa_cause_attachment_rel", string="Evidence"
    )
    action_ids = fields.One2many(
        "cq.capa.action", "cause_id", string="Actions removing it"
    )

    @api.model_create_multi
    def create(self, vals_list):
        causes = super().create(vals_list)
        causes.capa_id._cq_check_causes_editable()
        return causes

    def write(self, vals):
        if "capa_id" in vals and any(r.capa_id.id != vals["capa_id"] for r in self):
            raise UserError(
                self.env._("A line stays on the corrective action it belongs to.")
            )
        self.capa_id._cq_check_causes_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_fixed(self):
        for cause in self:
            cause.capa_id._cq_check_causes_editable()
            if cause.action_ids:
                raise UserError(
                    self.env._(
                        "Actions remove %(cause)s: change them before removing it.",
                        cause=cause.name,
                    )
                )
