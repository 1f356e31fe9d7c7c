import json

from odoo import http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request


def json_params(params):
    """A report's export parameters, as the screen sends them: a JSON object."""
    try:
        values = json.loads(params)
    except (TypeError, ValueError) as error:
        raise UserError(request.env._("The export's parameters are not valid.")) from error
    if not isinstance(values, dict):
        raise UserError(request.env._("The export's parameters are not valid."))
    return values


class SalesFunnelController(http.Controller):
    @http.route("/sales_funnel/funnel/xlsx", type="http", auth="user", methods=["POST"])
    def funnel_xlsx(self, params, **kwargs):
        """The funnel the screen shows, as an XLSX workbook."""
        report = request.env["crm.funnel.report"]
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
