from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "cq.source.mixin"]

    cq_ticket_count = fields.Integer(
        "Quality tickets", compute="_compute_cq_ticket_count"
    )
    cq_return_count = fields.Integer(
        "Return authorisations", compute="_compute_cq_return_count"
    )
    cq_capa_count = fields.Integer(
        "Corrective actions", compute="_compute_cq_capa_count"
    )
    cq_requires_8d = fields.Boolean(
        "Requires 8D reports",
        groups="customer_quality.group_cq_user",
        help="Customer profile: the corrective actions for this customer follow "
        "8D, with its own step deadlines below.",
    )
    cq_capa_rule_ids = fields.One2many(
        "cq.capa.deadline.rule",
        "partner_id",
        string="8D step deadlines",
        help="The customer's own deadlines for the D-steps; steps without one "
        "follow the company's.",
    )
    cq_warranty_claim_count = fields.Integer(
        "Warranty claims", compute="_compute_cq_warranty_claim_count"
    )

    cq_satisfaction_contact_id = fields.Many2one(
        "res.partner",
        string="Satisfaction survey contact",
        domain="[('parent_id', '=', id)]",
        help="Who answers our satisfaction surveys for this customer (its quality "
        "or purchasing contact). Empty: a contact whose job position names quality "
        "or purchasing, else the company's own address.",
    )

    cq_portal_scope = fields.Selection(
        [("company", "The whole company's"), ("own", "Only their own")],
        string="Portal users see",
        default="company",
        required=True,
        help="Which complaints, returns and warranty claims the customer's portal "
        "users see: those of their whole company (colleagues see each other's), "
        "or only those they reported or are the contact person of.",
    )

    @api.constrains("cq_satisfaction_contact_id")
    def _check_cq_satisfaction_contact(self):
        for partner in self.filtered("cq_satisfaction_contact_id"):
            if partner.cq_satisfaction_contact_id.commercial_partner_id != partner:
                raise ValidationError(
                    self.env._(
                        "%(contact)s does not work for %(customer)s.",
                        contact=partner.cq_satisfaction_contact_id.display_name,
                        customer=partner.display_name,
                    )
                )

    def _cq_satisfaction_contact(self):
        """Who answers the satisfaction survey for this customer company."""
        self.ensure_one()
        if self.cq_satisfaction_contact_id:
            return self.cq_satisfaction_contact_id
        keywords = ("quality", "purchas", "质量", "品质", "品管", "采购")
        contacts = self.child_ids.filtered(lambda c: c.type == "contact" and c.email)
        for contact in contacts:
            if any(word in (contact.function or "").lower() for word in keywords):
                return contact
        if self.email:
            return self
        return contacts[:1] or self

    def _cq_source_paths(self):
        return {
            "cq.ticket": ["commercial_partner_id"],
            "cq.return": ["commercial_partner_id"],
            "cq.warranty.claim": ["partner_id"],
            "cq.capa": ["commercial_partner_id", "vendor_id"],
        }

    def _cq_source_target(self):
        # tickets, returns and claims are the customer company's, whichever
        # contact is opened
        return self.commercial_partner_id

    def _cq_ticket_defaults(self):
        self.ensure_one()
        customer = self.commercial_partner_id
        values = {"partner_id": customer.id}
        if self != customer:
            values["contact_id"] = self.id
        return values

    def _cq_delivered_goods(self, limit=200):
        """What this customer company received from us: its done deliveries
        (the ``limit`` latest), the products and the lots on them. The portal
        offers these, and only these, to report about."""
        self.ensure_one()
        lines = (
            self.env["stock.move.line"]
            .sudo()
            ._read_group(
                [
                    (
                        "picking_id.partner_id",
                        "child_of",
                        self.commercial_partner_id.id,
                    ),
                    ("picking_id.picking_type_code", "=", "outgoing"),
                    ("state", "=", "done"),
                    ("location_dest_id.usage", "=", "customer"),
                    # what they may then follow: documents of their companies
                    ("picking_id.company_id", "in", self.env.user.company_ids.ids),
                ],
                ["picking_id", "product_id", "lot_id"],
                ["picking_id:count"],
            )
        )
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .browse({picking.id for picking, _product, _lot, _count in lines})
        )
        pickings = pickings.sorted(lambda p: (p.date_done, p.id), reverse=True)[:limit]
        kept = set(pickings.ids)
        kept_lines = [line for line in lines if line[0].id in kept]
        return {
            "pickings": pickings,
            "products": self.env["product.product"]
            .sudo()
            .browse(
                sorted({product.id for _picking, product, _lot, _count in kept_lines})
            ),
            "lots": self.env["stock.lot"]
            .sudo()
            .browse(
                sorted(
                    {lot.id for _picking, _product, lot, _count in kept_lines if lot}
                )
            ),
        }

    def _cq_delivery_of(self, product, lot=None):
        """The latest done delivery to this customer company that carried
        ``product`` (of ``lot``), or none."""
        self.ensure_one()
        domain = [
            ("picking_id.partner_id", "child_of", self.commercial_partner_id.id),
            ("picking_id.picking_type_code", "=", "outgoing"),
            ("state", "=", "done"),
            ("location_dest_id.usage", "=", "customer"),
            ("product_id", "=", product.id),
        ]
        if lot:
            domain.append(("lot_id", "=", lot.id))
        line = (
            self.env["stock.move.line"]
            .sudo()
            .search(domain, order="date desc, id desc", limit=1)
        )
        return line.picking_id

    @api.model
    def _cq_check_quality_settings(self, vals):
        """Refuse changing what quality decides of a customer to others."""
        if "cq_requires_8d" in vals and not (
            self.env.su or self.env.user.has_group("customer_quality.group_cq_manager")
        ):
            raise AccessError(
                self.env._("Only quality managers change a customer's requirements.")
            )
        if "cq_portal_scope" in vals and not (
            self.env.su or self.env.user.has_group("customer_quality.group_cq_officer")
        ):
            raise AccessError(
                self.env._("Only quality staff change what a customer's portal shows.")
            )

    def _cq_warranty_claim_defaults(self):
        self.ensure_one()
        return {"partner_id": self.commercial_partner_id.id}

    @api.model_create_multi
    def create(self, vals_list):
        # a new customer starts with the defaults unless quality sets them
        for vals in vals_list:
            self._cq_check_quality_settings(
                {
                    name: value
                    for name, value in vals.items()
                    if (name == "cq_requires_8d" and value)
                    or (name == "cq_portal_scope" and value not in (False, "company"))
                }
            )
        return super().create(vals_list)

    def write(self, vals):
        self._cq_check_quality_settings(vals)
        result = super().write(vals)
        if "cq_portal_scope" in vals:
            # the portal record rules read it: their cached domains are stale
            self.env.registry.clear_cache()
        return result
