from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command

from .crm_scenario import ids_named_in


class CrmFunnelPlan(models.Model):
    """The funnel planned for a period: how many deals should reach each step of a scenario,
    and for what amount, for a sales team or one salesperson."""

    _name = "crm.funnel.plan"
    _description = "Sales funnel plan"
    _order = "date_from desc, scenario_id, team_id, user_id, id"

    scenario_id = fields.Many2one("crm.scenario", required=True, ondelete="cascade", index=True)
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True)
    team_id = fields.Many2one(
        "crm.team",
        string="Sales team",
        index=True,
        help="A team's plan counts when the funnel shows the team or every team; plans of "
        "salespeople count when the funnel shows them.",
    )
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many("crm.funnel.plan.line", "plan_id", string="Steps", copy=True)
    planned_wins = fields.Integer(compute="_compute_planned_wins", string="Deals to win")
    planned_amount = fields.Monetary(compute="_compute_planned_wins", string="Amount to win")

    _sql_constraints = [
        ("period_check", "CHECK(date_from <= date_to)", "A plan's period ends after it starts."),
    ]

    @api.depends("line_ids.count", "line_ids.amount", "line_ids.is_won")
    def _compute_planned_wins(self):
        for plan in self:
            won = plan.line_ids.filtered("is_won")
            plan.planned_wins = sum(won.mapped("count"))
            plan.planned_amount = sum(won.mapped("amount"))

    @api.depends("scenario_id", "date_from", "date_to", "team_id", "user_id")
    def _compute_display_name(self):
        for plan in self:
            who = plan.user_id.name or plan.team_id.name or self.env._("Every team")
            plan.display_name = f"{plan.scenario_id.name or ''} · {who} · {plan.date_from or ''} – {plan.date_to or ''}"

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        plans.filtered(lambda plan: not plan.line_ids)._add_missing_steps()
        return plans

    @api.constrains("scenario_id", "company_id", "team_id", "user_id", "date_from", "date_to")
    def _check_one_plan_at_a_time(self):
        """Plans lying within a funnel's period add up: two of one team (or salesperson)
        for overlapping days would count twice."""
        for plan in self:
            # A salesperson's plan is theirs whatever team it names.
            whose = (
                [("user_id", "=", plan.user_id.id)] if plan.user_id
                else [("user_id", "=", False), ("team_id", "=", plan.team_id.id)]
            )  # fmt: skip
            overlapping = self.search_count(
                [
                    ("id", "!=", plan.id),
                    ("scenario_id", "=", plan.scenario_id.id),
                    ("company_id", "=", plan.company_id.id),
                    *whose,
                    ("date_from", "<=", plan.date_to),
                    ("date_to", ">=", plan.date_from),
                ],
                limit=1,
            )
            if overlapping:
                raise ValidationError(
                    self.env._(
                        "%(plan)s overlaps another plan of the same team or salesperson: "
                        "change that one instead.",
                        plan=plan.display_name,
                    )
                )

    @api.constrains("line_ids", "scenario_id")
    def _check_steps_of_scenario(self):
        for plan in self:
            if plan.line_ids.step_id.scenario_id - plan.scenario_id:
                raise ValidationError(
                    self.env._("A plan lists the steps of its own scenario only.")
                )

    def action_add_missing_steps(self):
        self._add_missing_steps()

    def _add_missing_steps(self):
        for plan in self:
            missing = plan.scenario_id.sudo()._funnel_steps() - plan.line_ids.step_id
            plan.line_ids = [Command.create({"step_id": step.id}) for step in missing]

    # ------------------------------------------------------------
    # BUSINESS (read by crm.funnel.report)
    # ------------------------------------------------------------

    @api.model
    def _plans_for(self, scenario, period, domain=None):
        """The plans a funnel compares with: those of the scenario and the active company
        lying within the period, for the salespeople the filter names (a salesperson who
        sees only their own deals: their own), else for the teams it names, else the
        company's plans (neither team nor salesperson), else every team's: team plans, or
        their salespeople's plans where a team has none."""
        plans = self.sudo().search(
            [
                ("scenario_id", "=", scenario.id),
                ("company_id", "=", self.env.company.id),
                ("date_from", ">=", period.first_day),
                ("date_to", "<=", period.last_day),
            ]
        )
        users = ids_named_in(domain, "user_id")
        if not self.env.su and not self.env.user.has_group(
            "sales_team.group_sale_salesman_all_leads"
        ):
            users = {self.env.uid}  # their funnel holds their own deals alone
        if users is not None:
            return plans.filtered(lambda plan: plan.user_id.id in users)
        teams = ids_named_in(domain, "team_id")
        if teams is not None:
            plans = plans.filtered(lambda plan: plan.team_id.id in teams)
        elif company_plans := plans.filtered(lambda plan: not plan.team_id and not plan.user_id):
            return company_plans  # every team's plan is the company's, not their sum
        team_plans = plans.filtered(lambda plan: not plan.user_id)
        planned_teams = team_plans.team_id
        return team_plans | plans.filtered(
            lambda plan: plan.user_id and plan.team_id not in planned_teams
        )

    def _planned_by_step(self):
        """{step id: (deals, amount)} summed over the plans."""
        planned = {}
        for line in self.line_ids:
            count, amount = planned.get(line.step_id.id, (0, 0.0))
            planned[line.step_id.id] = (count + line.count, amount + line.amount)
        return planned
