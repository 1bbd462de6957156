from odoo import api, fields, models
from odoo.tools import SQL

SOURCES = [
    ("delivery", "Delivery"),
    ("complaint", "Complaint"),
    ("return", "Return"),
]


class CqKpiDelivery(models.Model):
    """Complaints, defects and returns against the units delivered, per month,
    customer, product and company: one row per delivered move line, per
    complaint and per return line, each adding to its own sum.

    Counted:
    - delivered units: done stock move lines from a non-customer location to a
      customer location, in the product's unit, on the day they were done;
      replacements and other transfers of a return authorisation are not new
      deliveries and are left out;
    - complaints: tickets of type complaint, neither cancelled nor archived, on
      the day received, with their defective quantity;
    - returned units: lines of return authorisations authorised or further
      (neither draft nor cancelled nor archived), on the day requested.
    The ratios of a group are its sums' ratios (see cq.kpi.report.mixin)."""

    _name = "cq.kpi.delivery"
    _inherit = "cq.kpi.report.mixin"
    _description = "Delivered-goods Quality"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "product_id"
    _cq_ratios = {
        "complaint_ppm": ("complaint_count", "delivered_qty", 1000000.0),
        "defect_ppm": ("defective_qty", "delivered_qty", 1000000.0),
        "return_rate": ("returned_qty", "delivered_qty", 100.0),
    }
    _depends = {
        "stock.move.line": [
            "date",
            "company_id",
            "product_id",
            "quantity_product_uom",
            "state",
            "location_id",
            "location_dest_id",
            "move_id",
            "picking_id",
        ],
        "stock.move": ["partner_id"],
        "stock.picking": ["partner_id", "cq_return_id"],
        "stock.location": ["usage"],
        "res.partner": ["commercial_partner_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
        "cq.ticket": [
            "received_date",
            "company_id",
            "commercial_partner_id",
            "product_id",
            "feedback_type",
            "state",
            "active",
            "defective_qty",
        ],
        "cq.return.line": ["return_id", "product_id", "quantity"],
        "cq.return": ["date", "company_id", "commercial_partner_id", "state", "active"],
    }

    source = fields.Selection(SOURCES, readonly=True)
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_categ_id = fields.Many2one(
        "product.category", "Product category", readonly=True
    )
    ticket_id = fields.Many2one("cq.ticket", "Complaint", readonly=True)
    return_id = fields.Many2one("cq.return", "Return authorisation", readonly=True)
    delivered_qty = fields.Float(
        "Delivered units",
        readonly=True,
        aggregator="sum",
        digits="Product Unit of Measure",
        help="Done deliveries to customers, in the product's unit.",
    )
    complaint_count = fields.Integer(
        "Complaints",
        readonly=True,
        aggregator="sum",
        help="Tickets of type complaint, neither cancelled nor archived.",
    )
    defective_qty = fields.Float(
        "Defective units",
        readonly=True,
        aggregator="sum",
        digits="Product Unit of Measure",
        help="The defective quantity the complaints name.",
    )
    returned_qty = fields.Float(
        "Returned units",
        readonly=True,
        aggregator="sum",
        digits="Product Unit of Measure",
        help="Quantities of the return authorisations authorised or further.",
    )
    return_line_count = fields.Integer(
        "Return lines",
        readonly=True,
        aggregator="sum",
        help="Lines of the return authorisations authorised or further.",
    )
    complaint_ppm = fields.Float(
        "Complaints per million",
        readonly=True,
        aggregator="sum",
        digits=(16, 1),
        help="Complaints per million delivered units of each group.",
    )
    defect_ppm = fields.Float(
        "Defective PPM",
        readonly=True,
        aggregator="sum",
        digits=(16, 1),
        help="Defective units per million delivered units of each group.",
    )
    return_rate = fields.Float(
        "Return rate (%)",
        readonly=True,
        aggregator="sum",
        digits=(16, 2),
        help="Returned units over delivered units of each group, in percent.",
    )

    @api.model
    def _cq_view_query(self):
        # ids: three sources in one view, each id space kept apart
        return SQL(
            """
            SELECT ml.id * 3 AS id,
                   'delivery' AS source,
                   %s AS date,
                   ml.company_id AS company_id,
                   partner.commercial_partner_id AS partner_id,
                   ml.product_id AS product_id,
                   tmpl.categ_id AS product_categ_id,
                   NULL::integer AS ticket_id,
                   NULL::integer AS return_id,
                   ml.quantity_product_uom AS delivered_qty,
                   0 AS complaint_count,
                   0.0 AS defective_qty,
                   0.0 AS returned_qty,
                   0 AS return_line_count,
                   NULL::float AS complaint_ppm,
                   NULL::float AS defect_ppm,
                   NULL::float AS return_rate
              FROM stock_move_line ml
              JOIN stock_move move ON move.id = ml.move_id
              JOIN stock_location source ON source.id = ml.location_id
              JOIN stock_location dest ON dest.id = ml.location_dest_id
              JOIN product_product product ON product.id = ml.product_id
              JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
              LEFT JOIN stock_picking picking ON picking.id = ml.picking_id
              LEFT JOIN res_partner partner
                     ON partner.id = COALESCE(picking.partner_id, move.partner_id)
             WHERE ml.state = 'done'
               AND dest.usage = 'customer' AND source.usage != 'customer'
               AND picking.cq_return_id IS NULL
            UNION ALL
            SELECT ticket.id * 3 + 1,
                   'complaint',
                   %s,
                   ticket.company_id,
                   ticket.commercial_partner_id,
                   ticket.product_id,
                   tmpl.categ_id,
                   ticket.id,
                   NULL,
                   0.0,
                   1,
                   COALESCE(ticket.defective_qty, 0.0),
                   0.0,
                   0,
                   NULL,
                   NULL,
                   NULL
              FROM cq_ticket ticket
              LEFT JOIN product_product product ON product.id = ticket.product_id
              LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
             WHERE ticket.feedback_type = 'complaint'
               AND ticket.state != 'cancelled' AND ticket.active
            UNION ALL
            SELECT line.id * 3 + 2,
                   'return',
                   ret.date,
                   ret.company_id,
                   ret.commercial_partner_id,
                   line.product_id,
                   tmpl.categ_id,
                   NULL,
                   ret.id,
                   0.0,
                   0,
                   0.0,
                   line.quantity,
                   1,
                   NULL,
                   NULL,
                   NULL
              FROM cq_return_line line
              JOIN cq_return ret ON ret.id = line.return_id
              JOIN product_product product ON product.id = line.product_id
              JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
             WHERE ret.state NOT IN ('draft', 'cancelled') AND ret.active
            """,
            self._cq_local_day(SQL("ml.date"), SQL("ml.company_id")),
            self._cq_local_day(SQL("ticket.received_date"), SQL("ticket.company_id")),
        )
