from odoo import fields, models


class ReceivablesAgingWizard(models.TransientModel):
    """The aging as of any date: opened for analysis or printed."""

    _name = "receivables.aging.wizard"
    _description = "Receivables aging as of a date"

    date = fields.Date("As of", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )

    def action_open(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "receivables.action_receivables_aging"
        )
        action["name"] = self.env._(
            "Receivables aging as of %(date)s", date=fields.Date.to_string(self.date)
        )
        action["context"] = {"aging_date": fields.Date.to_string(self.date)}
        action["target"] = "main"
        return action

    def action_print(self):
        self.ensure_one()
        return self.env.ref("receivables.action_report_aging").report_action(
            None, data={"as_of": fields.Date.to_string(self.date)}
        )
