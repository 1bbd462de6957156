from odoo import api, models


class CqCacheClearingMixin(models.AbstractModel):
    """Creating, deleting, or writing one of ``_cq_cache_fields`` of these
    records clears the registry's cache, where the number series of quality
    records are kept (``cq.document.mixin._cq_sequence_slot``)."""

    _name = "cq.cache.clearing.mixin"
    _description = "Customer Quality Cache Clearing"

    _cq_cache_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        if set(self._cq_cache_fields) & set(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result


class IrSequence(models.Model):
    _name = "ir.sequence"
    _inherit = ["ir.sequence", "cq.cache.clearing.mixin"]
    _cq_cache_fields = ("code", "company_id", "use_date_range", "active")


class IrSequenceDateRange(models.Model):
    _name = "ir.sequence.date_range"
    _inherit = ["ir.sequence.date_range", "cq.cache.clearing.mixin"]
    _cq_cache_fields = ("date_from", "date_to", "sequence_id")
