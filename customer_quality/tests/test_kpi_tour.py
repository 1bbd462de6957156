from odoo.tests import HttpCase, tagged

from .common import CqReturnCommon, CqTourMixin


@tagged("post_install", "-at_install", "is_tour")
class TestKpiTour(CqTourMixin, CqReturnCommon, HttpCase):
    """The KPI pivots in the browser show the rates the server computes per cell."""

    def test_ppm_and_return_rate_pivots(self):
        customer = self.env["res.partner"].create(
            {"name": "Tour Brakes Ltd", "is_company": True}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.stock_location, 4000, lot_id=self.lot
        )
        delivery = self._deliver(customer, self.product, 4000, self.lot)[1]
        for defective in (5, 3):
            self._ticket(
                partner_id=customer.id,
                contact_id=False,
                product_id=self.product.id,
                defective_qty=defective,
            )
        self._return(40, delivery=delivery).action_authorise()
        self._cq_tour(
            "/odoo/action-customer_quality.cq_kpi_delivery_action_ppm",
            "cq_kpi_ppm_tour",
            self.officer.login,
        )
