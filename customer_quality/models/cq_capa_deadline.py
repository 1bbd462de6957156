from odoo import api, fields, models

from .cq_capa_deadline_rule import CAPA_DEADLINE_KINDS


class CqCapaDeadline(models.Model):
    """One D-step deadline of a corrective action, on the company's working
    calendar; escalated once when missed, like a ticket's."""

    _name = "cq.capa.deadline"
    _inherit = ["cq.deadline.mixin", "cq.capa.line.mixin"]
    _description = "Corrective Action Step Deadline (planned)"
    _order = "date_deadline, id"
    _rec_name = "kind"
    _cq_document_field = "capa_id"

    user_id = fields.Many2one(related="capa_id.leader_id", string="Team leader")
    kind = fields.Selection(CAPA_DEADLINE_KINDS, string="Step", required=True)
    round = fields.Integer(
        default=0,
        required=True,
        help="0 for the first analysis; each reopening (actions found not "
        "effective, or the problem came back) plans the remaining steps again.",
    )

    superseded = fields.Boolean(
        readonly=True,
        help="A step of an earlier round left unmet when the analysis started "
        "again: kept as history, no longer escalated.",
    )

    _sql_constraints = [
        (
            "kind_uniq",
            "unique(capa_id, kind, round)",
            "A corrective action has each step deadline once per round.",
        ),
    ]

    @api.model
    def _cq_running_domain(self):
        return [*super()._cq_running_domain(), ("superseded", "=", False)]

    @api.depends("kind", "capa_id.name")
    def _compute_display_name(self):
        labels = self._cq_kind_labels()
        for deadline in self:
            deadline.display_name = (
                f"{deadline.capa_id.name or ''} – {labels.get(deadline.kind, '')}"
            )
