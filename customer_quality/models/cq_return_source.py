from odoo import api, fields, models

# cause of a return, from the ticket's cause category
TICKET_CAUSE_TO_RETURN = {
    "our_product": "quality",
    "supplier": "quality",
    "our_service": "sales",
    "carrier": "logistics",
    "customer_misuse": "customer",
    "no_fault": "no_fault",
}


class CqReturnSourceMixin(models.AbstractModel):
    """Documents returns are raised from or about (ticket, sale order, delivery,
    customer, product, lot): a smart button with their count, and for the first
    three a pre-filled new return."""

    _name = "cq.return.source.mixin"
    _description = "Customer Quality Return Source"

    cq_return_count = fields.Integer(
        "Return authorisations", compute="_compute_cq_return_count", compute_sudo=False
    )

    def _cq_return_domain(self):
        """Domain on cq.return of the returns about this record."""
        raise NotImplementedError

    def _cq_return_defaults(self):
        """Values of a new return raised from this record (with its lines)."""
        raise NotImplementedError

    @api.depends_context("uid")
    def _compute_cq_return_count(self):
        if not self.env["cq.return"].has_access("read"):
            self.cq_return_count = 0
            return
        for record in self:
            record.cq_return_count = (
                self.env["cq.return"].search_count(record._cq_return_domain())
                if record.id
                else 0
            )

    def action_cq_view_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_quality.cq_return_action"
        )
        action["domain"] = self._cq_return_domain()
        action["context"] = {"create": False}
        return action

    def action_cq_create_return(self):
        """Open a new return authorisation pre-filled from this document."""
        self.ensure_one()
        context = {
            f"default_{key}": value for key, value in self._cq_return_defaults().items()
        }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New return"),
            "res_model": "cq.return",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }

    def _cq_delivered_moves(self, pickings):
        return pickings.move_ids.filtered(
            lambda m: m.state == "done" and m.location_dest_id.usage == "customer"
        )
