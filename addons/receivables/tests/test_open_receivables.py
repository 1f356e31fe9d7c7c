from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import ReceivablesCommon


@tagged("post_install", "-at_install")
class TestOpenReceivables(ReceivablesCommon):
    def _open_receivables(self):
        action = self.env.ref("receivables.action_open_receivables")
        return (
            self.env["account.move.line"]
            .with_user(self.accountant)
            .search(safe_eval(action.domain))
        )

    def test_invoice_of_a_deal_is_owed_until_paid(self):
        order = self._confirmed_order(qty=4)
        self.assertEqual(self.deal.order_ids, order)
        invoice = order._create_invoices()
        invoice.with_user(self.accountant).action_post()

        line = self._open_receivables().filtered(lambda aml: aml.move_id == invoice)
        self.assertEqual(line.partner_id, self.client)
        self.assertAlmostEqual(line.amount_residual, 200.0)

        # An accountant pays half with Odoo's own wizard: the rest stays owed.
        self.env["account.payment.register"].with_user(self.accountant).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 80.0}).action_create_payments()
        line = self._open_receivables().filtered(lambda aml: aml.move_id == invoice)
        self.assertAlmostEqual(line.amount_residual, 120.0)

        self.env["account.payment.register"].with_user(self.accountant).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 120.0}).action_create_payments()
        self.assertFalse(self._open_receivables().filtered(lambda aml: aml.move_id == invoice))
