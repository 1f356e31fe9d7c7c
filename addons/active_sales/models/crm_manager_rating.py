from odoo import api, models


class CrmManagerRating(models.AbstractModel):
    """The manager rating with what each salesperson's clients' late payments cost: the
    overdue loss (overdue amount × days) of the receivables aging at the period's end."""

    _inherit = "crm.manager.rating"

    @api.model
    def _rating_columns(self):
        return [*super()._rating_columns(), ("overdue_loss", self.env._("Overdue loss"))]

    @api.model
    def _rating_values(self, period, users):
        values = super()._rating_values(period, users)
        domain = [] if users is None else [("user_id", "in", users)]
        aging = self.env["receivables.aging.report"].sudo()
        for row in aging.get_overdue_losses(period.last_day, domain):
            if row["user_id"]:
                values[row["user_id"]]["overdue_loss"] = row["overdue_loss"]
        return values
