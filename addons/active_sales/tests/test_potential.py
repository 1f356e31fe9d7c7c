from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .test_client_status import ClientBaseCommon


@tagged("post_install", "-at_install")
class TestPotential(ClientBaseCommon):
    """Each client's yearly potential, set by the head of sales, against what the client
    bought that year; last year's, so that every day of it is in the past."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.year = cls.today.year - 1
        cls.head = mail_new_test_user(
            cls.env, login="potential_head", name="Hank Head",
            groups="base.group_user,sales_funnel.group_active_sales_head",
        )  # fmt: skip
        cls.other_salesperson = mail_new_test_user(
            cls.env, login="potential_salesperson", name="Oscar Other",
            groups="base.group_user,sales_funnel.group_active_sales_salesperson",
        )  # fmt: skip
        cls.category = cls.env["product.category"].create({"name": "Power tools"})

    def _potential(self, client, amounts=(1000.0,), year=None):
        """The head of sales sets ``client``'s potential: one product line per amount."""
        return (
            self.env["res.partner.potential"]
            .with_user(self.head)
            .create(
                {
                    "partner_id": client.id,
                    "year": year or self.year,
                    "line_ids": [
                        Command.create(
                            {"product_id": self.product_a.id, "quantity": 1, "amount": amount}
                        )
                        for amount in amounts
                    ],
                }
            )
        )

    def _invoice(self, client, invoice_date, amount, company=None):
        return self.init_invoice(
            "out_invoice", client, invoice_date, post=True, amounts=[amount], company=company
        )

    def _report(self, domain, groupby):
        """{group: (potential, fact)} of the report rows of last year in the main company."""
        rows = self.env["active.sales.potential.report"]._read_group(
            [("year", "=", self.year), ("company_id", "=", self.env.company.id), *domain],
            [groupby],
            ["potential:sum", "fact:sum"],
        )
        return {group: (potential, fact) for group, potential, fact in rows}

    # ------------------------------------------------------------
    # THE POTENTIAL
    # ------------------------------------------------------------

    def test_one_potential_per_client_per_year(self):
        client = self._client()
        self._potential(client)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._potential(client, [500.0])
        self._potential(client, [500.0], year=self.year + 1)
        self.assertEqual(
            self.env["res.partner.potential"]
            .search([("partner_id", "=", client.id)])
            .mapped("year"),
            [self.year + 1, self.year],
        )

    def test_total_follows_the_lines(self):
        potential = self._potential(self._client(), [1000.0, 500.0])
        self.assertEqual(potential.amount_total, 1500.0)
        potential.line_ids[0].amount = 200.0
        self.assertEqual(potential.amount_total, 700.0)
        potential.line_ids = [
            Command.delete(potential.line_ids[1].id),
            Command.create({"product_categ_id": self.category.id, "amount": 50.0}),
        ]
        self.assertEqual(potential.amount_total, 250.0)
        self.assertEqual(potential.display_name, f"Client — {self.year}")

    def test_a_line_is_a_product_or_a_category_and_not_negative(self):
        potential = self._potential(self._client())
        Line = self.env["res.partner.potential.line"].with_user(self.head)
        for values in (
            {},
            {"product_id": self.product_a.id, "product_categ_id": self.category.id},
            {"product_id": self.product_a.id, "amount": -1.0},
            {"product_categ_id": self.category.id, "quantity": -1.0},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                Line.create({"potential_id": potential.id, **values})
        self.assertEqual(len(potential.line_ids), 1)

    def test_a_potential_is_a_clients_not_a_contacts(self):
        client = self._client()
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": client.id})
        with self.assertRaises(ValidationError):
            self._potential(contact)
        with self.assertRaises(ValidationError):
            self._potential(client, year=1066)
        person = self.env["res.partner"].create({"name": "Freelancer"})
        self.assertEqual(self._potential(person).company_id, self.env.company)

    def test_the_client_shows_this_years_potential(self):
        client = self._client()
        self._potential(client, [300.0])  # last year's
        self._potential(client, [100.0, 20.0], year=self.today.year)
        self.assertEqual(client.with_user(self.salesperson).potential_amount, 120.0)

    # ------------------------------------------------------------
    # FACT VS POTENTIAL
    # ------------------------------------------------------------

    def test_fact_against_potential_per_client_and_salesperson(self):
        other_company = self.setup_other_company()["company"]
        mine = self._client("Mine", user_id=self.salesperson.id)
        also_mine = self._client("Also mine", user_id=self.salesperson.id)
        unplanned = self._client("Unplanned", user_id=self.salesperson.id)
        # Shared by every company: they buy from each.
        theirs = self._client("Theirs", user_id=self.other_salesperson.id, company_id=False)
        buyer = self.env["res.partner"].create({"name": "Buyer", "parent_id": mine.id})
        potential = self._potential(mine, [6000.0, 4000.0])
        self._potential(mine, [99999.0], year=self.today.year)
        self._potential(also_mine, [5000.0])
        self._potential(theirs, [8000.0])
        year = self.year
        # Mine: 1,000 + 2,000 (by a contact) + 500 less a 200 credit note.
        self._invoice(mine, date(year, 1, 1), 1000.0)
        self._invoice(buyer, date(year, 12, 31), 2000.0)
        self._credit(self._invoice(mine, date(year, 6, 15), 500.0), amount=200.0)
        # Not last year's sales, or not posted.
        self._invoice(mine, date(year - 1, 12, 31), 400.0)
        self._invoice(mine, date(year + 1, 1, 1), 300.0)
        self.init_invoice("out_invoice", mine, date(year, 3, 1), amounts=[10000.0])
        # A credit note cancelling a sale in full, and another company's sale.
        self._credit(self._invoice(theirs, date(year, 2, 1), 700.0))
        self._invoice(theirs, date(year, 4, 1), 4000.0)
        self._invoice(theirs, date(year, 4, 1), 9999.0, company=other_company)
        self._invoice(unplanned, date(year, 5, 1), 700.0)

        clients = mine | also_mine | unplanned | theirs
        self.assertEqual(
            self._report([("partner_id", "in", clients.ids)], "partner_id"),
            {
                mine: (10000.0, 3300.0),
                also_mine: (5000.0, 0.0),
                unplanned: (0.0, 700.0),
                theirs: (8000.0, 4000.0),
            },
        )
        self.assertEqual(
            self._report([("partner_id", "in", clients.ids)], "user_id"),
            {self.salesperson: (15000.0, 4000.0), self.other_salesperson: (8000.0, 4000.0)},
        )
        [row] = self.env["active.sales.potential.report"].search(
            [("partner_id", "=", mine.id), ("year", "=", year)]
        )
        self.assertEqual((row.date, row.fulfilment), (date(year, 1, 1), 33.0))
        self.assertEqual(potential.amount_fact, 3300.0, "the potential shows the fact too")
        other_company_row = self.env["active.sales.potential.report"].search(
            [("partner_id", "=", theirs.id), ("company_id", "=", other_company.id)]
        )
        self.assertEqual(other_company_row.mapped("fact"), [9999.0], "counted in its company")

    # ------------------------------------------------------------
    # ROLES
    # ------------------------------------------------------------

    def test_the_head_sets_potentials_salespeople_read_their_clients(self):
        mine = self._client("Mine", user_id=self.salesperson.id)
        # Shared by every company: they buy from each.
        theirs = self._client("Theirs", user_id=self.other_salesperson.id, company_id=False)
        my_potential, their_potential = self._potential(mine), self._potential(theirs)
        clients = [("partner_id", "in", (mine | theirs).ids)]
        Potential = self.env["res.partner.potential"]
        Report = self.env["active.sales.potential.report"]

        self.assertEqual(Potential.with_user(self.salesperson).search(clients), my_potential)
        self.assertEqual(Report.with_user(self.salesperson).search(clients).partner_id, mine)
        for write in (
            lambda: Potential.with_user(self.salesperson).create(
                {"partner_id": mine.id, "year": self.year + 1}
            ),
            lambda: my_potential.with_user(self.salesperson).write({"note": "Mine now"}),
            lambda: my_potential.line_ids.with_user(self.salesperson).write({"amount": 1.0}),
            lambda: my_potential.with_user(self.salesperson).unlink(),
        ):
            with self.assertRaises(AccessError):
                write()

        my_potential.with_user(self.head).line_ids.amount = 2000.0
        self.assertEqual(my_potential.amount_total, 2000.0)
        self.assertEqual(
            Potential.with_user(self.head).search(clients), my_potential | their_potential
        )
        accountant = mail_new_test_user(
            self.env, login="potential_accountant",
            groups="base.group_user,account.group_account_invoice",
        )  # fmt: skip
        self.assertEqual(Report.with_user(accountant).search(clients).partner_id, mine | theirs)
        with self.assertRaises(AccessError):
            their_potential.with_user(accountant).write({"note": "Audited"})

        employee = mail_new_test_user(
            self.env, login="potential_employee", groups="base.group_user"
        )
        for user in (self.warehouse_user, employee):
            for model in (Potential, Report, self.env["res.partner.potential.line"]):
                with self.subTest(user=user.login, model=model._name):
                    with self.assertRaises(AccessError):
                        model.with_user(user).search([])
