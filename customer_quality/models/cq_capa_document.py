from odoo import api, fields, models
from odoo.exceptions import UserError

DOCUMENT_TYPES = [
    ("pfmea", "Process FMEA"),
    ("dfmea", "Design FMEA"),
    ("control_plan", "Control plan"),
    ("work_instruction", "Work instruction"),
    ("drawing", "Drawing"),
    ("specification", "Specification"),
    ("other", "Other"),
]


class CqCapaDocument(models.Model):
    """A document updated in D7 so that the fix lasts: FMEA, control plan, work
    instruction, drawing, with its reference and new revision."""

    _name = "cq.capa.document"
    _inherit = "cq.capa.line.mixin"
    _description = "Corrective Action Document Updated"
    _order = "capa_id, id"
    _check_company_auto = True

    document_type = fields.Selection(
        DOCUMENT_TYPES, string="Document type", required=True
    )
    reference = fields.Char(required=True, help="The document's number.")
    revision = fields.Char(help="The revision that carries the change.")
    date_updated = fields.Date("Updated on")
    note = fields.Char(help="What changed in it.")

    @api.model_create_multi
    def create(self, vals_list):
        documents = super().create(vals_list)
        documents.capa_id._cq_check_prevention_editable()
        return documents

    def write(self, vals):
        if "capa_id" in vals and any(r.capa_id.id != vals["capa_id"] for r in self):
            raise UserError(
                self.env._("A line stays on the corrective action it belongs to.")
            )
        self.capa_id._cq_check_prevention_editable()
        return super().write(vals)

    def unlink(self):
        self.capa_id._cq_check_prevention_editable()
        return super().unlink()
