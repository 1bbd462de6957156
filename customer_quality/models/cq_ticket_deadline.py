from odoo import api, fields, models

from .cq_deadline_rule import DEADLINE_KINDS


class CqTicketDeadline(models.Model):
    """One deadline of a ticket: when it is due, when it was met, and its status."""

    _name = "cq.ticket.deadline"
    _inherit = "cq.deadline.mixin"
    _description = "Customer Quality Ticket Deadline"
    _order = "date_deadline, id"
    _rec_name = "kind"
    _cq_document_field = "ticket_id"

    # auto_join: the record rules, which follow the ticket's, join the ticket
    # row instead of listing every visible ticket in a subquery (bench/: 140 ms
    # per read of a form's deadlines at 100 000 tickets)
    ticket_id = fields.Many2one(
        "cq.ticket", required=True, ondelete="cascade", index=True, auto_join=True
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, index=True, precompute=True
    )
    user_id = fields.Many2one(related="ticket_id.user_id", string="Responsible")
    kind = fields.Selection(DEADLINE_KINDS, required=True)
    round = fields.Integer(
        default=0,
        required=True,
        help="0 for the first handling; each reopening (the customer not satisfied) "
        "starts a new round of deadlines from the moment it was reopened.",
    )

    _sql_constraints = [
        (
            "kind_uniq",
            "unique(ticket_id, kind, round)",
            "A ticket has each deadline once per round of handling.",
        ),
    ]

    @api.depends("kind", "ticket_id.name")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for deadline in self:
            deadline.display_name = (
                f"{deadline.ticket_id.name or ''} – {labels.get(deadline.kind, '')}"
            )
