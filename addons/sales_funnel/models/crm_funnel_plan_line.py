from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmFunnelPlanLine(models.Model):
    """Deals planned to reach one step, and their amount."""

    _name = "crm.funnel.plan.line"
    _description = "Sales funnel plan step"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("crm.funnel.plan", required=True, ondelete="cascade", index=True)
    step_id = fields.Many2one(
        "crm.scenario.step",
        required=True,
        ondelete="cascade",
        domain="[('scenario_id', '=', parent.scenario_id)]",
    )
    sequence = fields.Integer(related="step_id.sequence", store=True)
    is_won = fields.Boolean(related="step_id.is_won")
    count = fields.Integer("Deals", help="Deals that should reach this step in the period.")
    amount = fields.Monetary(help="Their expected revenue.")
    currency_id = fields.Many2one(related="plan_id.currency_id")

    _sql_constraints = [
        ("step_uniq", "unique(plan_id, step_id)", "A step appears once in a plan."),
        ("count_positive", "CHECK(count >= 0)", "Planned deals cannot be negative."),
        ("amount_positive", "CHECK(amount >= 0)", "A planned amount cannot be negative."),
    ]

    @api.constrains("plan_id", "step_id")
    def _check_step_of_the_plans_scenario(self):
        if any(line.step_id.scenario_id != line.plan_id.scenario_id for line in self):
            raise ValidationError(self.env._("A plan lists the steps of its own scenario only."))
