from odoo import models
from odoo.tools.sql import index_exists


class MailMessage(models.Model):
    _inherit = "mail.message"

    def init(self):
        result = super().init()
        # The activities done in a period (the calls the client base reports count), from
        # this index alone: a fraction of the messages, which grow without end.
        if not index_exists(self.env.cr, "mail_message_done_activities"):
            self.env.cr.execute(
                """
                CREATE INDEX mail_message_done_activities ON mail_message (date)
                       INCLUDE (model, res_id, mail_activity_type_id)
                 WHERE mail_activity_type_id IS NOT NULL
                """
            )
        return result
