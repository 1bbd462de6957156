from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import CqTourMixin
from .test_overview import CqOverviewCommon


@tagged("post_install", "-at_install", "is_tour")
class TestOverviewTour(CqTourMixin, CqOverviewCommon, HttpCase):
    """A quality manager opens the app on its overview and, from a department's
    card, the list of its overdue tickets."""

    def test_overview_opens_the_counted_list(self):
        now = fields.Datetime.now()
        team = self.env["cq.team"].create({"name": "Tour Department", "sequence": 0})
        hour = timedelta(hours=1)
        for due in (now - hour, now - 2 * hour, now + 48 * hour):
            self._ticket([due], team_id=team.id, received_date=now - 24 * hour)
        self._cq_tour("/odoo", "cq_overview_tour", self.quality_manager.login)
