from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ReceivablesCommon


@tagged("post_install", "-at_install")
class TestReceivablesRoles(ReceivablesCommon):
    def test_who_sees_which_debts(self):
        colleague = mail_new_test_user(
            self.env,
            login="rcv_colleague",
            name="Cora Colleague",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        outsider = mail_new_test_user(
            self.env,
            login="rcv_outsider",
            name="Olga Outsider",
            groups="base.group_user",
        )
        theirs = self.env["res.partner"].create(
            {"name": "Colleague's client", "user_id": colleague.id}
        )
        self._invoice(100.0, self._days_ago(5))
        self._invoice(80.0, self._days_ago(5), partner=theirs)
        Aging = self.env["receivables.aging.report"]
        mine = Aging.with_user(self.salesperson).search(
            [("partner_id", "in", (self.client | theirs).ids)]
        )
        self.assertEqual(
            mine.partner_id, self.client, "a salesperson sees their own clients' debts"
        )
        everything = Aging.with_user(self.accountant).search(
            [("partner_id", "in", (self.client | theirs).ids)]
        )
        self.assertEqual(everything.partner_id, self.client | theirs)
        with self.assertRaises(AccessError):
            Aging.with_user(outsider).search([])
        with self.assertRaises(AccessError):
            self.env["receivables.notify.wizard"].with_user(self.salesperson).create({})
        self.env["receivables.notify.wizard"].with_user(self.accountant).create({})
