from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Command


class SalesFunnelDemo(models.AbstractModel):
    """Demo data generator: deals played through a scenario with real documents."""

    _name = "sales_funnel.demo"
    _description = "Sales funnel demo data"

    @api.model
    def _play_pipeline(self, team_xmlid, product_xmlids, deals):
        """Play each deal up to its step with real quotations, orders, invoices and payments,
        then spread its stage history over the past ``days`` so the funnel tells a story."""
        team = self.env.ref(team_xmlid)
        goods, service = (self.env.ref(xmlid) for xmlid in product_xmlids)
        for spec in deals:
            lead = self._create_deal(team, spec)
            product = service if spec["step"] == len(team.scenario_id.step_ids) else goods
            self._play_steps(lead, spec, product)
            self._close_or_neglect(lead, spec)
            self._spread_history(lead, spec["days"])

    def _create_deal(self, team, spec):
        client = self.env.ref(spec["partner"]).commercial_partner_id
        salesperson = self.env.ref(spec["user"])
        if not client.user_id:
            client.user_id = salesperson
        return self.env["crm.lead"].create(
            {
                "name": spec["name"],
                "type": "opportunity",
                "partner_id": self.env.ref(spec["partner"]).id,
                "user_id": salesperson.id,
                "team_id": team.id,
                "primary_demand": spec["demand"],
                "expected_revenue": spec.get("revenue", 0.0),
            }
        )

    def _play_steps(self, lead, spec, product):
        """Steps with a trigger are reached by their documents, the others by a move."""
        order = self.env["sale.order"]
        for step in lead.scenario_id.step_ids[1 : spec["step"]]:
            lead.activity_ids.action_feedback(feedback=self.env._("Done"))
            if step.trigger == "quotation_sent":
                order = self._send_quotation(lead, product, spec.get("qty", 5))
            elif step.trigger == "order_confirmed":
                order.action_confirm()
            elif step.trigger == "invoice_paid":
                self._invoice_and_pay(order)
            if step.trigger:
                self.env["crm.lead"]._run_document_sync()
            elif step != lead.scenario_step_id:
                lead._move_to_step(step)

    def _send_quotation(self, lead, product, qty):
        order = self.env["sale.order"].create(
            {
                "partner_id": lead.partner_id.id,
                "opportunity_id": lead.id,
                "team_id": lead.team_id.id,
                "user_id": lead.user_id.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
            }
        )
        order.action_quotation_sent()
        return order

    def _invoice_and_pay(self, order):
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()

    def _close_or_neglect(self, lead, spec):
        if spec.get("lost"):
            lead.activity_ids.action_feedback(feedback=self.env._("The client said no"))
            lead.action_set_lost(lost_reason_id=self.env.ref(spec["lost"]).id)
            if spec.get("approved"):
                lead.action_approve_loss()
        if spec.get("health") == "overdue":
            lead.activity_ids.date_deadline = fields.Date.today() - timedelta(days=3)
        elif spec.get("health") == "nothing":
            lead.activity_ids.unlink()

    def _spread_history(self, lead, days):
        now = fields.Datetime.now()
        visits = lead.with_context(active_test=False).stage_log_ids.sorted("id")
        step = timedelta(days=days / len(visits))
        for index, visit in enumerate(visits):
            remaining = len(visits) - index
            visit.write(
                {
                    "date_in": now - step * remaining,
                    "date_out": visit.date_out and now - step * (remaining - 1),
                }
            )
