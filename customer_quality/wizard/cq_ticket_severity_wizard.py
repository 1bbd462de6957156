from odoo import api, fields, models

from ..models.cq_deadline_rule import SEVERITIES


class CqTicketSeverityWizard(models.TransientModel):
    """A quality manager overrules the serious-complaint criteria, saying why."""

    _name = "cq.ticket.severity.wizard"
    _inherit = "cq.ticket.step.wizard"
    _description = "Override a Ticket's Severity"

    severity_computed = fields.Selection(related="ticket_id.severity_computed")
    level = fields.Selection(
        SEVERITIES,
        "Severity",
        help="Leave empty to follow the criteria again.",
    )
    reason = fields.Text(help="Why the criteria are overruled.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ticket = self.env["cq.ticket"].browse(values.get("ticket_id"))
        if ticket.exists() and "level" in fields_list:
            values["level"] = ticket.severity_override
            values["reason"] = ticket.severity_override_reason
        return values

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id.action_override_severity(self.level, self.reason)
        return {"type": "ir.actions.act_window_close"}
