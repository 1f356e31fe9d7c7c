from odoo import models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext, is_html_empty


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    def action_lost_reason_apply(self):
        """Closing lost records the result of the last activity and needs a loss reason."""
        scenario_leads = self.lead_ids.filtered(
            lambda lead: lead.scenario_id and lead.type == "opportunity"
        )
        if scenario_leads and not self.lost_reason_id:
            raise UserError(self.env._("Give the reason why the deal is lost."))
        with_activity = scenario_leads.filtered("activity_ids")
        if with_activity and is_html_empty(self.lost_feedback):
            raise UserError(
                self.env._("Write the result of the last activity in the closing note.")
            )
        note = (
            html2plaintext(self.lost_feedback) if not is_html_empty(self.lost_feedback) else False
        )
        if with_activity:
            # Archiving deletes open activities: close them first so the result stays.
            with_activity.activity_ids.action_feedback(feedback=note)
        # Kept on the deal for the list of losses to approve.
        self.lead_ids.sudo().write({"lost_note": note})
        return super().action_lost_reason_apply()
