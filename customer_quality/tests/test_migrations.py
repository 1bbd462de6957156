"""The migrations of earlier versions, run on the data as those versions left
it (the whole upgrade from the previous version is in the repository's
tests/test_upgrade_from_previous.py)."""

import importlib.util
from pathlib import Path

from odoo.tests import tagged

from .common import CqCommon

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _migration(version):
    script = MIGRATIONS / version / "post-migrate.py"
    spec = importlib.util.spec_from_file_location(
        f"cq_migrate_{version.replace('.', '_')}", script
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.migrate


@tagged("post_install", "-at_install")
class TestMigrations(CqCommon):
    def _own_series(self, company, codes):
        return set(
            self.env["ir.sequence"]
            .sudo()
            .search([("code", "in", codes), ("company_id", "=", company.id)])
            .mapped("code")
        )

    def _company_as_before(self, codes):
        """A second company whose own series of ``codes`` did not exist yet."""
        company = self.env["res.company"].create({"name": "Wuhu Brakes Export"})
        self.env["ir.sequence"].sudo().search(
            [("code", "in", codes), ("company_id", "=", company.id)]
        ).unlink()
        self.assertFalse(self._own_series(company, codes))
        return company

    def test_18_0_1_1_0_gives_returns_and_claims_their_series(self):
        codes = ["cq.return", "cq.warranty.claim"]
        company = self._company_as_before(codes)
        main_before = self._own_series(self.company, codes)
        _migration("18.0.1.1.0")(self.env.cr, "18.0.1.0.0")
        self.assertEqual(self._own_series(company, codes), set(codes))
        self.assertEqual(
            self._own_series(self.company, codes),
            main_before,
            "the main company keeps the shared series",
        )
        # run again (a re-run upgrade): nothing doubles
        _migration("18.0.1.1.0")(self.env.cr, "18.0.1.0.0")
        self.assertEqual(
            self.env["ir.sequence"]
            .sudo()
            .search_count([("code", "in", codes), ("company_id", "=", company.id)]),
            2,
        )

    def test_18_0_1_3_0_gives_campaigns_and_weak_results_their_series(self):
        codes = ["cq.satisfaction.campaign", "cq.satisfaction.trigger"]
        company = self._company_as_before(codes)
        _migration("18.0.1.3.0")(self.env.cr, "18.0.1.2.0")
        self.assertEqual(self._own_series(company, codes), set(codes))

    def test_18_0_1_4_0_hides_the_serious_notice_and_gives_tokens(self):
        subtype = self.env.ref("customer_quality.mt_cq_ticket_serious")
        subtype.internal = False
        ticket = self._ticket()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE cq_ticket SET access_token = NULL WHERE id = %s", [ticket.id]
        )
        ticket.invalidate_recordset(["access_token"])
        _migration("18.0.1.4.0")(self.env.cr, "18.0.1.3.0")
        subtype.invalidate_recordset(["internal"])
        ticket.invalidate_recordset(["access_token"])
        self.assertTrue(subtype.internal, "customers never receive it")
        self.assertTrue(ticket.access_token)
