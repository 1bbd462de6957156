from odoo import api, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "cq.ticket.source.mixin"]

    def _cq_ticket_field(self):
        return "commercial_partner_id"

    @api.depends_context("uid")
    def _compute_cq_ticket_count(self):
        # tickets are counted on the company, whichever contact is opened
        Ticket = self.env["cq.ticket"]
        if not Ticket.has_access("read"):
            self.cq_ticket_count = 0
            return
        counts = dict(
            Ticket._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.cq_ticket_count = counts.get(partner.commercial_partner_id, 0)

    def action_cq_view_tickets(self):
        action = super().action_cq_view_tickets()
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        return action

    def _cq_ticket_defaults(self):
        self.ensure_one()
        customer = self.commercial_partner_id
        values = {"partner_id": customer.id}
        if self != customer:
            values["contact_id"] = self.id
        return values
