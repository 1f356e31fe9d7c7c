import random
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Command

# A year of history for the funnel: how deals of the demo end (out of 20), the loss reasons
# they give, and the days a deal spends on a step.
WON_IN_20, LOST_IN_20 = 5, 12
LOSS_REASONS = ("crm.lost_reason_1", "crm.lost_reason_2", "crm.lost_reason_3")
DAYS_ON_STEP = (1, 9)


class SalesFunnelDemo(models.AbstractModel):
    """Demo data generator: deals played through a scenario with real documents, and a
    year of lighter deals moved through the stage engine for the funnel's history."""

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
            self._draft_proposals(lead, spec, goods)
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

    def _quotation(self, lead, product, qty, discount=0.0):
        return self.env["sale.order"].create(
            {
                "partner_id": lead.partner_id.id,
                "opportunity_id": lead.id,
                "team_id": lead.team_id.id,
                "user_id": lead.user_id.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": qty, "discount": discount}
                    )
                ],
            }
        )

    def _send_quotation(self, lead, product, qty):
        order = self._quotation(lead, product, qty)
        order.action_quotation_sent()
        return order

    def _draft_proposals(self, lead, spec, product):
        """Proposals still in draft, one per discount the spec lists: a variant of the deal's
        sent quotation when it has one, and a discount beyond the company's limit waiting
        for the head of sales' approval."""
        for discount in spec.get("proposals", ()):
            sent = lead.order_ids.filtered(lambda order: order.state == "sent")[:1]
            if sent:
                order = self.env["sale.order"].browse(sent.action_new_variant()["res_id"])
                order.order_line.discount = discount
            else:
                order = self._quotation(lead, product, spec.get("qty", 5), discount)
            if order.approval_required:
                order.action_request_approval()

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

    # ------------------------------------------------------------
    # A year of funnel history
    # ------------------------------------------------------------

    @api.model
    def _play_history(self, team_xmlid, user_xmlids, partner_xmlids, count, seed=18):
        """``count`` deals started over the past year, moved through the team's scenario by
        the engine (some steps skipped), then won, lost for a reason or left open; their
        stage history is then dated so that each took its days on each step."""
        team = self.env.ref(team_xmlid)
        users = [self.env.ref(xmlid) for xmlid in user_xmlids]
        partners = [self.env.ref(xmlid) for xmlid in partner_xmlids]
        steps = team.scenario_id._funnel_steps()
        chance = random.Random(seed)
        for index in range(count):
            fate = self._fate(chance)
            lead = self.env["crm.lead"].create(
                {
                    "name": f"Drill order {index + 1}",
                    "type": "opportunity",
                    "partner_id": chance.choice(partners).id,
                    "user_id": chance.choice(users).id,
                    "team_id": team.id,
                    "primary_demand": "Drills for a workshop",
                    "expected_revenue": chance.randrange(4, 60) * 100,
                }
            )
            path = self._path(steps, fate, chance)
            for step in path[1:]:
                lead._move_to_step(step)
            if fate == "lost":
                lead.sudo().action_set_lost(
                    lost_reason_id=self.env.ref(chance.choice(LOSS_REASONS)).id
                )
                lead.sudo().action_approve_loss()
            self._date_history(lead, fate, chance)

    @api.model
    def _fate(self, chance):
        draw = chance.randrange(20)
        return "won" if draw < WON_IN_20 else "lost" if draw < WON_IN_20 + LOST_IN_20 else "open"

    @api.model
    def _path(self, steps, fate, chance):
        """The steps a deal goes through: all of them to be won, a random furthest one
        otherwise; one in five intermediate steps skipped."""
        last = len(steps) if fate == "won" else chance.randrange(1, len(steps))
        return [
            step
            for position, step in enumerate(steps[:last], start=1)
            if position in (1, last) or chance.randrange(5)
        ]

    @api.model
    def _date_history(self, lead, fate, chance):
        """Date the deal's visits one after the other: a closed deal ended at least a day
        ago, within the year; an open one is still on its step today."""
        visits = lead.with_context(active_test=False).stage_log_ids.sorted("id")
        days = [chance.randint(*DAYS_ON_STEP) for _visit in visits]
        open_days = days.pop() if fate in ("won", "open") else 0
        length = sum(days)
        now = fields.Datetime.now()
        ago = (
            length + open_days + (chance.randint(1, max(1, 365 - length)) if fate != "open" else 0)
        )
        moment = now - timedelta(days=ago, hours=chance.randrange(24))
        for visit, spent in zip(visits, [*days, None], strict=False):
            leaves = moment + timedelta(days=spent) if spent else False
            visit.write({"date_in": moment, "date_out": visit.date_out and leaves})
            moment = leaves

    @api.model
    def _plan_funnel(self, team_xmlid, user_xmlids):
        """Plans of the last month and this one for the team, and this month's for each
        salesperson: close to what the team did over the year, a month's worth."""
        team = self.env.ref(team_xmlid)
        scenario = team.scenario_id
        today = fields.Date.context_today(self)
        this_month = today.replace(day=1)
        last_month = (this_month - timedelta(days=1)).replace(day=1)
        reached = self._monthly_reached(scenario)
        plans = [
            (last_month, this_month - timedelta(days=1), False, 1.0),
            (this_month, self._month_end(this_month), False, 1.2),
            *(
                (this_month, self._month_end(this_month), self.env.ref(xmlid), 0.6)
                for xmlid in user_xmlids
            ),
        ]
        for first, last, user, share in plans:
            plan = self.env["crm.funnel.plan"].create(
                {
                    "scenario_id": scenario.id,
                    "date_from": first,
                    "date_to": last,
                    "team_id": team.id,
                    "user_id": user and user.id,
                }
            )
            for line in plan.line_ids:
                count, amount = reached.get(line.step_id.id, (0, 0.0))
                line.write({"count": round(count * share), "amount": round(amount * share, -2)})

    @api.model
    def _monthly_reached(self, scenario):
        """{step id: (deals, amount)} reaching each step in an average month of the year."""
        year = self.env["crm.funnel.report"].get_funnel(
            scenario.id, fields.Date.context_today(self) - timedelta(days=365),
            fields.Date.context_today(self),
        )  # fmt: skip
        return {
            row["step_id"]: (row["reached"] / 12, row["amount_reached"] / 12)
            for row in year["steps"]
        }

    @api.model
    def _month_end(self, first_day):
        return (first_day + timedelta(days=32)).replace(day=1) - timedelta(days=1)
