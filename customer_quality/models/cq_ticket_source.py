from odoo import api, fields, models


class CqTicketSourceMixin(models.AbstractModel):
    """Documents a customer-quality ticket can be raised from, with a smart button."""

    _name = "cq.ticket.source.mixin"
    _description = "Customer Quality Ticket Source"

    cq_ticket_count = fields.Integer(
        "Quality tickets", compute="_compute_cq_ticket_count", compute_sudo=False
    )

    def _cq_ticket_field(self):
        """Name of the cq.ticket field that points at this document."""
        raise NotImplementedError

    def _cq_ticket_defaults(self):
        """Values that pre-fill a new ticket raised from this document."""
        raise NotImplementedError

    @api.depends_context("uid")  # counts what the user may see
    def _compute_cq_ticket_count(self):
        field = self._cq_ticket_field()
        if not self.env["cq.ticket"].has_access("read"):
            self.cq_ticket_count = 0
            return
        counts = dict(
            self.env["cq.ticket"]._read_group(
                [(field, "in", self.ids)], [field], ["__count"]
            )
        )
        for record in self:
            record.cq_ticket_count = counts.get(record, 0)

    def action_cq_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_quality.cq_ticket_action"
        )
        action["domain"] = [(self._cq_ticket_field(), "=", self.id)]
        action["context"] = {
            f"default_{key}": value for key, value in self._cq_ticket_defaults().items()
        }
        return action

    def action_cq_create_ticket(self):
        """Open a new ticket pre-filled from this document."""
        self.ensure_one()
        context = {
            f"default_{key}": value for key, value in self._cq_ticket_defaults().items()
        }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New quality ticket"),
            "res_model": "cq.ticket",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }
