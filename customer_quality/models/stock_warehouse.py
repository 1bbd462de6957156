from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    cq_return_location_id = fields.Many2one(
        "stock.location",
        "Customer returns location",
        check_company=True,
        domain="[('usage', '=', 'internal'), ('company_id', '=', company_id)]",
        help="Returned goods are received here and wait for inspection and"
        " disposition (quarantine); created on the first return.",
    )
    cq_rework_location_id = fields.Many2one(
        "stock.location",
        "Rework location",
        check_company=True,
        domain="[('usage', '=', 'internal'), ('company_id', '=', company_id)]",
        help="Returned goods to rework go here; created on the first rework.",
    )

    cq_return_user_ids = fields.Many2many(
        "res.users",
        "cq_warehouse_return_user_rel",
        "warehouse_id",
        "user_id",
        "Return handlers",
        domain="[('share', '=', False)]",
        help="Storekeepers who receive and inspect the customer returns of this"
        " warehouse: they see its returns and get the inspection activities.",
    )

    def _cq_location(self, field, name):
        self.ensure_one()
        if not self[field]:
            self.sudo()[field] = (
                self.env["stock.location"]
                .sudo()
                .create(
                    {
                        "name": name,
                        "usage": "internal",
                        "location_id": self.view_location_id.id,
                        "company_id": self.company_id.id,
                    }
                )
            )
        return self[field]

    def _cq_return_location(self):
        return self._cq_location(
            "cq_return_location_id", self.env._("Customer Returns")
        )

    def _cq_rework_location(self):
        return self._cq_location("cq_rework_location_id", self.env._("Rework"))
