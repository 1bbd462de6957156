from odoo import api, fields, models


class CqTeam(models.Model):
    """A department that receives and handles customer feedback (责任部门)."""

    _name = "cq.team"
    _description = "Customer Quality Team"
    _inherit = ["mail.alias.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    manager_id = fields.Many2one(
        "res.users",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        help="Approves this team's ordinary decisions and receives its escalations.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "cq_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        check_company=True,
        domain="[('share', '=', False)]",
    )
    ticket_ids = fields.One2many("cq.ticket", "team_id", string="Tickets")

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("cq.ticket")
        if self.id:
            defaults = dict(values.get("alias_defaults") or {})
            defaults.update(
                team_id=self.id, company_id=self.company_id.id, channel="email"
            )
            values["alias_defaults"] = defaults
        return values

    @api.model
    def _cq_default_team(self, company):
        return self.search([("company_id", "=", company.id)], limit=1)

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_quality.cq_ticket_action"
        )
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {
            "default_team_id": self.id,
            "search_default_filter_open": 1,
        }
        return action
