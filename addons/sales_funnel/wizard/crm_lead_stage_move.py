from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLeadStageMove(models.TransientModel):
    """The move dialog: result of the current activity, then the next one."""

    _name = "crm.lead.stage.move"
    _description = "Move a deal to another step"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", string="Deal")
    scenario_id = fields.Many2one(related="lead_id.scenario_id")
    current_step_id = fields.Many2one(related="lead_id.scenario_step_id", string="From")
    step_id = fields.Many2one(
        "crm.scenario.step",
        required=True,
        string="To",
        domain="[('scenario_id', '=', scenario_id), ('id', '!=', current_step_id)]",
    )
    step_is_won = fields.Boolean(related="step_id.is_won")
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
        default=lambda self: self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False),
    )
    next_summary = fields.Char("Summary")
    next_date = fields.Date(
        "Due date", default=lambda self: fields.Date.context_today(self) + timedelta(days=1)
    )
    next_user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
    )

    @api.depends("lead_id")
    def _compute_activity_id(self):
        for wizard in self:
            wizard.activity_id = wizard.lead_id.activity_ids.sorted("date_deadline")[:1]

    @api.depends("step_id")
    def _compute_step_allows_no_activity(self):
        for wizard in self:
            step = wizard.step_id
            # Entry activities of the step are a plan of their own.
            wizard.step_allows_no_activity = bool(
                step.is_won
                or step.allow_no_activity
                or (step.activity_ids and wizard.lead_id.scenario_id.plan_activities)
            )

    @api.depends("step_id")
    def _compute_next_action(self):
        for wizard in self:
            wizard.next_action = "none" if wizard.step_allows_no_activity else "plan"

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
        if self.next_action == "assign" and not self.next_user_id:
            raise UserError(self.env._("Choose who the task is assigned to."))

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
