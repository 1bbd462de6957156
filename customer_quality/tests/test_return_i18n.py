from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CqReturnCommon


@tagged("post_install", "-at_install")
class TestReturnI18n(CqReturnCommon):
    """Returns and warranty claims as a user working in Simplified Chinese sees them,
    from the shipped zh_CN.po."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["customer_quality"], ["zh_CN"], overwrite=True
        )
        cls.zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))

    def _labels(self, model, field_name):
        field = self.zh[model].fields_get([field_name])[field_name]
        return dict(field["selection"])

    def _strings(self, model, field_names):
        described = self.zh[model].fields_get(field_names, ["string"])
        return {name: described[name]["string"] for name in field_names}

    def test_return_labels(self):
        states = self._labels("cq.return", "state")
        self.assertEqual(states["draft"], "草稿")
        self.assertEqual(states["authorised"], "已核准")
        self.assertEqual(states["received"], "已收货")
        self.assertEqual(states["inspected"], "检验完成")
        self.assertEqual(
            self._labels("cq.return", "return_scope")["whole_batch"], "整批退货"
        )
        dispositions = self._labels("cq.return.line", "disposition")
        self.assertEqual(dispositions["scrap"], "报废")
        self.assertEqual(dispositions["rework"], "返工")
        self.assertEqual(dispositions["supplier"], "退供应商")
        self.assertEqual(dispositions["use_as_is"], "让步接收（特采）")
        outcomes = self._labels("cq.return.line", "outcome")
        self.assertEqual(outcomes["credit_note"], "退款通知")
        self.assertEqual(outcomes["replacement"], "换货")

    def test_warranty_labels(self):
        warranty = self._labels("cq.warranty.claim", "warranty_state")
        self.assertEqual(warranty["in_warranty"], "保修期内")
        self.assertEqual(warranty["out_of_warranty"], "保修期外")
        outcomes = self._labels("cq.warranty.claim", "outcome")
        self.assertEqual(outcomes["free_replacement"], "免费更换")
        self.assertEqual(outcomes["joint_investigation"], "共同调查分析")
        recovery = self._labels("cq.warranty.claim", "recovery_state")
        self.assertEqual(recovery["partial"], "部分追偿")

    def test_field_strings(self):
        self.assertEqual(
            self._strings(
                "cq.return",
                ["needs_quality_confirmation", "nc_description", "picking_id"],
            ),
            {
                "needs_quality_confirmation": "需品管部确认",
                "nc_description": "不合格描述",
                "picking_id": "来源交货单",
            },
        )
        self.assertEqual(
            self._strings("cq.return.line", ["concession_ref", "sample_qty"]),
            {"concession_ref": "客户特采编号", "sample_qty": "留存样品数"},
        )
        self.assertEqual(
            self._strings(
                "cq.warranty.claim", ["recovery_rate", "cost_ids", "warranty_end"]
            ),
            {
                "recovery_rate": "追偿率（%）",
                "cost_ids": "索赔费用",
                "warranty_end": "保修截止日",
            },
        )
        self.assertEqual(self.zh["ir.model"]._get("cq.return").name, "退货单")
        self.assertEqual(
            self.zh["ir.model"]._get("cq.warranty.term").name, "顾客保固要求"
        )

    def test_form_view(self):
        arch = self.zh["cq.return"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        for label in (
            "核准",
            "确认问题",
            "收货",
            "记录检验结果",
            "向客户说明",
            "重置为草稿",
        ):
            self.assertIn(f'string="{label}"', arch)
        self.assertIn("产品不合格（PNPR）", arch)
        self.assertNotIn('string="Authorise"', arch)
        self.assertNotIn('string="Explain to customer"', arch)

    def test_menus(self):
        self.assertEqual(
            self.zh.ref("customer_quality.cq_return_menu_main").name, "退货单"
        )
        self.assertEqual(
            self.zh.ref("customer_quality.cq_return_menu_my").name, "我的退货单"
        )
        self.assertEqual(
            self.zh.ref("customer_quality.cq_warranty_menu_main").name, "保修"
        )
        terms_menu = self.zh.ref("customer_quality.cq_warranty_term_menu")
        self.assertEqual(terms_menu.name, "顾客保固要求一览表")

    def test_more_than_delivered(self):
        """The sales user authorising 41 of the 40 delivered reads why in Chinese."""
        rma = self._return(41).with_context(lang="zh_CN")
        with self.assertRaisesRegex(
            ValidationError,
            r"交货单 .+ 发运的 .*BC-200.* 仅剩 40(\.0)? .+ 可退"
            r"（已交货 40(\.0)?，已退回或已核准退货 0(\.0)?）；申请退货 41(\.0)?。",
        ):
            rma.action_authorise()
        self.assertEqual(rma.state, "draft")

    def test_state_named_in_message(self):
        """The state named in a refused transition is the translated label."""
        rma = self._return(1).with_context(lang="zh_CN")
        with self.assertRaisesRegex(
            UserError, "退货单 .+ 处于“草稿”状态：目前不能收货。"
        ):
            rma.with_user(self.warehouse_user).action_receive()

    def test_warranty_messages(self):
        """Sentences built from pieces read as Chinese sentences."""
        self.product.cq_warranty_months = 24
        claim = (
            self.env["cq.warranty.claim"]
            .with_user(self.officer)
            .with_context(lang="zh_CN")
            .create(
                {
                    "partner_id": self.customer.id,
                    "picking_id": self.delivery.id,
                    "product_id": self.product.id,
                    "lot_id": self.lot.id,
                    "quantity": 2,
                    "claim_date": fields.Date.today(),
                    "description": "<p>放气螺钉开裂，制动液泄漏。</p>",
                }
            )
        )
        self.assertRegex(
            claim.warranty_explanation,
            r"^\d{4}-\d{2}-\d{2} 交货，24 个月（产品） → 截至 \d{4}-\d{2}-\d{2}$",
        )
        claim.action_confirm()
        with self.assertRaisesRegex(
            UserError, "作出处理决定之前，请先填写 .+ 的责任归属和处理结果。"
        ):
            claim.action_decide()

    def test_explanation_email(self):
        """The explanation email of a Chinese-speaking customer is in Chinese."""
        self.customer.lang = "zh_CN"
        rma = self._return(2)
        template = self.env.ref("customer_quality.mail_template_cq_return_explanation")
        subject = template._render_field("subject", rma.ids, compute_lang=True)[rma.id]
        self.assertEqual(subject, f"{self.company.name}：关于您的退货 {rma.name}")
        body = template._render_field("body_html", rma.ids, compute_lang=True)[rma.id]
        self.assertIn("处理情况如下", body)
        self.assertIn("批次/序列号", body)
        self.assertIn(rma.name, body)
        self.assertIn("LOT-2026-001", body)
