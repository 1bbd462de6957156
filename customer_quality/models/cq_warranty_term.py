from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

START_POINTS = [
    ("delivery", "Delivery date"),
    ("start_of_use", "Customer's start-of-use date"),
]


class CqWarrantyTerm(models.Model):
    """A line of the customer warranty requirement list (顾客保固要求一览表): what a
    customer was promised for a product or a product category, overriding the
    warranty period of the product."""

    _name = "cq.warranty.term"
    _description = "Customer Warranty Term"
    _order = "partner_id, product_id, categ_id, id"
    _check_company_auto = True
    _rec_names_search = ["partner_id", "product_id", "categ_id"]

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
        help="The customer (company) the terms were agreed with; they apply to all "
        "its contacts.",
    )
    product_id = fields.Many2one(
        "product.product",
        index="btree_not_null",
        check_company=True,
        help="Either a product...",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product category",
        index="btree_not_null",
        help="... or a product category (with its sub-categories).",
    )
    months = fields.Integer("Warranty (months)", required=True, default=12)
    start_point = fields.Selection(
        START_POINTS,
        string="Starts at",
        required=True,
        default="delivery",
        help="Start-of-use date: the warranty runs from the day the customer started "
        "using the goods, when the claim records it; from the delivery date "
        "otherwise.",
    )
    note = fields.Text(help="Where the terms come from: contract, quality agreement…")
    active = fields.Boolean(default=True)

    @api.depends("partner_id", "product_id", "categ_id", "months")
    def _compute_display_name(self):
        for term in self:
            term.display_name = self.env._(
                "%(customer)s · %(goods)s · %(months)s months",
                customer=term.partner_id.display_name or "",
                goods=(term.product_id or term.categ_id).display_name or "",
                months=term.months,
            )

    @api.constrains("product_id", "categ_id", "months")
    def _check_scope(self):
        for term in self:
            if bool(term.product_id) == bool(term.categ_id):
                raise ValidationError(
                    self.env._(
                        "A customer warranty term is for a product or for a product "
                        "category: choose exactly one of them."
                    )
                )
            if term.months <= 0:
                raise ValidationError(
                    self.env._(
                        "The warranty period of a customer term must be at least one "
                        "month."
                    )
                )

    @api.constrains("partner_id", "product_id", "categ_id", "company_id", "active")
    def _check_unique(self):
        for term in self.filtered("active"):
            duplicate = self.search_count(
                [
                    ("id", "!=", term.id),
                    ("company_id", "=", term.company_id.id),
                    ("partner_id", "=", term.partner_id.id),
                    ("product_id", "=", term.product_id.id),
                    ("categ_id", "=", term.categ_id.id),
                ],
                limit=1,
            )
            if duplicate:
                raise ValidationError(
                    self.env._(
                        "%(customer)s already has warranty terms for %(goods)s.",
                        customer=term.partner_id.display_name,
                        goods=(term.product_id or term.categ_id).display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._cq_commercial(vals) for vals in vals_list]
        terms = super().create(vals_list)
        terms._cq_recompute_claims()
        return terms

    def write(self, vals):
        vals = self._cq_commercial(vals)
        scope = [(t.company_id.id, t.partner_id.id) for t in self]
        result = super().write(vals)
        self._cq_recompute_claims(scope)
        return result

    def unlink(self):
        scope = [(t.company_id.id, t.partner_id.id) for t in self]
        result = super().unlink()
        self.env["cq.warranty.term"]._cq_recompute_claims(scope)
        return result

    def _cq_commercial(self, vals):
        """Terms are agreed with the customer company, never with one contact."""
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals = dict(vals, partner_id=partner.commercial_partner_id.id)
        return vals

    def _cq_recompute_claims(self, scope=()):
        """The open claims of the customers concerned follow the new terms."""
        pairs = set(scope) | {(t.company_id.id, t.partner_id.id) for t in self}
        by_company = {}
        for company_id, partner_id in pairs:
            by_company.setdefault(company_id, set()).add(partner_id)
        for company_id, partner_ids in by_company.items():
            self.env["cq.warranty.claim"]._cq_recompute_warranty(
                [
                    ("company_id", "=", company_id),
                    ("partner_id", "in", list(partner_ids)),
                ]
            )

    @api.model
    def _cq_terms_of(self, claims):
        """The active terms of the claims' customers, in one search, per
        (company id, customer id)."""
        customers = claims.partner_id.commercial_partner_id
        terms = defaultdict(lambda: self.browse())
        if not customers:
            return terms
        for term in (
            self.sudo()
            .with_context(active_test=True)
            .search(
                [
                    ("company_id", "in", claims.company_id.ids),
                    ("partner_id", "in", customers.ids),
                ]
            )
        ):
            terms[term.company_id.id, term.partner_id.id] |= term
        return terms

    @api.model
    def _cq_pick(self, terms, product):
        """Of a customer's ``terms``, the one that applies to ``product``, the most
        specific first: customer × product, then customer × nearest category up
        the tree."""
        if not product:
            return self.browse()
        for term in terms:
            if term.product_id == product:
                return term
        by_category = {term.categ_id: term for term in terms if term.categ_id}
        category = product.categ_id
        while category:
            if category in by_category:
                return by_category[category]
            category = category.parent_id
        return self.browse()
