from odoo import fields
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestProposalReport(SalesFunnelCommon):
    """The proposal analysis: one row per quotation, amounts in the company's currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"proposal_max_discount": 10.0, "proposal_min_margin": 0.0})
        cls.employee = mail_new_test_user(
            cls.env, login="as_employee", name="Emma Employee", groups="base.group_user"
        )
        cls.other_deal = cls.env["crm.lead"].create(
            {
                "name": "Oscar's drills",
                "type": "opportunity",
                "partner_id": cls.client.id,
                "user_id": cls.salesperson_other.id,
                "team_id": cls.team.id,
            }
        )
        # Sally: a draft of 1 drill, a variant of 2 drills (one at 20% off) with a section,
        # a confirmed order of 3; Oscar: a sent quotation of 4 drills.
        cls.draft = cls._order(cls.deal, [(1, 0.0)])
        cls.variant = cls._order(
            cls.deal, [(1, 0.0), (1, 20.0)], section=True, variant_label="Variant 2"
        )
        cls.confirmed = cls._order(cls._new_deal(), [(3, 0.0)])
        cls.confirmed.action_confirm()
        cls.sent = cls._order(cls.other_deal, [(4, 5.0)])
        cls.sent.action_quotation_sent()
        cls.users = cls.salesperson | cls.salesperson_other

    @classmethod
    def _new_deal(cls):
        return cls.deal.copy({"name": "Second deal"})

    @classmethod
    def _order(cls, deal, lines, section=False, **values):
        order_lines = [
            Command.create(
                {"product_id": cls.product.id, "product_uom_qty": qty, "discount": discount}
            )
            for qty, discount in lines
        ]
        if section:
            order_lines.append(Command.create({"display_type": "line_section", "name": "Extras"}))
        return cls.env["sale.order"].create(
            {
                "partner_id": deal.partner_id.id,
                "opportunity_id": deal.id,
                "team_id": deal.team_id.id,
                "user_id": deal.user_id.id,
                "order_line": order_lines,
                **values,
            }
        )

    def _report(self, user=None):
        return self.env["sale.proposal.report"].with_user(user or self.head)

    def test_one_row_per_quotation(self):
        row = self._report().search([("id", "=", self.variant.id)])
        self.assertEqual(row.user_id, self.salesperson)
        self.assertEqual(row.team_id, self.team)
        self.assertEqual(row.lead_id, self.deal)
        self.assertEqual(row.stage_id, self.deal.stage_id)
        self.assertEqual(row.commercial_partner_id, self.client)
        self.assertEqual(row.company_id, self.company)
        self.assertEqual(row.variant_label, "Variant 2")
        self.assertEqual(row.importance, "normal")
        self.assertEqual(row.proposal_state, "to_approve")
        self.assertEqual(row.line_count, 2, "the section is no product line")
        self.assertEqual(row.discount_max, 20.0)
        self.assertAlmostEqual(row.amount_untaxed, 180.0)
        self.assertEqual(row.nbr, 1)
        self.assertEqual(row.date, self.variant.date_order)

    def test_numbers_per_salesperson_and_status(self):
        groups = self._report()._read_group(
            [("user_id", "in", self.users.ids)],
            ["user_id", "proposal_state"],
            ["nbr:sum", "amount_untaxed:sum", "line_count:sum", "discount_max:max"],
        )
        numbers = {
            (user.login, state): (nbr, round(amount, 2), lines, discount)
            for user, state, nbr, amount, lines, discount in groups
        }
        self.assertEqual(
            numbers,
            {
                ("as_salesperson", "draft"): (1, 100.0, 1, 0.0),
                ("as_salesperson", "to_approve"): (1, 180.0, 2, 20.0),
                ("as_salesperson", "accepted"): (1, 300.0, 1, 0.0),
                ("as_salesperson_other", "sent"): (1, 380.0, 1, 5.0),
            },
        )

    def test_numbers_per_client_segment(self):
        """Segments are the client company's, whoever of its people the quotation went to."""
        industry = self.env["res.partner.industry"].create({"name": "Joinery"})
        self.client.write({"industry_id": industry.id, "country_id": self.env.ref("base.ua").id})
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.client.id})
        self._order(self._new_deal(), [(2, 0.0)], partner_id=contact.id)
        groups = self._report()._read_group(
            [("user_id", "in", self.users.ids)],
            ["industry_id", "country_id"],
            ["nbr:sum", "amount_untaxed:sum"],
        )
        self.assertEqual(
            [
                (ind.name, country.code, nbr, round(amount, 2))
                for ind, country, nbr, amount in groups
            ],
            [("Joinery", "UA", 5, 1160.0)],
        )

    def test_amounts_in_the_company_currency(self):
        currency = self.env.ref("base.EUR")
        if currency == self.company.currency_id:
            currency = self.env.ref("base.USD")
        currency.active = True
        self.env["res.currency.rate"].create(
            {
                "name": fields.Date.today(),
                "rate": 2.0,
                "currency_id": currency.id,
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": currency.id}
        )
        order = self._order(self._new_deal(), [(1, 0.0)], pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, currency)
        self.assertAlmostEqual(order.amount_untaxed, 200.0)
        row = self._report().search([("id", "=", order.id)])
        self.assertAlmostEqual(row.amount_untaxed, 100.0)
        self.assertEqual(row.currency_id, self.company.currency_id)

    def test_salesperson_reads_own_rows(self):
        mine = self._report(self.salesperson).search([("user_id", "in", self.users.ids)])
        self.assertEqual(set(mine.ids), set((self.draft | self.variant | self.confirmed).ids))
        theirs = self._report(self.salesperson_other).search([("user_id", "in", self.users.ids)])
        self.assertEqual(theirs.ids, self.sent.ids)

    def test_head_and_accountant_read_all_rows(self):
        everything = set((self.draft | self.variant | self.confirmed | self.sent).ids)
        for user in (self.head, self.accountant):
            rows = self._report(user).search([("user_id", "in", self.users.ids)])
            self.assertEqual(set(rows.ids), everything, user.login)

    def test_employee_and_warehouse_cannot_read(self):
        for user in (self.employee, self.warehouse_user):
            with self.assertRaises(AccessError):
                self._report(user).search([])

    def test_read_group_in_constant_queries(self):
        report = self._report()
        args = ([("user_id", "in", self.users.ids)], ["user_id", "proposal_state"], ["nbr:sum"])
        report._read_group(*args)  # warm-up
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            report._read_group(*args)
        self._order(self._new_deal(), [(2, 0.0)])
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            report._read_group(*args)
