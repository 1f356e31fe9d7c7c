from odoo import models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    def _deal_ids(self):
        """Deals whose orders were invoiced by these moves, in one query."""
        if not self.ids:
            return set()
        self.env["account.move.line"].flush_model(["move_id"])
        self.env["sale.order.line"].flush_model(["invoice_lines", "order_id"])
        self.env["sale.order"].flush_model(["opportunity_id"])
        self.env.cr.execute(
            SQL(
                """
            SELECT DISTINCT so.opportunity_id
              FROM account_move_line aml
              JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
              JOIN sale_order_line sol ON sol.id = rel.order_line_id
              JOIN sale_order so ON so.id = sol.order_id
             WHERE aml.move_id = ANY(%s) AND so.opportunity_id IS NOT NULL
            """,
                list(self.ids),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}
