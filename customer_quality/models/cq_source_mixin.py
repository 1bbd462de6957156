from collections import defaultdict

from odoo import api, models
from odoo.osv import expression

# per document model counted on its sources: the count field on the source, the
# list action, the hook giving the values of a new one raised from the source, and
# whether that list creates them (a return is raised with the source's delivered
# lines, from the source's own button)
DOCUMENTS = {
    "cq.ticket": {
        "count": "cq_ticket_count",
        "action": "customer_quality.cq_ticket_action",
        "defaults": "_cq_ticket_defaults",
        "list_creates": True,
    },
    "cq.return": {
        "count": "cq_return_count",
        "action": "customer_quality.cq_return_action",
        "defaults": "_cq_return_defaults",
        "list_creates": False,
    },
    "cq.warranty.claim": {
        "count": "cq_warranty_claim_count",
        "action": "customer_quality.cq_warranty_claim_action",
        "defaults": "_cq_warranty_claim_defaults",
        "list_creates": True,
    },
    "cq.capa": {
        "count": "cq_capa_count",
        "action": "customer_quality.cq_capa_action",
        "defaults": "_cq_capa_defaults",
        "list_creates": False,
    },
}


class CqSourceMixin(models.AbstractModel):
    """Records that tickets, returns and warranty claims are raised from or about
    (sale order, delivery, customer, product, lot, ticket): per document type the
    number the user may see, the smart button listing them and a new one
    pre-filled from the record. Each model declares the count fields it shows
    (named in ``DOCUMENTS``) with the computes of this mixin."""

    _name = "cq.source.mixin"
    _description = "Customer Quality Source"

    def _cq_source_paths(self):
        """Per document model, the paths from its documents to the records they are
        about here: a field of the document, or a one2many of it and one field of
        its lines. A document reached by several paths counts once."""
        return {}

    def _cq_source_target(self):
        """The records the documents point at (a contact's are its company's)."""
        return self

    def _cq_ticket_defaults(self):
        """Values of a new ticket raised from this record."""
        return {}

    def _cq_return_defaults(self):
        """Values of a new return raised from this record (with its lines)."""
        return {}

    def _cq_warranty_claim_defaults(self):
        """Values of a new warranty claim raised from this record."""
        return {}

    def _cq_capa_defaults(self):
        """Values of a new corrective action raised from this record."""
        return {}

    # ------------------------------------------------------------------
    # Counts of what the user may see
    # ------------------------------------------------------------------
    @api.depends_context("uid")
    def _compute_cq_ticket_count(self):
        self._cq_set_count("cq.ticket")

    @api.depends_context("uid")
    def _compute_cq_return_count(self):
        self._cq_set_count("cq.return")

    @api.depends_context("uid")
    def _compute_cq_warranty_claim_count(self):
        self._cq_set_count("cq.warranty.claim")

    @api.depends_context("uid")
    def _compute_cq_capa_count(self):
        self._cq_set_count("cq.capa")

    def _cq_set_count(self, doc_model):
        counts = self._cq_count(doc_model)
        fname = DOCUMENTS[doc_model]["count"]
        for record in self:
            record[fname] = counts.get(record._cq_source_target().id, 0)

    def _cq_count(self, doc_model):
        """Per id of the target records, how many ``doc_model`` documents about it
        the user may see: one ``_read_group`` per path for the whole recordset."""
        Document = self.env[doc_model]
        paths = self._cq_source_paths().get(doc_model)
        target_ids = [id_ for id_ in self._cq_source_target().ids if id_]
        if not (paths and target_ids and Document.has_access("read")):
            return {}
        found = defaultdict(set)
        for path in paths:
            first, _dot, rest = path.partition(".")
            field = Document._fields[first]
            if field.type == "one2many":
                # grouped on the lines, of the documents the user may see
                model = self.env[field.comodel_name]
                key, document = rest or "id", field.inverse_name
                domain = [(key, "in", target_ids), (document, "any", [])]
            else:
                model, key, document = Document, path, "id"
                domain = [(key, "in", target_ids)]
            for target, ids in model._read_group(
                domain, [key], [f"{document}:array_agg"]
            ):
                # grouped by "id", the lines are the target records themselves
                found[target if isinstance(target, int) else target.id].update(ids)
        return {target: len(ids) for target, ids in found.items()}

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def _cq_source_domain(self, doc_model):
        """Domain on ``doc_model`` of its documents about this record."""
        self.ensure_one()
        target = self._cq_source_target()
        return expression.OR(
            [
                [(path, "=", target.id)]
                for path in self._cq_source_paths().get(doc_model, ())
            ]
        )

    def _cq_source_context(self, doc_model):
        defaults = getattr(self, DOCUMENTS[doc_model]["defaults"])()
        return {f"default_{key}": value for key, value in defaults.items()}

    def _cq_source_action(self, doc_model):
        """The list of the ``doc_model`` documents about this record."""
        self.ensure_one()
        spec = DOCUMENTS[doc_model]
        action = self.env["ir.actions.act_window"]._for_xml_id(spec["action"])
        action["domain"] = self._cq_source_domain(doc_model)
        action["context"] = (
            self._cq_source_context(doc_model)
            if spec["list_creates"]
            else {"create": False}
        )
        return action

    def _cq_source_new(self, doc_model):
        """A new ``doc_model`` document pre-filled from this record."""
        self.ensure_one()
        titles = {
            "cq.ticket": self.env._("New quality ticket"),
            "cq.return": self.env._("New return"),
            "cq.warranty.claim": self.env._("New warranty claim"),
            "cq.capa": self.env._("New corrective action"),
        }
        return {
            "type": "ir.actions.act_window",
            "name": titles[doc_model],
            "res_model": doc_model,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": self._cq_source_context(doc_model),
        }

    def action_cq_view_tickets(self):
        return self._cq_source_action("cq.ticket")

    def action_cq_create_ticket(self):
        """Open a new ticket pre-filled from this document."""
        return self._cq_source_new("cq.ticket")

    def action_cq_view_returns(self):
        return self._cq_source_action("cq.return")

    def action_cq_create_return(self):
        """Open a new return authorisation pre-filled from this document."""
        return self._cq_source_new("cq.return")

    def action_cq_view_warranty_claims(self):
        return self._cq_source_action("cq.warranty.claim")

    def action_cq_view_capas(self):
        return self._cq_source_action("cq.capa")
