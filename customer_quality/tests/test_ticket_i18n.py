import polib

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import CqCommon


@tagged("post_install", "-at_install")
class TestTicketI18n(CqCommon):
    """What a user working in Simplified Chinese sees, from the shipped zh_CN.po."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["customer_quality"], ["zh_CN"], overwrite=True
        )
        cls.zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))

    def _labels(self, field_name):
        field = self.zh["cq.ticket"].fields_get([field_name])[field_name]
        return dict(field["selection"])

    def test_state_labels(self):
        states = self._labels("state")
        self.assertEqual(states["draft"], "新建")
        self.assertEqual(states["to_approve"], "待审批")
        self.assertEqual(states["closed"], "已结案")
        self.assertEqual(self._labels("severity")["serious"], "严重")

    def test_field_strings(self):
        fields = self.zh["cq.ticket"].fields_get(
            ["complained_user_ids", "readback_confirmed", "team_id"], ["string"]
        )
        self.assertEqual(fields["complained_user_ids"]["string"], "被投诉人")
        self.assertEqual(fields["readback_confirmed"]["string"], "已复述确认")
        self.assertEqual(fields["team_id"]["string"], "责任部门")

    def test_form_view_and_menus(self):
        views = self.zh["cq.ticket"].get_views([(False, "form")])["views"]
        arch = views["form"]["arch"]
        self.assertIn('string="移交"', arch)
        self.assertIn('string="列入未了事宜台帐"', arch)
        self.assertNotIn('string="Hand off"', arch)
        self.assertEqual(self.zh.ref("customer_quality.cq_menu_root").name, "客户质量")
        pending_menu = self.zh.ref("customer_quality.cq_ticket_menu_pending")
        self.assertEqual(pending_menu.name, "未了事宜台帐")

    def test_user_errors(self):
        ticket = self._ticket(description=False, team_id=False).with_env(self.zh)
        missing = "尚不能移交，请先填写：.*事件经过.*责任部门"
        with self.assertRaisesRegex(UserError, missing):
            ticket.action_submit()
        oral = self._ticket(channel="phone").with_env(self.zh)
        with self.assertRaisesRegex(UserError, "须将记录向客户复述.*（复述确认）"):
            oral.action_submit()

    def test_approval_level_in_message(self):
        """The approval level named in the refusal is the translated label."""
        ticket = self._investigated(self._ticket())
        ticket.action_request_approval()
        salesperson = ticket.with_user(self.sales_user).with_context(lang="zh_CN")
        with self.assertRaisesRegex(AccessError, "须由部门经理审批"):
            salesperson.action_approve()

    def test_po_file_complete(self):
        """Every term of the template is translated in zh_CN.po, none fuzzy (but
        those that read the same in Chinese, which OCA's po check leaves empty)."""
        same_in_chinese = {"ID", "8D"}
        po = polib.pofile(file_path("customer_quality/i18n/zh_CN.po"))
        pot = polib.pofile(file_path("customer_quality/i18n/customer_quality.pot"))
        self.assertEqual(po.metadata.get("Language"), "zh_CN")
        self.assertFalse([e.msgid for e in po.fuzzy_entries()], "fuzzy terms")
        self.assertFalse(
            [
                e.msgid
                for e in po.untranslated_entries()
                if e.msgid not in same_in_chinese
            ],
            "untranslated",
        )
        translated = {e.msgid for e in po if not e.obsolete} & (
            {e.msgid for e in po if e.msgstr} | same_in_chinese
        )
        missing = [e.msgid for e in pot if e.msgid not in translated]
        self.assertFalse(missing, "terms of customer_quality.pot missing from zh_CN.po")
