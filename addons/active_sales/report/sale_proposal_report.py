from odoo import fields, models
from odoo.tools import SQL

from ..models.res_partner import ABC_CLASSES
from ..models.res_partner_status_log import CLIENT_STATUSES


class SaleProposalReport(models.Model):
    _inherit = "sale.proposal.report"
    _depends = {"res.partner": ["abc_class", "client_status"]}

    client_status = fields.Selection(CLIENT_STATUSES, "Client status", readonly=True)
    abc_class = fields.Selection(ABC_CLASSES, "ABC class", readonly=True)

    def _client_segment_columns(self):
        return {
            **super()._client_segment_columns(),
            "client_status": SQL("client.client_status"),
            "abc_class": SQL("client.abc_class"),
        }
