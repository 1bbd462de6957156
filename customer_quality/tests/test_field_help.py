"""Every field a user sees on the forms of tickets, returns (and their lines),
warranty claims and corrective actions explains itself: either its label says
it all (the allow-lists below), or it has a help text, shown as a tooltip."""

from lxml import etree

from odoo.tests import TransactionCase, tagged

MODULE = "customer_quality"
HIDDEN = ("1", "True", "true")

# Fields whose label says it all: numbers, the obvious dates and people,
# documents and partners, counts of the smart buttons, the state.
SELF_EXPLANATORY = {
    "cq.ticket": frozenset(
        {
            "acceptance_date",
            "address",
            "approved_by_id",
            "approved_date",
            "attachment_count",
            "capa_count",
            "capa_waived_date",
            "claim_count",
            "closed_date",
            "company_id",
            "contact_id",
            "cq_return_count",
            "deadline_ids",
            "defective_qty",
            "delivery_date",
            "email_from",
            "event_date",
            "fax",
            "first_reply_date",
            "follow_up_date",
            "lot_id",
            "pending_since",
            "phone",
            "picking_id",
            "product_id",
            "readback_date",
            "readback_user_id",
            "reply_date",
            "root_cause",
            "sale_order_id",
            "state",
            "team_id",
            "user_id",
            "visit_date",
        }
    ),
    "cq.return": frozenset(
        {
            "approved_by_id",
            "approved_on",
            "claim_count",
            "company_id",
            "credit_note_count",
            "date",
            "decided_by_id",
            "decided_on",
            "description",
            "line_ids",
            "name",
            "partner_id",
            "picking_id",
            "quality_confirmed_by_id",
            "quality_confirmed_on",
            "repair_count",
            "sale_order_id",
            "scrap_count",
            "state",
            "transfer_count",
        }
    ),
    "cq.return.line": frozenset(
        {
            "company_id",
            "currency_id",
            "lot_id",
            "partner_id",
            "product_id",
            "sequence",
        }
    ),
    "cq.warranty.claim": frozenset(
        {
            "company_id",
            "cost_ids",
            "cost_total",
            "decided_by_id",
            "decided_date",
            "description",
            "lot_id",
            "name",
            "picking_id",
            "product_id",
            "quantity",
            "return_id",
            "state",
            "ticket_id",
            "user_id",
        }
    ),
    "cq.capa": frozenset(
        {
            "cancel_reason",
            "cause_ids",
            "claim_count",
            "closed_by_id",
            "closed_date",
            "company_id",
            "containment_action_ids",
            "corrective_action_ids",
            "customer_acceptance_note",
            "deadline_ids",
            "name",
            "partner_id",
            "preventive_action_ids",
            "product_id",
            "return_count",
            "satisfaction_trigger_count",
            "state",
            "ticket_count",
            "title",
            "verification_ids",
            "verified_by_id",
            "verified_date",
        }
    ),
}
# x2many fields of the forms whose sub-view fields are checked as well
SUB_VIEWS = {("cq.return", "line_ids")}


@tagged("post_install", "-at_install")
class TestFieldHelp(TransactionCase):
    def _visible_fields(self, model_name, node, found):
        """{model: {field names}} of the visible fields of ``node``'s own model
        (not those of the sub-views of its x2many fields, unless in SUB_VIEWS)."""
        model = self.env[model_name]
        for child in node.iter("field"):
            if child is node:
                continue
            # the field node whose sub-view holds it, else the form itself
            owner = next((a for a in child.iterancestors() if a.tag == "field"), None)
            if owner is not (node if node.tag == "field" else None):
                continue
            if (
                child.get("invisible") in HIDDEN
                or child.get("column_invisible") in HIDDEN
            ):
                continue
            name = child.get("name")
            field = model._fields.get(name)
            if field is None:
                continue
            found.setdefault(model_name, set()).add(name)
            if (model_name, name) in SUB_VIEWS:
                self._visible_fields(field.comodel_name, child, found)
        return found

    def _offenders(self, model_name, names):
        fields = self.env[model_name]._fields
        return {
            name
            for name in names
            if fields[name]._module == MODULE
            and not fields[name].automatic
            and not name.startswith("can_")
            and not fields[name].help
            and name not in SELF_EXPLANATORY[model_name]
        }

    def test_form_fields_have_help(self):
        found = {}
        for model_name in ("cq.ticket", "cq.return", "cq.warranty.claim", "cq.capa"):
            views = self.env[model_name].get_views([(False, "form")])
            arch = etree.fromstring(views["views"]["form"]["arch"])
            self._visible_fields(model_name, arch, found)
        self.assertIn("cq.return.line", found, "The return form lists its lines.")
        offenders = sorted(
            f"{model_name}.{name}: {self.env[model_name]._fields[name].string!r}"
            for model_name, names in found.items()
            for name in self._offenders(model_name, names)
        )
        self.assertEqual(
            offenders,
            [],
            "Form fields without help (write one, or allow-list the field if its "
            "label says it all):\n" + "\n".join(offenders),
        )
