from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# Document events, in the order a sale meets them; the engine compares positions.
TRIGGERS = [
    ("quotation_sent", "Quotation sent"),
    ("order_confirmed", "Order confirmed"),
    ("invoice_paid", "Orders paid"),
    ("delivered", "Orders delivered"),
]


class CrmScenarioStep(models.Model):
    """One step of a scenario, on a CRM stage."""

    _name = "crm.scenario.step"
    _description = "Sales scenario step"
    _order = "scenario_id, sequence, id"
    _rec_name = "stage_id"

    scenario_id = fields.Many2one("crm.scenario", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    stage_id = fields.Many2one("crm.stage", required=True, ondelete="restrict")
    is_won = fields.Boolean(related="stage_id.is_won")
    probability = fields.Float(
        "Probability (%)", help="Template probability a deal gets when it enters this step."
    )
    trigger = fields.Selection(
        TRIGGERS,
        help="Document event that moves deals of an automatic scenario into this step. "
        "Empty: people move deals into it.",
    )
    activity_ids = fields.One2many(
        "crm.scenario.step.activity", "step_id", string="Entry activities", copy=True
    )
    allow_no_activity = fields.Boolean(
        "Nothing planned allowed",
        help="A deal may stay on this step without a planned activity. Elsewhere every move "
        "plans the next activity.",
    )
    required_field_ids = fields.Many2many(
        "ir.model.fields",
        string="Required to leave",
        domain="[('model', '=', 'crm.lead'), ('store', '=', True)]",
        help="Fields of the deal that must be filled before it leaves this step.",
    )
    require_reserved = fields.Boolean(
        "Goods reserved to leave",
        help="People move a deal on from this step only once the storable goods of its "
        "confirmed orders are reserved in full (or delivered). Moving back, and the moves "
        "its documents make, are not held.",
    )
    instructions = fields.Html(translate=True, help="What the salesperson does on this step.")

    _sql_constraints = [
        (
            "stage_scenario_uniq",
            "unique(scenario_id, stage_id)",
            "A stage appears only once in a scenario.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        steps = super().create(vals_list)
        steps._sync_stage_probability(steps.stage_id)
        return steps

    def write(self, vals):
        stages = self.stage_id
        result = super().write(vals)
        if "stage_id" in vals or "probability" in vals:
            self._sync_stage_probability(stages | self.stage_id)
        return result

    def unlink(self):
        stages = self.stage_id
        result = super().unlink()
        self._sync_stage_probability(stages)
        return result

    def _register_hook(self):
        super()._register_hook()
        # crm_stage_probability installed after this addon: its new column left our scenario
        # stages undecided (NULL, never set by anyone); decide them once, as the steps say.
        if "on_change" not in self.env["crm.stage"]._fields:
            return
        undecided = self.env.execute_query(
            SQL(
                """SELECT DISTINCT stage.id
                     FROM crm_scenario_step step
                     JOIN crm_stage stage ON stage.id = step.stage_id
                    WHERE stage.on_change IS NULL AND step.probability != 0"""
            )
        )
        if undecided:
            self._sync_stage_probability(self.env["crm.stage"].browse(id_ for [id_] in undecided))

    @api.model
    def _sync_stage_probability(self, stages):
        """Next to OCA's crm_stage_probability, which gives each stage a probability and a
        "Change Probability Automatically" flag (``on_change``): a deal entering a scenario
        step gets the step's probability from our engine, which is what that flag means.
        So a stage the scenarios' steps give one probability carries the flag and that
        probability, and their addon agrees with our engine: its mass update accepts the
        stage and writes the steps' probability, and it forces that same probability when
        Odoo's predictive scoring would replace it. A stage the scenarios give different
        probabilities has none to force: its flag goes off, and their mass update asks the
        user to decide. Won stages are left alone (Odoo sets 100% on them; their addon's
        data flags Odoo's own), and so are steps without a probability (the engine leaves
        the deal's). Without crm_stage_probability, nothing to do."""
        Stage = self.env["crm.stage"].sudo()
        if "on_change" not in Stage._fields:
            return
        stages = Stage.browse(stages.ids).exists().filtered(lambda stage: not stage.is_won)
        if not stages:
            return
        steps = self.sudo().search([("stage_id", "in", stages.ids), ("probability", "!=", 0)])
        for stage, stage_steps in steps.grouped("stage_id").items():
            probabilities = set(stage_steps.mapped("probability"))
            if len(probabilities) == 1:
                values = {"on_change": True, "probability": probabilities.pop()}
            else:
                values = {"on_change": False}
            if any(stage[name] != value for name, value in values.items()):
                stage.write(values)

    @api.constrains("trigger", "scenario_id")
    def _check_trigger_once(self):
        for step in self.filtered("trigger"):
            twins = step.scenario_id.step_ids.filtered(lambda s, st=step: s.trigger == st.trigger)
            if len(twins) > 1:
                raise ValidationError(
                    self.env._(
                        "Scenario %(scenario)s: only one step may be entered on “%(trigger)s”.",
                        scenario=step.scenario_id.name,
                        trigger=step._entry_condition_label(),
                    )
                )

    def _is_gate(self):
        """A step the documents open: a trigger step, or the won step (paid and delivered)."""
        self.ensure_one()
        return bool(self.trigger or self.is_won)

    def _entry_condition_label(self):
        """What opens this step, in the user's language."""
        self.ensure_one()
        if self.trigger:
            return dict(self._fields["trigger"]._description_selection(self.env))[self.trigger]
        if self.is_won:
            return self.env._("paid and delivered")
        return ""

    @api.depends("scenario_id.name", "stage_id.name")
    def _compute_display_name(self):
        for step in self:
            step.display_name = step.stage_id.name or ""
