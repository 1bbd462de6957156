from odoo import api, fields, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "cq.ticket.source.mixin", "cq.return.source.mixin"]

    cq_warranty_claim_count = fields.Integer(
        "Warranty claims", compute="_compute_cq_warranty_claim_count"
    )

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

    def _cq_return_domain(self):
        return [("commercial_partner_id", "=", self.commercial_partner_id.id)]

    @api.depends_context("uid")
    def _compute_cq_warranty_claim_count(self):
        # claims are the customer company's, whichever contact is opened
        counts = self.env["cq.warranty.claim"]._cq_counts(
            "partner_id", self.commercial_partner_id
        )
        for partner in self:
            partner.cq_warranty_claim_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_cq_view_warranty_claims(self):
        self.ensure_one()
        customer = self.commercial_partner_id
        return self.env["cq.warranty.claim"]._cq_action_for(
            [("partner_id", "=", customer.id)], {"default_partner_id": customer.id}
        )
