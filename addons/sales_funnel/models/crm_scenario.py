from odoo import api, fields, models
from odoo.osv import expression


class CrmScenario(models.Model):
    """A sales scenario (deal type): the ordered steps a deal goes through."""

    _name = "crm.scenario"
    _description = "Sales scenario"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(
        default=True,
        string="Allowed for use",
        help="Archived scenarios stay on their deals but cannot be chosen for new ones.",
    )
    company_id = fields.Many2one("res.company", index=True)
    description = fields.Text(translate=True)

    # rules
    transition_mode = fields.Selection(
        [("auto", "Automatic"), ("manual", "Manual")],
        required=True,
        default="auto",
        help="Automatic: steps are fixed; a deal moves to the next step only, and documents "
        "(orders, payments, deliveries) move it through their steps.\n"
        "Manual: the salesperson may choose any step.",
    )
    require_primary_demand = fields.Boolean(
        help="A deal of this scenario cannot leave its first step without its primary demand."
    )
    plan_activities = fields.Boolean(
        compute="_compute_mode_defaults",
        store=True,
        readonly=False,
        help="Plan each step's entry activities when a deal enters it.",
    )
    loss_approval = fields.Boolean(
        compute="_compute_mode_defaults",
        store=True,
        readonly=False,
        help="A lost deal waits for the approval of its team leader, who may return it.",
    )

    # structure
    step_ids = fields.One2many("crm.scenario.step", "scenario_id", string="Steps", copy=True)
    stage_ids = fields.Many2many("crm.stage", compute="_compute_stage_ids", string="Stages")
    team_ids = fields.One2many(
        "crm.team", "scenario_id", string="Teams", help="Teams whose new deals use this scenario."
    )
    lead_count = fields.Integer(compute="_compute_lead_count", string="Deals")

    @api.depends("transition_mode")
    def _compute_mode_defaults(self):
        # In a manual scenario the user plans by hand and no approval is asked.
        for scenario in self:
            automatic = scenario.transition_mode == "auto"
            scenario.plan_activities = automatic
            scenario.loss_approval = automatic

    @api.depends("step_ids.stage_id")
    def _compute_stage_ids(self):
        for scenario in self:
            scenario.stage_ids = scenario.step_ids.stage_id

    def _compute_lead_count(self):
        counts = dict(
            self.env["crm.lead"]._read_group(
                [("scenario_id", "in", self.ids), ("type", "=", "opportunity")],
                ["scenario_id"],
                ["__count"],
            )
        )
        for scenario in self:
            scenario.lead_count = counts.get(scenario, 0)

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _scenario_only_stages(self):
        """Stages that only scenarios use; won stages are everybody's."""
        return self.env["crm.scenario.step"].sudo().search([("is_won", "=", False)]).stage_id

    def _step_for_stage(self, stage):
        self.ensure_one()
        return self.step_ids.filtered(lambda step: step.stage_id == stage)[:1]

    def _first_step(self):
        self.ensure_one()
        return self.step_ids.filtered(lambda step: not step.is_won)[:1]

    def _won_step(self):
        self.ensure_one()
        return self.step_ids.filtered("is_won")[:1]

    def _funnel_steps(self):
        """The steps in funnel order: the won step last, wherever its sequence puts it."""
        self.ensure_one()
        return self.step_ids.filtered(lambda step: not step.is_won) + self._won_step()

    def action_view_deals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_action_pipeline")
        action["domain"] = [("scenario_id", "=", self.id)]
        action["context"] = {"default_scenario_id": self.id, "default_type": "opportunity"}
        return action

    @api.model
    def _of_pipeline(self, domain):
        """The scenario a pipeline of deals is about, if any: the one its search keeps
        (a "Scenario" facet, the scenario's Deals), else the context's, else its team's (the
        Teams and Pipelines menus), else, when the view names no team (Odoo's My Pipeline),
        the user's own team's."""
        context = self.env.context
        scenario = self.browse(_scenario_of_domain(domain)) or self.browse(
            context.get("default_scenario_id")
        )
        if not scenario and context.get("default_team_id"):
            scenario = self.env["crm.team"].browse(context["default_team_id"]).scenario_id
        elif not scenario and "default_team_id" not in context:
            scenario = self.env.user.sale_team_id.scenario_id
        return scenario

    def _pipeline_stages(self):
        """The columns of the scenario's pipeline: its steps' stages, in step order."""
        self.ensure_one()
        return self.sudo().step_ids.stage_id.with_env(self.env)


def _scenario_of_domain(domain):
    """The id of the one scenario a search domain keeps deals to, when its conditions on
    ``scenario_id`` that hold for every deal found (those and-ed at the top) name exactly
    one; else None."""
    ids = ids_named_in(domain, "scenario_id")
    return next(iter(ids)) if ids and len(ids) == 1 else None


def ids_named_in(domain, field_name):
    """The ids a search domain's conditions on the many2one ``field_name`` allow, taking
    the conditions that hold for every record found (those and-ed at the top) and naming
    ids (``=`` or ``in``); None when no such condition."""
    domain = expression.normalize_domain(list(domain or []))
    ids = None
    for term in _conjuncts(domain):
        if not (expression.is_leaf(term) and term[0] == field_name):
            continue
        _field, operator, value = term
        if operator == "=" and _is_id(value):
            named = {value}
        elif operator == "in" and isinstance(value, list | tuple):
            named = {id_ for id_ in value if _is_id(id_)}
        else:
            continue
        ids = named if ids is None else ids & named
    return ids


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _conjuncts(domain):
    """The terms and-ed at the top of a normalized domain; an or-ed or negated part is one
    term (its first operator)."""
    terms = []

    def skip(index):
        # The index after the sub-domain that starts at ``index``.
        token = domain[index]
        if token == expression.NOT_OPERATOR:
            return skip(index + 1)
        if token in (expression.AND_OPERATOR, expression.OR_OPERATOR):
            return skip(skip(index + 1))
        return index + 1

    def collect(index):
        token = domain[index]
        if token == expression.AND_OPERATOR:
            return collect(collect(index + 1))
        terms.append(token)
        return skip(index)

    if domain:
        collect(0)
    return terms
