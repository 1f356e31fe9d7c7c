from odoo import api, models


class ReportSalesFunnel(models.AbstractModel):
    """The funnel the screen shows, printed."""

    _name = "report.sales_funnel.report_sales_funnel"
    _description = "Sales funnel (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        report = self.env["crm.funnel.report"]
        funnel = report._funnel_of_params(data)
        return {
            "doc_ids": docids,
            "funnel": funnel,
            "title": report._title(funnel),
            "needed_input": report._needed_input_text(funnel["needed_input"]),
            "scenario": self.env["crm.scenario"].browse(funnel["scenario_id"]),
            "company": self.env.company,
            "currency": self.env.company.currency_id,
        }
