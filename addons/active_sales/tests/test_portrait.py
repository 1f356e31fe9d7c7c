from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .test_client_status import ClientBaseCommon


class PortraitCommon(ClientBaseCommon):
    """The company's portrait: the industry (text) and the size (number) qualify a client;
    the purchases per year (choice: over 1M A, 100k-1M B, under 100k C, unknown none) and
    the decision maker (text) do not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head = mail_new_test_user(
            cls.env, login="portrait_head", name="Heather Head",
            groups="base.group_user,sales_funnel.group_active_sales_head",
        )  # fmt: skip
        cls.other_salesperson = mail_new_test_user(
            cls.env, login="portrait_salesperson", name="Otto Other",
            groups="base.group_user,sales_funnel.group_active_sales_salesperson",
        )  # fmt: skip
        cls.accountant = mail_new_test_user(
            cls.env, login="portrait_accountant", name="Ada Accountant",
            groups="base.group_user,account.group_account_invoice",
        )  # fmt: skip
        cls.employee = mail_new_test_user(
            cls.env, login="portrait_employee", name="Emma Employee", groups="base.group_user"
        )
        cls.industry, cls.employees, cls.purchases, cls.decision_maker = cls._questions(
            cls.env.company
        )

    @classmethod
    def _questions(cls, company):
        Question = cls.env["res.partner.portrait.question"].with_company(company)
        return Question.create(
            [
                {"name": "Industry", "required_for_qualification": True},
                {
                    "name": "Number of employees",
                    "answer_type": "number",
                    "required_for_qualification": True,
                },
                {
                    "name": "Purchases per year",
                    "answer_type": "choice",
                    "option_ids": [
                        Command.create({"name": "Over 1M", "abc_class": "a"}),
                        Command.create({"name": "100k-1M", "abc_class": "b"}),
                        Command.create({"name": "Under 100k", "abc_class": "c"}),
                        Command.create({"name": "Unknown"}),
                    ],
                },
                {"name": "Decision maker"},
            ]
        )

    def _client(self, name="Client", **values):
        return super()._client(name, **{"company_id": self.env.company.id, **values})

    def _answer(self, client, question, value, user=None):
        """``user`` (default the salesperson) answers ``question`` about ``client``: a text,
        an option's name or a number, per the question's type."""
        values = {"partner_id": client.id, "question_id": question.id}
        if question.answer_type == "choice":
            values["option_id"] = question.option_ids.filtered(lambda o: o.name == value).id
        else:
            values[f"value_{question.answer_type}"] = value
        return (
            self.env["res.partner.portrait.answer"]
            .with_user(user or self.salesperson)
            .create(values)
        )

    def _created(self, client, days_ago):
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = now() - %s * interval '1 day' WHERE id = %s",
            (days_ago, client.id),
        )
        client.invalidate_recordset(["create_date"])

    def _qualification(self, client):
        return client.is_qualified, client.qualified_date, client.qualification_days


@tagged("post_install", "-at_install")
class TestQualification(PortraitCommon):
    def test_qualified_by_the_last_required_answer(self):
        client = self._client(user_id=self.salesperson.id)
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": client.id})
        self._created(client, 30)
        client.sudo().salesperson_since = self.today - timedelta(days=10)
        self._answer(client, self.industry, "Furniture")
        self._answer(client, self.decision_maker, "The owner")
        self.assertEqual(self._qualification(client), (False, False, 0), "the size is missing")
        self._answer(client, self.employees, 40)
        self.assertEqual(
            self._qualification(client), (True, self.today, 10),
            "ten days since the salesperson got the client, later than its creation",
        )  # fmt: skip
        self.assertEqual(self._qualification(contact), (True, self.today, 10))
        newcomer = self.env["res.partner"].create({"name": "New buyer", "parent_id": client.id})
        self.assertTrue(newcomer.is_qualified, "a client's contacts share their qualification")

    def test_days_from_the_later_of_creation_and_salesperson(self):
        unassigned = self._client("Nobody's")
        long_held = self._client("Held before created", user_id=self.salesperson.id)
        for client in unassigned | long_held:
            self._created(client, 20)
        long_held.sudo().salesperson_since = self.today - timedelta(days=45)
        for client in unassigned | long_held:
            self._answer(client, self.industry, "Timber")
            self._answer(client, self.employees, 3)
        self.assertEqual(
            (unassigned | long_held).mapped("qualification_days"), [20, 20], "from the creation"
        )

    def test_lost_when_a_required_answer_is_emptied_or_deleted(self):
        client = self._client(user_id=self.salesperson.id)
        industry = self._answer(client, self.industry, "Furniture")
        employees = self._answer(client, self.employees, 40)
        client.sudo().qualified_date = self.today - timedelta(days=100)
        industry.with_user(self.salesperson).value_text = "  "
        self.assertEqual(self._qualification(client), (False, False, 0), "a blank text")
        industry.with_user(self.salesperson).value_text = "Furniture"
        self.assertEqual(
            self._qualification(client), (True, self.today, 0),
            "qualified again: dated anew, not on the first qualification",
        )  # fmt: skip
        employees.with_user(self.salesperson).value_number = 0
        self.assertFalse(client.is_qualified, "an emptied number reads 0: no answer")
        employees.with_user(self.salesperson).value_number = 12
        self.assertTrue(client.is_qualified)
        employees.with_user(self.salesperson).unlink()
        self.assertEqual(self._qualification(client), (False, False, 0))

    def test_the_required_questions_decide(self):
        client = self._client(user_id=self.salesperson.id)
        self._answer(client, self.industry, "Furniture")
        self._answer(client, self.employees, 40)
        self.assertTrue(client.is_qualified)

        self.purchases.with_user(self.head).required_for_qualification = True
        self.assertFalse(client.is_qualified, "the purchases are now required, and missing")
        self.purchases.with_user(self.head).active = False
        self.assertTrue(client.is_qualified, "an archived question is no longer asked")

        budget = (
            self.env["res.partner.portrait.question"]
            .with_user(self.head)
            .create({"name": "Budget", "required_for_qualification": True})
        )
        self.assertFalse(client.is_qualified, "a new required question, unanswered")
        budget.with_user(self.head).unlink()
        self.assertTrue(client.is_qualified)

        self.industry.with_user(self.head).answer_type = "number"
        self.assertFalse(client.is_qualified, "a text is no answer to a number question")

    def test_a_portrait_without_required_questions_qualifies_nobody(self):
        client = self._client()
        (self.industry | self.employees).required_for_qualification = False
        self._answer(client, self.industry, "Furniture")
        self.assertFalse(client.is_qualified)

    def test_nobody_qualifies_a_client_by_hand(self):
        client = self._client(user_id=self.salesperson.id)
        for user in (self.salesperson, self.head):
            for values in ({"is_qualified": True}, {"qualified_date": self.today},
                           {"qualification_days": 3}):  # fmt: skip
                with self.subTest(user=user.login, values=values), self.assertRaises(UserError):
                    client.with_user(user).write(values)
        self.assertEqual(self._qualification(client), (False, False, 0))

    def test_fill_in_the_portrait(self):
        client = self._client(user_id=self.salesperson.id)
        self._answer(client, self.industry, "Furniture")
        self.decision_maker.active = False
        self.env.ref("active_sales.action_fill_in_portrait").with_user(
            self.salesperson
        ).with_context(active_model="res.partner", active_id=client.id, active_ids=client.ids).run()
        answers = client.portrait_answer_ids
        self.assertEqual(
            answers.question_id, self.industry | self.employees | self.purchases,
            "every active question once",
        )  # fmt: skip
        self.assertEqual(answers.filtered("is_answered").value_display, "Furniture")
        self.assertFalse(client.is_qualified, "empty answers qualify nobody")


@tagged("post_install", "-at_install")
class TestAnswers(PortraitCommon):
    def test_a_portrait_is_a_clients_not_a_contacts(self):
        client = self._client()
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": client.id})
        with self.assertRaises(ValidationError):
            self._answer(contact, self.industry, "Furniture")

    def test_the_option_is_one_of_the_questions(self):
        other_choice = self.env["res.partner.portrait.question"].create(
            {"name": "Growth", "answer_type": "choice",
             "option_ids": [Command.create({"name": "Fast", "abc_class": "a"})]}
        )  # fmt: skip
        answer = self._answer(self._client(), self.purchases, "Under 100k")
        with self.assertRaises(ValidationError):
            answer.with_user(self.salesperson).option_id = other_choice.option_ids

    def test_one_answer_per_client_and_question(self):
        client = self._client()
        self._answer(client, self.industry, "Furniture")
        self._answer(self._client("Another"), self.industry, "Timber")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._answer(client, self.industry, "Timber")

    def test_the_answer_shown(self):
        client = self._client()
        answers = (
            self._answer(client, self.industry, "Furniture")
            | self._answer(client, self.employees, 1250)
            | self._answer(client, self.purchases, "Over 1M")
        )
        self.assertEqual(answers.mapped("value_display"), ["Furniture", "1,250", "Over 1M"])
        self.assertEqual(answers[2].display_name, "Purchases per year: Over 1M")

    def test_who_reads_and_answers(self):
        mine = self._client("Mine", user_id=self.salesperson.id)
        others = self._client("Other's", user_id=self.other_salesperson.id)
        my_answer = self._answer(mine, self.industry, "Furniture")
        their_answer = self._answer(others, self.industry, "Timber", user=self.other_salesperson)
        Answer = self.env["res.partner.portrait.answer"]
        both = [("partner_id", "in", (mine | others).ids)]
        self.assertEqual(Answer.with_user(self.salesperson).search(both), my_answer)
        my_answer.with_user(self.salesperson).value_text = "Furniture retail"
        with self.assertRaises(AccessError):
            their_answer.with_user(self.salesperson).value_text = "Paper"
        with self.assertRaises(AccessError):
            their_answer.with_user(self.salesperson).read(["value_text"])
        with self.assertRaises(AccessError):
            self._answer(others, self.employees, 3)
        # Moved to another's client, an answer would qualify them behind both rules.
        with self.assertRaises(UserError):
            my_answer.with_user(self.salesperson).partner_id = others
        with self.assertRaises(UserError):
            others.with_user(self.head).portrait_answer_ids = [Command.link(my_answer.id)]
        self.assertEqual(my_answer.partner_id, mine)
        for user in (self.head, self.accountant):
            self.assertEqual(Answer.with_user(user).search(both), my_answer | their_answer)
        with self.assertRaises(AccessError):
            their_answer.with_user(self.accountant).value_text = "Paper"
        for user in (self.warehouse_user, self.employee):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Answer.with_user(user).search(both)
            self.assertEqual(
                self.env["res.partner.portrait.question"].with_user(user).search([]),
                self.industry | self.employees | self.purchases | self.decision_maker,
                "every employee reads the questions",
            )

    def test_only_the_head_sets_the_questions(self):
        Question = self.env["res.partner.portrait.question"]
        with self.assertRaises(AccessError):
            Question.with_user(self.salesperson).create({"name": "Budget"})
        with self.assertRaises(AccessError):
            self.industry.with_user(self.salesperson).required_for_qualification = False
        with self.assertRaises(AccessError):
            self.purchases.option_ids[:1].with_user(self.salesperson).abc_class = "c"
        question = Question.with_user(self.head).create({"name": "Budget"})
        self.assertEqual(question.company_id, self.env.company)


@tagged("post_install", "-at_install")
class TestPortraitAbcClass(PortraitCommon):
    """Clients of a company of their own, as in the ABC ranking's tests; the company's
    portrait has a second choice question, the growth (fast: B)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.setup_other_company()["company"]
        cls.industry, cls.employees, cls.purchases, cls.decision_maker = cls._questions(
            cls.other_company
        )
        cls.growth = (
            cls.env["res.partner.portrait.question"]
            .with_company(cls.other_company)
            .create(
                {
                    "name": "Growth",
                    "answer_type": "choice",
                    "option_ids": [Command.create({"name": "Fast", "abc_class": "b"})],
                }
            )
        )

    def _client(self, name="Client", **values):
        return super()._client(name, company_id=self.other_company.id, **values)

    def _sale(self, client, days_ago, amount=1000.0, post=True):
        return self.init_invoice(
            "out_invoice", client, self.today - timedelta(days=days_ago), post=post,
            amounts=[amount], company=self.other_company,
        )  # fmt: skip

    def _answer(self, client, question, value, user=None):
        # The salespeople work in the main test company; these clients are another's.
        return super()._answer(client, question, value, user=user or self.env.user)

    def _rank(self):
        self.env["res.partner"].with_company(self.other_company)._decide_company_clients()

    def test_a_potential_client_has_the_best_class_of_their_answers(self):
        client = self._client()
        purchases = self._answer(client, self.purchases, "Under 100k")
        self.assertEqual(client.abc_class, "c", "decided as soon as answered")
        self._answer(client, self.growth, "Fast")
        self.assertEqual(client.abc_class, "b", "the best of C and B")
        client.sudo().abc_class = False
        self._rank()
        self.assertEqual(client.abc_class, "b", "the nightly ranking decides the same")
        self.growth.active = False
        self.assertEqual(client.abc_class, "c", "an archived question's answer no longer counts")
        client.sudo().abc_class = "b"
        self._rank()
        self.assertEqual(client.abc_class, "c")
        purchases.option_id = self.purchases.option_ids[0]
        self.assertEqual(client.abc_class, "a")

    def test_no_class_without_a_mapped_answer(self):
        client = self._client()
        answer = self._answer(client, self.purchases, "Over 1M")
        answer.option_id = self.purchases.option_ids[3]  # unknown
        self.assertFalse(client.abc_class)
        client.sudo().abc_class = "a"
        self._rank()
        self.assertFalse(client.abc_class)

    def test_a_buying_client_keeps_the_class_of_their_revenue(self):
        big, small = self._client("Big"), self._client("Small")
        self._sale(big, 30, amount=9000.0)
        self._sale(small, 30, amount=100.0)
        self._answer(small, self.purchases, "Over 1M")
        self.assertFalse(small.abc_class, "not ranked yet: the answer does not class a buyer")
        self._rank()
        self.assertEqual((big.abc_class, small.abc_class), ("a", "c"))


@tagged("post_install", "-at_install")
class TestMergeClients(PortraitCommon):
    def test_merging_keeps_every_potential_and_answer(self):
        kept = self._client("Kept", user_id=self.salesperson.id)
        merged = self._client("Merged", user_id=self.salesperson.id)
        self._answer(kept, self.industry, "Furniture")
        self._answer(merged, self.industry, "Timber")
        self._answer(merged, self.employees, 40)
        potentials = self.env["res.partner.potential"]
        year = self.today.year
        for client, amounts in ((kept, {year: 1000.0}), (merged, {year: 500.0, year + 1: 700.0})):
            for potential_year, amount in amounts.items():
                potentials |= potentials.create(
                    {"partner_id": client.id, "year": potential_year,
                     "line_ids": [Command.create({"product_categ_id": self.env.ref(
                         "product.product_category_all").id, "amount": amount})]}
                )  # fmt: skip

        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((kept | merged).ids, kept)

        self.assertEqual(
            {potential.year: potential.amount_total for potential in kept.potential_ids},
            {year: 1500.0, year + 1: 700.0},
        )
        self.assertEqual(
            {answer.question_id: answer.value_display for answer in kept.portrait_answer_ids},
            {self.industry: "Furniture", self.employees: "40"},
        )
        self.assertTrue(kept.is_qualified, "the merged client has every required answer")
