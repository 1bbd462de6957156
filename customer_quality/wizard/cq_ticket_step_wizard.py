from odoo import fields, models


class CqTicketStepWizard(models.AbstractModel):
    """What a user types before a step of a ticket: the wizard holds it, the
    ticket's action takes it as an argument and keeps it as its history."""

    _name = "cq.ticket.step.wizard"
    _description = "Customer Quality Ticket Step"

    ticket_id = fields.Many2one(
        "cq.ticket", required=True, readonly=True, ondelete="cascade"
    )
    ticket_name = fields.Char(related="ticket_id.name")
