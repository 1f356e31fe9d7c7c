from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLeadLossReturn(models.TransientModel):
    """The head of sales returns a lost deal to one of its earlier steps."""

    _name = "crm.lead.loss.return"
    _description = "Return a lost deal"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", string="Deal")
    scenario_id = fields.Many2one(related="lead_id.scenario_id")
    allowed_step_ids = fields.Many2many("crm.scenario.step", compute="_compute_allowed_step_ids")
    step_id = fields.Many2one(
        "crm.scenario.step",
        string="Return to",
        domain="[('id', 'in', allowed_step_ids)]",
        compute="_compute_step_id",
        store=True,
        readonly=False,
    )
    note = fields.Text("Instructions", required=True, help="What the salesperson should do now.")

    @api.depends("lead_id")
    def _compute_allowed_step_ids(self):
        for wizard in self:
            steps = wizard.lead_id.scenario_id.step_ids.filtered(lambda step: not step.is_won)
            current = wizard.lead_id.scenario_step_id
            if current in steps:
                steps = steps[: list(steps).index(current) + 1]
            wizard.allowed_step_ids = steps

    @api.depends("allowed_step_ids")
    def _compute_step_id(self):
        for wizard in self:
            wizard.step_id = wizard.allowed_step_ids[-1:]

    def action_return(self):
        self.ensure_one()
        lead = self.lead_id.with_context(active_test=False)
        lead._check_is_head(self.env._("Only the head of sales returns lost deals."))
        if lead.active or lead.loss_approval_state != "pending":
            raise UserError(self.env._("Only a lost deal waiting for approval can be returned."))
        if self.step_id not in self.allowed_step_ids:
            raise UserError(
                self.env._("Return the deal to the step it was lost on or an earlier one.")
            )
        lead.sudo()._return_from_loss(self.step_id, self._message())
        return {"type": "ir.actions.act_window_close"}

    def _message(self):
        return Markup("<p>%s</p><p>%s</p>") % (
            self.env._(
                "Returned to %(step)s by %(user)s.",
                step=self.step_id.stage_id.name,
                user=self.env.user.name,
            ),
            self.note,
        )
