from odoo import api, fields, models


class ReportAging(models.AbstractModel):
    """PDF of the aging: the same figures as ``get_aging``, per client, with totals."""

    _name = "report.receivables.report_aging"
    _description = "Receivables aging (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        domain = [("id", "in", docids)] if docids else None
        # The date as get_aging reads it (today when none): a wrong one is explained there.
        aging = self.env["receivables.aging.report"].get_aging(data.get("as_of"), domain)
        as_of = fields.Date.to_date(aging["as_of"])
        partner_ids = [row["partner_id"] for row in aging["rows"]]
        user_ids = [row["user_id"] for row in aging["rows"] if row["user_id"]]
        return {
            "doc_ids": docids,
            "doc_model": "receivables.aging.report",
            "as_of": as_of,
            "aging": aging,
            "partners": {
                partner.id: partner for partner in self.env["res.partner"].browse(partner_ids)
            },
            "users": {user.id: user for user in self.env["res.users"].browse(user_ids)},
            "currency": self.env.company.currency_id,
            "company": self.env.company,
        }
