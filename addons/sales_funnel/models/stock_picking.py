from datetime import timedelta

from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        result = super()._action_done()
        # Warehouse staff have no CRM rights: read the deals as the engine.
        done = self.sudo().filtered(
            lambda picking: picking.state == "done" and picking.sale_id.opportunity_id
        )
        deals = done.sale_id.opportunity_id
        self.env["crm.lead"]._schedule_document_sync(deals.ids)
        done.filtered(
            lambda picking: picking.picking_type_code == "outgoing"
        )._plan_delivery_control()
        return result

    def _plan_delivery_control(self):
        """Each validated delivery gets a "delivery control" activity on its deal, in 3 days."""
        activity_type = self.env.ref("sales_funnel.mail_activity_type_delivery_control")
        deadline = fields.Date.context_today(self) + timedelta(days=activity_type.delay_count or 3)
        model_id = self.env["ir.model"]._get_id("crm.lead")
        values = [
            {
                "res_model_id": model_id,
                "res_id": picking.sale_id.opportunity_id.id,
                "activity_type_id": activity_type.id,
                "summary": self.env._(
                    "Check delivery %(picking)s reached the client", picking=picking.name
                ),
                "date_deadline": deadline,
                "user_id": (
                    picking.sale_id.opportunity_id.user_id
                    or picking.sale_id.user_id
                    or self.env.user
                ).id,
                "automated": True,
            }
            for picking in self
            if picking.sale_id.opportunity_id.scenario_id
        ]
        if values:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                values
            )
