"""18.0.1.2.0: the old "Corrective action (8D)" text of the tickets moves into
corrective action records, and its column goes."""

import importlib.util
from pathlib import Path

from odoo.tests import tagged
from odoo.tools.sql import column_exists

from .common import CqCommon

SCRIPT = (
    Path(__file__).resolve().parent.parent
    / "migrations"
    / "18.0.1.2.0"
    / "post-migrate.py"
)


def _migration():
    spec = importlib.util.spec_from_file_location("cq_migrate_18_0_1_2_0", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.migrate


@tagged("post_install", "-at_install")
class TestCapaMigration(CqCommon):
    def test_old_8d_text_becomes_a_capa(self):
        cr = self.env.cr
        with_text = self._ticket(subject="Pads wear", product_id=self.product.id)
        without = self._ticket(subject="Late truck")
        self.env.flush_all()
        # the database as 18.0.1.1.0 left it (DDL is rolled back with the test)
        cr.execute("ALTER TABLE cq_ticket ADD COLUMN corrective_action text")
        cr.execute(
            "UPDATE cq_ticket SET corrective_action = %s WHERE id = %s",
            ["8D-2026-031: recipe locked in the PLC.\nHardness per mix.", with_text.id],
        )
        cr.execute(
            "UPDATE cq_ticket SET corrective_action = '  ' WHERE id = %s",
            [without.id],
        )
        _migration()(cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertFalse(column_exists(cr, "cq_ticket", "corrective_action"))
        capa = with_text.capa_ids
        self.assertEqual(len(capa), 1)
        self.assertFalse(without.capa_ids, "blank texts make no record")
        self.assertEqual(capa.state, "draft", "nothing says it was ever verified")
        self.assertEqual(capa.title, "Pads wear")
        self.assertEqual(capa.product_id, self.product)
        self.assertEqual(capa.partner_id, self.customer)
        self.assertRegex(capa.name, r"^CAPA/\d{4}/\d{5}$")
        note = capa.message_ids.filtered(lambda m: "8D-2026-031" in (m.body or ""))
        self.assertIn("Hardness per mix.", note.body)
        self.assertIn(capa.name, with_text.message_ids[0].body)
        # the management review lists it until its effectiveness is verified
        self.assertIn(
            capa,
            self.env["cq.capa"].search([("state", "not in", ("closed", "cancelled"))]),
        )

    def test_runs_on_a_database_without_the_column(self):
        _migration()(self.env.cr, "18.0.1.2.0")
        self.assertFalse(column_exists(self.env.cr, "cq_ticket", "corrective_action"))
