from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import MailCase

from .common import ReceivablesCommon


@tagged("post_install", "-at_install")
class TestDebtorNotices(ReceivablesCommon, MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client.email = "debtor@example.com"
        cls.small = cls.env["res.partner"].create(
            {"name": "Small debtor", "email": "small@example.com"}
        )
        cls.recent = cls.env["res.partner"].create(
            {"name": "Recent debtor", "email": "recent@example.com"}
        )
        cls._invoice(500.0, cls._days_ago(40))
        cls._invoice(20.0, cls._days_ago(40), partner=cls.small)
        cls._invoice(300.0, cls._days_ago(3), partner=cls.recent)

    def _wizard(self, **values):
        return self.env["receivables.notify.wizard"].with_user(self.accountant).create(values)

    def _selected(self, wizard):
        wizard.action_select()
        return wizard.line_ids.partner_id & (self.client | self.small | self.recent)

    def test_selection_by_days_amount_and_salesperson(self):
        self.assertEqual(
            self._selected(self._wizard(min_overdue_days=30)), self.client | self.small
        )
        self.assertEqual(
            self._selected(self._wizard(min_overdue_days=1, min_amount=100)),
            self.client | self.recent,
        )
        by_user = self._wizard(user_ids=[(6, 0, self.salesperson.ids)])
        self.assertEqual(self._selected(by_user), self.client)
        by_domain = self._wizard(partner_domain=f"[('id', '=', {self.recent.id})]")
        self.assertEqual(self._selected(by_domain), self.recent)
        line = by_domain.line_ids.filtered(lambda line: line.partner_id == self.recent)
        self.assertEqual((line.amount_overdue, line.max_days_overdue), (300.0, 3))
        self.assertIn("300.00", line.preview)

    def test_send_logs_on_chatter_and_never_twice_a_day(self):
        ours = self.client | self.small | self.recent

        def client_line(wizard):
            return wizard.line_ids.filtered(lambda line: line.partner_id == self.client)

        wizard = self._wizard(min_overdue_days=30, min_amount=100)
        wizard.action_select()
        self.assertEqual(wizard.line_ids.filtered("selected").partner_id & ours, self.client)
        with self.mock_mail_gateway():
            wizard.action_send()
        notice = self.client.message_ids[0]
        self.assertIn("500.00", notice.body)
        self.assertIn(self.client, notice.partner_ids)
        self.assertSentEmail(self.accountant.partner_id, [self.client], body_content="500.00")
        self.assertEqual(self.client.debt_notice_date, self._days_ago(0))
        self.assertEqual(client_line(wizard).state, "sent")

        again = self._wizard(min_overdue_days=30, min_amount=100)
        again.action_select()
        self.assertFalse(client_line(again).selected, "already notified today: not preselected")
        client_line(again).selected = True
        with self.mock_mail_gateway():
            again.action_send()
        self.assertEqual(client_line(again).state, "skipped")
        self.assertEqual(self.client.message_ids[0], notice, "no second notice")

        forced = self._wizard(min_overdue_days=30, min_amount=100, force=True)
        forced.action_select()
        with self.mock_mail_gateway():
            forced.action_send()
        self.assertNotEqual(self.client.message_ids[0], notice, "forced: sent again")

    def test_nothing_selected(self):
        wizard = self._wizard(min_overdue_days=365)
        wizard.action_select()
        with self.assertRaisesRegex(UserError, "Select at least one debtor"):
            wizard.action_send()

    def test_amount_in_words_in_the_clients_language(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.client.lang = "ru_RU"
        wizard = self._wizard(min_overdue_days=30, min_amount=100)
        wizard.action_select()
        with self.mock_mail_gateway():
            wizard.action_send()
        self.assertIn("Пятьсот", self.client.message_ids[0].body)

    def test_client_covered_by_credit_notes_is_no_debtor(self):
        self._invoice(20.0, self._days_ago(10), partner=self.small, move_type="out_refund")
        self.assertEqual(self._selected(self._wizard(min_overdue_days=30)), self.client)

    def test_salesperson_of_the_client_or_of_the_invoices(self):
        wizard = self._wizard(min_overdue_days=1)
        wizard.action_select()
        salespeople = {line.partner_id: line.user_id for line in wizard.line_ids}
        self.assertEqual(salespeople[self.client], self.salesperson)
        self.assertEqual(salespeople[self.recent], self.env.user, "no salesperson: the invoice's")

    def test_preview_leads_back_to_the_debtors(self):
        wizard = self._wizard(min_overdue_days=1)
        wizard.action_select()
        line = wizard.line_ids.filtered(lambda line: line.partner_id == self.recent)
        line.selected = False
        back = line.action_preview() and line.action_back()
        self.assertEqual((back["res_model"], back["res_id"]), (wizard._name, wizard.id))
        self.assertEqual(back["name"], self.env.ref("receivables.action_receivables_notify").name)
        self.assertFalse(line.selected, "the selection is kept")

    def test_today_is_the_users_today(self):
        """Far east of UTC the user's day starts first: a client notified on the user's
        today is not preselected again, while UTC still reads yesterday."""
        self.accountant.tz = "Pacific/Kiritimati"
        utc_noon = datetime.combine(date.today(), time(12, 0))
        with freeze_time(utc_noon), self.mock_mail_gateway():
            users_today = utc_noon.date() + timedelta(days=1)
            wizard = self._wizard(min_overdue_days=30, min_amount=100)
            wizard.action_select()
            wizard.action_send()
            self.assertEqual(self.client.debt_notice_date, users_today)
            again = self._wizard(min_overdue_days=30, min_amount=100)
            again.action_select()
            line = again.line_ids.filtered(lambda line: line.partner_id == self.client)
            self.assertFalse(line.selected, "notified today, in the user's calendar")

    def test_malformed_client_filter_is_explained(self):
        for text in (
            "[(",
            "42",
            "[('no_such_field', '=', 1)]",
            "[('name', 'like')]",
            "[('name', '<>>', 1)]",
            "__import__('os')",
            "[1]",
            "1/0",
            "[('id', '=', 'abc')]",
            "[('create_date', '>', 'garbage')]",
        ):
            with self.subTest(text=text), self.assertRaisesRegex(UserError, "client filter"):
                self._wizard(partner_domain=text)
        wizard = self._wizard()
        with self.assertRaisesRegex(UserError, "client filter"):
            wizard.partner_domain = "[('name', 'ilike')]"
        with self.assertRaises(UserError):
            self._wizard(min_overdue_days=10**9)

    def test_debtor_notice_templates_only(self):
        birthday = self.env["mail.template"].create(
            {"name": "Birthday wishes", "model_id": self.env.ref("base.model_res_partner").id}
        )
        Wizard = self.env["receivables.notify.wizard"].with_user(self.accountant)
        domain = Wizard.fields_get(["template_id"])["template_id"]["domain"]
        offered = self.env["mail.template"].search(safe_eval(domain))
        self.assertIn(self.env.ref("receivables.mail_template_debtor_notice"), offered)
        self.assertNotIn(birthday, offered)
        # The domain is the screen's: the server refuses any other template, even one of
        # another model flagged as a notice (rendered as the engine, a password reset's
        # would post its sign-in link where the sender reads it).
        user_notice = self.env["mail.template"].create(
            {
                "name": "Reset",
                "model_id": self.env.ref("base.model_res_users").id,
                "receivables_debtor_notice": True,
            }
        )
        for template in (birthday, user_notice):
            with self.subTest(template=template.name), self.assertRaises(ValidationError):
                self._wizard(template_id=template.id)

    def test_clients_without_email_are_listed_as_such(self):
        self.client.email = False
        wizard = self._wizard(min_overdue_days=30)
        wizard.action_select()
        line = wizard.line_ids.filtered(lambda line: line.partner_id == self.client)
        self.assertEqual((line.selected, line.state), (False, "no_email"))
        (wizard.line_ids - line).selected = False
        line.selected = True
        with self.mock_mail_gateway():
            wizard.action_send()
        self.assertEqual(line.state, "no_email")
        self.assertFalse(self.client.debt_notice_date)
        self.assertNotSentEmail()
