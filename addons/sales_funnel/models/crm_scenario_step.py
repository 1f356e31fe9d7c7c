from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
    instructions = fields.Html(translate=True, help="What the salesperson does on this step.")

    _sql_constraints = [
        (
            "stage_scenario_uniq",
            "unique(scenario_id, stage_id)",
            "A stage appears only once in a scenario.",
        ),
    ]

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
