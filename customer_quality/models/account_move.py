from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    cq_return_id = fields.Many2one(
        "cq.return", "Return authorisation", index="btree_not_null", readonly=True
    )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    cq_return_line_id = fields.Many2one(
        "cq.return.line", string="Return line", index="btree_not_null", readonly=True
    )
