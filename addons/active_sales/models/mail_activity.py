from collections import defaultdict

from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        contacts = self._client_contacts()
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        for (activity_type, user), clients in contacts.items():
            clients._record_contact(activity_type, user)
        return result

    def _client_contacts(self):
        """{(activity type, user): clients} whom these activities, on the client or on one of
        their deals, are a contact with."""
        contacts = defaultdict(lambda: self.env["res.partner"])
        for activity in self:
            if activity.res_model == "res.partner":
                partner = self.env["res.partner"].browse(activity.res_id)
            elif activity.res_model == "crm.lead":
                partner = self.env["crm.lead"].browse(activity.res_id).partner_id
            else:
                continue
            client = partner.sudo().exists().commercial_partner_id
            contacts[activity.activity_type_id, activity.user_id] |= client
        return contacts
