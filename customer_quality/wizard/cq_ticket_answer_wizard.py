from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CqTicketAnswerWizard(models.TransientModel):
    """The customer's answer to our reply: accepted (the ticket closes) or not
    satisfied (it is investigated again)."""

    _name = "cq.ticket.answer.wizard"
    _inherit = "cq.ticket.step.wizard"
    _description = "Customer's Answer to a Ticket Reply"

    answer = fields.Selection(
        [("accepted", "Accepted"), ("refused", "Not satisfied")],
        required=True,
        default="accepted",
    )
    note = fields.Text(help="What the customer said; required when not satisfied.")

    @api.constrains("answer", "note")
    def _check_note(self):
        for wizard in self:
            if wizard.answer == "refused" and not (wizard.note or "").strip():
                raise ValidationError(
                    self.env._("Write down what the customer is not satisfied with.")
                )

    def action_confirm(self):
        self.ensure_one()
        if self.answer == "accepted":
            self.ticket_id.action_customer_accepts(self.note)
        else:
            self.ticket_id.action_customer_refuses(self.note)
        return {"type": "ir.actions.act_window_close"}
