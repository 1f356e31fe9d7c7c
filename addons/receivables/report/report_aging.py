from odoo import api, fields, models


class ReportAging(models.AbstractModel):
    """PDF of the aging: the same figures as ``get_aging``, per client, with totals."""

    _name = "report.receivables.report_aging"
    _description = "Receivables aging (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        as_of = fields.Date.to_date(data.get("as_of")) or fields.Date.context_today(self)
        domain = [("id", "in", docids)] if docids else None
        aging = self.env["receivables.aging.report"].get_aging(as_of, domain)
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
