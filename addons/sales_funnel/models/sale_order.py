from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        # A new quotation of a deal is what the deal is now expected to bring.
        orders = super().create(vals_list)
        self.env["crm.lead"]._schedule_document_sync(orders.sudo().opportunity_id.ids)
        return orders

    def write(self, vals):
        # Every state change (sent, confirmed, cancelled, back to draft) goes through write;
        # an order moved to another deal changes both deals.
        watched = "state" in vals or "opportunity_id" in vals
        before = set(self.sudo().opportunity_id.ids) if watched else set()
        result = super().write(vals)
        if watched:
            self.env["crm.lead"]._schedule_document_sync(
                before | set(self.sudo().opportunity_id.ids)
            )
        return result

    def _amount_total_in_words(self):
        """The total in words, in the client's language, as a commercial proposal states it."""
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang
        return self.currency_id.with_context(lang=lang).amount_to_text(self.amount_total)
