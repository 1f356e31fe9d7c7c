from odoo import models
from odoo.tools.sql import index_exists


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def init(self):
        result = super().init()
        # The aging as of a past date adds back the partials reconciled after it: each
        # one's line is read from this index alone (create_index has no INCLUDE). Every
        # line a partial touches has a matching number, so the index holds them all.
        if not index_exists(self.env.cr, "account_move_line_reconciled_aging"):
            self.env.cr.execute(
                """
                CREATE INDEX account_move_line_reconciled_aging ON account_move_line (id)
                       INCLUDE (account_id, parent_state, date, company_id, partner_id,
                                balance, date_maturity)
                 WHERE matching_number IS NOT NULL
                """
            )
        return result
