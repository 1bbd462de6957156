from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    company_currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", string="Company currency"
    )
    cq_calendar_id = fields.Many2one(
        related="company_id.cq_calendar_id", readonly=False
    )
    cq_due_soon_hours = fields.Float(
        related="company_id.cq_due_soon_hours", readonly=False
    )
    cq_serious_loss_amount = fields.Monetary(
        related="company_id.cq_serious_loss_amount",
        readonly=False,
        currency_field="company_currency_id",
    )
    cq_qm_approval_amount = fields.Monetary(
        related="company_id.cq_qm_approval_amount",
        readonly=False,
        currency_field="company_currency_id",
    )
    cq_gm_approval_amount = fields.Monetary(
        related="company_id.cq_gm_approval_amount",
        readonly=False,
        currency_field="company_currency_id",
    )
    cq_quality_manager_id = fields.Many2one(
        related="company_id.cq_quality_manager_id", readonly=False
    )
    cq_management_rep_id = fields.Many2one(
        related="company_id.cq_management_rep_id", readonly=False
    )
    cq_general_manager_id = fields.Many2one(
        related="company_id.cq_general_manager_id", readonly=False
    )
    cq_pending_reminder_day = fields.Integer(
        related="company_id.cq_pending_reminder_day", readonly=False
    )
    cq_repeat_window_months = fields.Integer(
        related="company_id.cq_repeat_window_months", readonly=False
    )
    cq_repeat_scope = fields.Selection(
        related="company_id.cq_repeat_scope", readonly=False
    )
    cq_monthly_review = fields.Boolean(
        related="company_id.cq_monthly_review", readonly=False
    )
    cq_return_confirm_qty = fields.Float(
        related="company_id.cq_return_confirm_qty", readonly=False
    )
    cq_return_confirm_amount = fields.Monetary(
        related="company_id.cq_return_confirm_amount",
        readonly=False,
        currency_field="company_currency_id",
    )
    cq_return_approval_amount = fields.Monetary(
        related="company_id.cq_return_approval_amount",
        readonly=False,
        currency_field="company_currency_id",
    )

    cq_satisfaction_schedule = fields.Selection(
        related="company_id.cq_satisfaction_schedule", readonly=False
    )
    cq_satisfaction_survey_id = fields.Many2one(
        related="company_id.cq_satisfaction_survey_id", readonly=False
    )
    cq_satisfaction_answer_days = fields.Integer(
        related="company_id.cq_satisfaction_answer_days", readonly=False
    )
    cq_satisfaction_reminder_days = fields.Integer(
        related="company_id.cq_satisfaction_reminder_days", readonly=False
    )
    cq_satisfaction_dimension_min = fields.Float(
        related="company_id.cq_satisfaction_dimension_min", readonly=False
    )
    cq_satisfaction_overall_min = fields.Float(
        related="company_id.cq_satisfaction_overall_min", readonly=False
    )
    cq_satisfaction_competitor_margin = fields.Float(
        related="company_id.cq_satisfaction_competitor_margin", readonly=False
    )
    cq_satisfaction_trend_min_responses = fields.Integer(
        related="company_id.cq_satisfaction_trend_min_responses", readonly=False
    )
    cq_satisfaction_trend_min_change = fields.Float(
        related="company_id.cq_satisfaction_trend_min_change", readonly=False
    )
    cq_satisfaction_trend_alpha = fields.Float(
        related="company_id.cq_satisfaction_trend_alpha", readonly=False
    )
    cq_satisfaction_capa_mode = fields.Selection(
        related="company_id.cq_satisfaction_capa_mode", readonly=False
    )

    def action_cq_open_deadline_rules(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_quality.cq_deadline_rule_action"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action

    def action_cq_open_form_numbers(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_quality.cq_form_number_action"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        action["context"] = {"default_company_id": self.company_id.id}
        return action
