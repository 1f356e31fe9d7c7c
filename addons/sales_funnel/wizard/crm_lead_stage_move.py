from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date


class CrmLeadStageMove(models.TransientModel):
    """The move dialog: result of the current activity, then the next one.

    It offers only the steps the scenario's rules allow (``crm.lead._check_can_move_to``,
    the very check the move makes), proposes the next of them, and refuses any other step
    however it is created (the form, a drag, RPC)."""

    _name = "crm.lead.stage.move"
    _description = "Move a deal to another step"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", string="Deal")
    scenario_id = fields.Many2one(related="lead_id.scenario_id")
    current_step_id = fields.Many2one(related="lead_id.scenario_step_id", string="From")
    allowed_step_ids = fields.Many2many(
        "crm.scenario.step",
        compute="_compute_allowed_step_ids",
        string="Steps allowed",
        help="The steps the scenario's rules let this deal move to now.",
    )
    step_id = fields.Many2one(
        "crm.scenario.step",
        required=True,
        string="To",
        domain="[('id', 'in', allowed_step_ids)]",
    )
    unavailable_note = fields.Text(
        compute="_compute_unavailable_note",
        string="Not offered",
        help="Why the next step (or the step asked for) is not offered.",
    )
    step_is_won = fields.Boolean(related="step_id.is_won")
    step_plans_activities = fields.Boolean(compute="_compute_step_plans_activities")
    step_plan_note = fields.Text(compute="_compute_step_plans_activities")
    step_allows_no_activity = fields.Boolean(compute="_compute_step_allows_no_activity")

    # What was done
    activity_id = fields.Many2one(
        "mail.activity", compute="_compute_activity_id", string="Current activity", readonly=True
    )
    result = fields.Text(help="Result of the current activity, kept in the deal's history.")

    # What comes next
    next_action = fields.Selection(
        [
            ("plan", "Plan an activity"),
            ("assign", "Assign a task to another user"),
            ("none", "Nothing"),
        ],
        compute="_compute_next_action",
        store=True,
        readonly=False,
    )
    next_activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity",
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'crm.lead')]",
        compute="_compute_next_activity_type_id",
        store=True,
        readonly=False,
    )
    next_summary = fields.Char(
        "Summary", compute="_compute_next_summary", store=True, readonly=False
    )
    next_date = fields.Date("Due date", compute="_compute_next_date", store=True, readonly=False)
    next_user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        domain="[('share', '=', False), ('id', '!=', uid)]",
    )

    @api.model
    def default_get(self, fields_list):
        """The step asked for (a drag, the Won button) when the rules allow it, else the next
        step they allow: never one the move would refuse."""
        values = super().default_get(fields_list)
        lead = self.env["crm.lead"].browse(values.get("lead_id"))
        if "step_id" in fields_list and lead.scenario_id:
            allowed = self._allowed_steps(lead)
            if values.get("step_id") not in allowed.ids:
                values["step_id"] = self._next_allowed_step(lead, allowed).id
        return values

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("lead_id")
    @api.depends_context("uid")
    def _compute_allowed_step_ids(self):
        for wizard in self:
            wizard.allowed_step_ids = self._allowed_steps(wizard.lead_id)

    @api.depends("lead_id")
    @api.depends_context("uid", "default_step_id")
    def _compute_unavailable_note(self):
        requested = self.env["crm.scenario.step"].browse(self.env.context.get("default_step_id"))
        for wizard in self:
            lead = wizard.lead_id
            if not lead.scenario_id:
                wizard.unavailable_note = False
                continue
            # The step asked for, the scenario's next one, and Won where any step may be
            # chosen: the user expects them, so the dialog says why they are missing.
            expected = requested.exists().filtered(
                lambda step, lead=lead: step.scenario_id == lead.scenario_id
            )
            expected |= lead._next_scenario_step()
            if lead.scenario_id.transition_mode == "manual":
                expected |= lead.scenario_id._won_step()
            notes = []
            for step in expected - lead.scenario_step_id:
                refusal = self._refusal(lead, step)
                if refusal and refusal not in notes:
                    notes.append(refusal)
            wizard.unavailable_note = "\n".join(notes) or False

    @api.depends("lead_id")
    def _compute_activity_id(self):
        for wizard in self:
            wizard.activity_id = wizard.lead_id.activity_ids.sorted("date_deadline")[:1]

    @api.depends("step_id", "lead_id")
    def _compute_step_plans_activities(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            step, lead = wizard.step_id, wizard.lead_id
            plans = bool(
                step and not step.is_won and step.activity_ids and lead.scenario_id.plan_activities
            )
            wizard.step_plans_activities = plans
            if not plans:
                wizard.step_plan_note = False
                continue
            # Each term on its own: the export does not see a term nested in another's call.
            planned = [
                self.env._(
                    "%(activity)s, due %(date)s, for %(user)s",
                    activity=template.display_name,
                    date=format_date(self.env, today + timedelta(days=template.days)),
                    user=template._responsible_for(lead).name,
                )
                for template in step.activity_ids
            ]
            wizard.step_plan_note = self.env._(
                "Entering %(step)s plans by itself: %(activities)s. Plan another activity here "
                "only if something else is to be done.",
                step=step.stage_id.name,
                activities="; ".join(planned),
            )

    @api.depends("step_id", "lead_id")
    def _compute_step_allows_no_activity(self):
        for wizard in self:
            step = wizard.step_id
            # Entry activities of the step are a plan of their own.
            wizard.step_allows_no_activity = bool(
                step.is_won or step.allow_no_activity or wizard.step_plans_activities
            )

    @api.depends("step_id", "lead_id")
    def _compute_next_action(self):
        # Plan the next activity, unless the step plans its own or closes the deal.
        for wizard in self:
            wizard.next_action = (
                "none" if wizard.step_is_won or wizard.step_plans_activities else "plan"
            )

    # What to plan comes from the step's entry activity (type, summary, due in N days) when
    # the step does not plan it by itself; else a call tomorrow. One compute per field: a
    # value given for one of them (RPC, tests) leaves the others computed.

    @api.depends("step_id", "lead_id")
    def _compute_next_activity_type_id(self):
        call = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        for wizard in self:
            template = wizard._entry_template()
            wizard.next_activity_type_id = template.activity_type_id if template else call

    @api.depends("step_id", "lead_id")
    def _compute_next_summary(self):
        for wizard in self:
            template = wizard._entry_template()
            wizard.next_summary = template.summary or template.activity_type_id.summary or False

    @api.depends("step_id", "lead_id")
    def _compute_next_date(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            template = wizard._entry_template()
            wizard.next_date = today + timedelta(days=template.days if template else 1)

    def _entry_template(self):
        """The step's first entry activity, when the step does not plan it by itself."""
        self.ensure_one()
        if self.step_plans_activities:
            return self.env["crm.scenario.step.activity"]
        return self.step_id.activity_ids[:1]

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("lead_id", "step_id")
    def _check_step_allowed(self):
        # The scenario's refusal, in the user's language, before anything is recorded.
        for wizard in self.filtered("step_id"):
            wizard.lead_id._check_can_move_to(wizard.step_id)

    @api.constrains("next_action", "next_user_id")
    def _check_assignee(self):
        for wizard in self.filtered(lambda wizard: wizard.next_action == "assign"):
            if not wizard.next_user_id:
                raise ValidationError(self.env._("Choose who the task is assigned to."))
            if wizard.next_user_id == self.env.user:
                raise ValidationError(
                    self.env._(
                        "Assign the task to another user than yourself, or choose “Plan an "
                        "activity” to do it yourself."
                    )
                )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _refusal(self, lead, step):
        """The scenario's refusal of moving the deal to the step, None when it allows it."""
        try:
            lead._check_can_move_to(step)
        except (UserError, AccessError) as refusal:
            return refusal.args[0]
        return None

    @api.model
    def _allowed_steps(self, lead):
        steps = lead.scenario_id.step_ids
        return steps.filtered(lambda step: not self._refusal(lead, step))

    @api.model
    def _next_allowed_step(self, lead, allowed):
        """The first allowed step after the deal's own, in the scenario's order."""
        later = lead.scenario_id.step_ids[lead._step_position() + 1 :]
        return later.filtered(lambda step: step in allowed)[:1]

    def action_move(self):
        self.ensure_one()
        lead = self.lead_id
        lead.check_access("write")
        lead._check_can_move_to(self.step_id)
        self._check_next_action()
        self._record_result()
        lead._move_to_step(self.step_id)
        self._plan_next_activity()
        if self.step_id.is_won:
            return lead._won_effect()
        return {"type": "ir.actions.act_window_close"}

    def _check_next_action(self):
        if not self.result and self.activity_id:
            raise UserError(
                self.env._(
                    "Write the result of the current activity “%(activity)s”.",
                    activity=self.activity_id.display_name,
                )
            )
        if self.next_action == "none" and not self.step_allows_no_activity:
            raise UserError(
                self.env._(
                    "A deal on %(step)s always has a next activity: plan one or assign it to someone.",
                    step=self.step_id.stage_id.name,
                )
            )
        if self.next_action != "none" and not (self.next_activity_type_id and self.next_date):
            raise UserError(self.env._("Choose the next activity and its due date."))
        self._check_assignee()

    def _record_result(self):
        if self.activity_id:
            self.activity_id.action_feedback(feedback=self.result)
        elif self.result:
            self.lead_id.message_post(body=self.result, subtype_xmlid="mail.mt_note")

    def _plan_next_activity(self):
        if self.next_action == "none":
            return
        user = self.next_user_id if self.next_action == "assign" else self.env.user
        self.lead_id.activity_schedule(
            activity_type_id=self.next_activity_type_id.id,
            summary=self.next_summary or self.next_activity_type_id.summary,
            date_deadline=self.next_date,
            user_id=user.id,
            automated=False,
        )
