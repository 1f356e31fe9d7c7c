from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.sales_funnel.tests.common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestManagerRatingOverdueLoss(SalesFunnelCommon):
    """With receivables installed, the rating says what late money cost each salesperson."""

    def test_overdue_loss_at_the_end_of_each_period(self):
        # Sally's client owes 1,000 due on 1 February: 58 days late on 31 March, 27 days on
        # 28 February (the end of the 31 days before March).
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.client.id,
                "invoice_user_id": self.salesperson.id,
                "invoice_date": "2026-02-01",
                "invoice_date_due": "2026-02-01",
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Drills", "quantity": 1, "price_unit": 1000.0, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        rating = (
            self.env["crm.manager.rating"]
            .with_user(self.head)
            .with_context(tz="UTC")
            .get_rating("2026-03-01", "2026-03-31", [("id", "=", self.salesperson.id)])
        )
        self.assertEqual(rating["columns"][-1], {"key": "overdue_loss", "label": "Overdue loss"})
        sally = next(row for row in rating["rows"] if row["user_id"] == self.salesperson.id)
        self.assertEqual(sally["overdue_loss"], 58_000.0)
        self.assertEqual(sally["previous"]["overdue_loss"], 27_000.0)
        self.assertEqual(rating["totals"]["overdue_loss"], 58_000.0)
