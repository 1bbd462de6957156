from odoo import fields, models


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _prepare_picking_default_values_based_on(self, picking):
        values = super()._prepare_picking_default_values_based_on(picking)
        location_id = self.env.context.get("cq_return_location_id")
        if location_id:
            # returned goods wait for inspection in quarantine, whatever the
            # warehouse's reception steps
            values["location_dest_id"] = location_id
        return values


class StockReturnPickingLine(models.TransientModel):
    _inherit = "stock.return.picking.line"

    cq_return_line_id = fields.Many2one("cq.return.line", string="Return line")

    def _prepare_move_default_values(self, new_picking):
        values = super()._prepare_move_default_values(new_picking)
        if self.cq_return_line_id:
            values["cq_return_line_id"] = self.cq_return_line_id.id
        return values
