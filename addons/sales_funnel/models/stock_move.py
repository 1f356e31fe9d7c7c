from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    # The warehouse reads reservations by deal: the deal lives on the order, two hops away.
    opportunity_id = fields.Many2one(
        related="sale_line_id.order_id.opportunity_id",
        string="Deal",
    )
