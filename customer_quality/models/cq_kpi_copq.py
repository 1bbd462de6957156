from odoo import api, fields, models
from odoo.tools import SQL

from .cq_warranty_claim_cost import COST_TYPES

SOURCES = [
    ("claim_cost", "Claim cost"),
    ("credit_note", "Credit note"),
    ("replacement", "Replacement shipped"),
    ("scrap", "Scrap"),
    ("recovery", "Recovered from supplier"),
]


class CqKpiCopq(models.Model):
    """Cost of poor quality, in the company's currency, one row per cost:

    - claim costs: the cost lines of warranty claims not cancelled, on their
      date (replacement goods in the replacements, the other types in the
      claim costs);
    - credit notes: product lines of posted customer credit notes of a return
      authorisation, untaxed, on the accounting date; a credit note already
      booked as a claim cost is not counted twice;
    - replacements shipped: the stock valuation of the done replacement
      deliveries of return authorisations;
    - scrap: the stock valuation of the done scraps of returned goods;
    - recovered: what suppliers paid back on claims not cancelled, on the
      claim's date, deducted in the net cost of poor quality."""

    _name = "cq.kpi.copq"
    _inherit = "cq.kpi.report.mixin"
    _description = "Cost of Poor Quality"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "source"
    _depends = {
        "cq.warranty.claim.cost": [
            "claim_id",
            "cost_type",
            "date",
            "amount",
            "account_move_id",
        ],
        "cq.warranty.claim": [
            "company_id",
            "partner_id",
            "product_id",
            "state",
            "active",
            "claim_date",
            "recovery_amount_recovered",
        ],
        "res.partner": ["commercial_partner_id"],
        "account.move.line": [
            "date",
            "product_id",
            "balance",
            "display_type",
            "move_id",
        ],
        "account.move": [
            "company_id",
            "commercial_partner_id",
            "cq_return_id",
            "move_type",
            "state",
        ],
        "stock.move": [
            "date",
            "company_id",
            "product_id",
            "picking_id",
            "state",
            "scrap_id",
        ],
        "stock.picking": ["cq_return_id", "cq_return_role"],
        "cq.return": ["commercial_partner_id"],
        "stock.valuation.layer": ["stock_move_id", "value"],
        "stock.scrap": [
            "date_done",
            "company_id",
            "product_id",
            "cq_return_id",
            "state",
        ],
    }

    source = fields.Selection(SOURCES, readonly=True)
    cost_type = fields.Selection(COST_TYPES, "Claim cost type", readonly=True)
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    claim_id = fields.Many2one("cq.warranty.claim", "Warranty claim", readonly=True)
    return_id = fields.Many2one("cq.return", "Return authorisation", readonly=True)
    claim_cost = fields.Monetary(
        "Claim costs",
        readonly=True,
        aggregator="sum",
        help="Cost lines of the warranty claims but replacement goods.",
    )
    replacement_cost = fields.Monetary(
        "Replacements",
        readonly=True,
        aggregator="sum",
        help="Replacement goods of claims and the stock value of the replacements "
        "shipped for returns.",
    )
    credit_note_amount = fields.Monetary(
        "Credit notes",
        readonly=True,
        aggregator="sum",
        help="Untaxed posted customer credit notes of return authorisations.",
    )
    scrap_cost = fields.Monetary(
        "Scrap",
        readonly=True,
        aggregator="sum",
        help="Stock value of the returned goods scrapped.",
    )
    cost_total = fields.Monetary(
        "Total cost", readonly=True, aggregator="sum", help="All the costs above."
    )
    recovered_amount = fields.Monetary(
        "Recovered",
        readonly=True,
        aggregator="sum",
        help="What suppliers paid back on warranty claims.",
    )
    net_cost = fields.Monetary(
        "Net cost of poor quality",
        readonly=True,
        aggregator="sum",
        help="Total cost less what was recovered.",
    )

    @api.model
    def _cq_view_query(self):
        return SQL(
            """
            WITH cost AS (
                SELECT c.id * 5 AS id,
                       'claim_cost' AS source,
                       c.cost_type AS cost_type,
                       c.date AS date,
                       claim.company_id AS company_id,
                       partner.commercial_partner_id AS partner_id,
                       claim.product_id AS product_id,
                       claim.id AS claim_id,
                       NULL::integer AS return_id,
                       CASE WHEN c.cost_type = 'replacement' THEN 0 ELSE c.amount END
                           AS claim_cost,
                       CASE WHEN c.cost_type = 'replacement' THEN c.amount ELSE 0 END
                           AS replacement_cost,
                       0.0 AS credit_note_amount,
                       0.0 AS scrap_cost,
                       0.0 AS recovered_amount
                  FROM cq_warranty_claim_cost c
                  JOIN cq_warranty_claim claim ON claim.id = c.claim_id
                  LEFT JOIN res_partner partner ON partner.id = claim.partner_id
                 WHERE claim.state != 'cancelled' AND claim.active
                UNION ALL
                SELECT aml.id * 5 + 1, 'credit_note', NULL, aml.date, move.company_id,
                       move.commercial_partner_id, aml.product_id, NULL,
                       move.cq_return_id, 0.0, 0.0, aml.balance, 0.0, 0.0
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
                 WHERE move.cq_return_id IS NOT NULL
                   AND move.move_type = 'out_refund' AND move.state = 'posted'
                   AND aml.display_type = 'product'
                   AND NOT EXISTS (SELECT 1 FROM cq_warranty_claim_cost booked
                                    WHERE booked.account_move_id = move.id)
                UNION ALL
                SELECT sm.id * 5 + 2, 'replacement', NULL, %s,
                       sm.company_id, ret.commercial_partner_id, sm.product_id, NULL,
                       ret.id, 0.0, -SUM(svl.value), 0.0, 0.0, 0.0
                  FROM stock_move sm
                  JOIN stock_picking picking ON picking.id = sm.picking_id
                  JOIN cq_return ret ON ret.id = picking.cq_return_id
                  JOIN stock_valuation_layer svl ON svl.stock_move_id = sm.id
                 WHERE picking.cq_return_role = 'replacement' AND sm.state = 'done'
                 GROUP BY sm.id, ret.id
                UNION ALL
                SELECT scrap.id * 5 + 3, 'scrap', NULL, %s,
                       scrap.company_id, ret.commercial_partner_id, scrap.product_id,
                       NULL, ret.id, 0.0, 0.0, 0.0, -SUM(svl.value), 0.0
                  FROM stock_scrap scrap
                  JOIN cq_return ret ON ret.id = scrap.cq_return_id
                  JOIN stock_move sm ON sm.scrap_id = scrap.id
                  JOIN stock_valuation_layer svl ON svl.stock_move_id = sm.id
                 WHERE scrap.state = 'done'
                 GROUP BY scrap.id, ret.id
                UNION ALL
                SELECT claim.id * 5 + 4, 'recovery', NULL, claim.claim_date,
                       claim.company_id, partner.commercial_partner_id,
                       claim.product_id, claim.id, NULL, 0.0, 0.0, 0.0, 0.0,
                       claim.recovery_amount_recovered
                  FROM cq_warranty_claim claim
                  LEFT JOIN res_partner partner ON partner.id = claim.partner_id
                 WHERE claim.state != 'cancelled' AND claim.active
                   AND COALESCE(claim.recovery_amount_recovered, 0) != 0
            )
            SELECT cost.*,
                   claim_cost + replacement_cost + credit_note_amount + scrap_cost
                       AS cost_total,
                   claim_cost + replacement_cost + credit_note_amount + scrap_cost
                       - recovered_amount AS net_cost
              FROM cost
            """,
            self._cq_local_day(SQL("sm.date"), SQL("sm.company_id")),
            self._cq_local_day(SQL("scrap.date_done"), SQL("scrap.company_id")),
        )
