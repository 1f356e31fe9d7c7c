from odoo.tests import HttpCase, tagged

from .common import ReceivablesCommon


@tagged("post_install", "-at_install")
class TestReceivablesUi(HttpCase, ReceivablesCommon):
    def test_accountant_notifies_debtors(self):
        debtor = self.env["res.partner"].create(
            {"name": "Tour Debtor", "email": "tour.debtor@example.com"}
        )
        self._invoice(700.0, self._days_ago(45), partner=debtor)
        self.start_tour("/odoo", "receivables_notify_debtors", login=self.accountant.login)
        self.assertEqual(debtor.debt_notice_date, self._days_ago(0))
        self.assertIn("700.00", debtor.message_ids[0].body)
