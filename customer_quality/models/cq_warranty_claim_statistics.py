from odoo import models


class CqWarrantyClaim(models.Model):
    """The claim statistics (顾客保质期不良更换及索赔统计表): the claims of a
    period in one printed table per company, with their totals."""

    _inherit = "cq.warranty.claim"  # pylint: disable=consider-merging-classes-inherited

    def _cq_statistics(self):
        """[{company, claims, date_from, date_to, quantity, uom, cost_total,
        recovery_claimed, recovered}] of these claims, one entry per company,
        the claims in the order they were made; ``quantity`` adds up only
        claims of one unit (None otherwise)."""
        result = []
        for company in self.company_id.sorted("name"):
            claims = self.filtered(lambda c, company=company: c.company_id == company)
            claims = claims.sorted(lambda c: (c.claim_date, c.name or ""))
            uoms = claims.filtered("quantity").product_uom_id
            dates = [d for d in claims.mapped("claim_date") if d]
            result.append(
                {
                    "company": company,
                    "claims": claims,
                    "date_from": min(dates) if dates else False,
                    "date_to": max(dates) if dates else False,
                    "quantity": sum(claims.mapped("quantity"))
                    if len(uoms) <= 1
                    else None,
                    "uom": uoms if len(uoms) == 1 else uoms.browse(),
                    "cost_total": sum(claims.mapped("cost_total")),
                    "recovery_claimed": sum(claims.mapped("recovery_amount_claimed")),
                    "recovered": sum(claims.mapped("recovery_amount_recovered")),
                }
            )
        return result
