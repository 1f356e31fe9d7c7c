from odoo import fields, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    receivables_debtor_notice = fields.Boolean(
        "Debtor notice",
        help="Offered in the debtor notices wizard (templates on contacts only).",
    )
