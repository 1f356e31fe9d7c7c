from odoo import fields, models


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
