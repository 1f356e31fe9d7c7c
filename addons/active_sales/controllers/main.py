from odoo import http
from odoo.http import content_disposition, request

from odoo.addons.sales_funnel.controllers.main import json_params


class ClientReportController(http.Controller):
    @http.route("/active_sales/client_report/xlsx", type="http", auth="user", methods=["POST"])
    def client_report_xlsx(self, params, **kwargs):
        """The client base report the screen shows, as an XLSX workbook."""
        report = request.env["active.sales.client.report"]
        content, filename = report._xlsx_export(json_params(params))
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
