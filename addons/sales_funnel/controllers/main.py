import json

from odoo import http
from odoo.http import content_disposition, request


class SalesFunnelController(http.Controller):
    @http.route("/sales_funnel/funnel/xlsx", type="http", auth="user", methods=["POST"])
    def funnel_xlsx(self, params, **kwargs):
        """The funnel the screen shows, as an XLSX workbook."""
        report = request.env["crm.funnel.report"]
        content, filename = report._xlsx_export(json.loads(params))
        return request.make_response(
            content,
            headers=[
                (
                    "Content-Type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
