from odoo import fields
from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.sales_funnel.models.document_facts import DocumentFacts

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestDocumentChanges(SalesFunnelCommon):
    """Documents changed after the fact move the deal to where they now point."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 100.0
        )
        # Prices without taxes keep the amounts readable: 1 drill = 100.
        cls.product.taxes_id = False

    def _deal_with_confirmed_order(self, qty=1.0, name="Deal"):
        deal = self._deal(name, primary_demand="Drills")
        self._put_on(deal, "agreement")
        order = self._quotation_for(deal, qty=qty)
        order.with_user(self.salesperson).action_confirm()
        self._commit_documents()
        self.assertEqual(deal.stage_id, self.stage("payment"))
        return deal, order

    # amended orders --------------------------------------------------------

    def test_amended_order_moves_revenue_and_step(self):
        deal, order = self._deal_with_confirmed_order()
        self.assertEqual(deal.expected_revenue, 100.0)
        self._pay(self._invoice(order))
        self._commit_documents()
        self.assertEqual(deal.stage_id, self.stage("shipment"))
        order.with_user(self.salesperson).write(
            {"order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 3})]}
        )
        self._commit_documents()
        self.assertEqual(deal.expected_revenue, 400.0, "the order grew to 400")
        self.assertEqual(deal.stage_id, self.stage("payment"), "a quarter of 400 is paid")
        self.assertAlmostEqual(deal.payment_progress, 25.0)

    def test_quantity_lowered_to_what_was_paid(self):
        deal, order = self._deal_with_confirmed_order(qty=4)
        invoice = self._invoice(order)
        self._pay(invoice, amount=100.0)
        self._commit_documents()
        self.assertEqual(deal.stage_id, self.stage("payment"))
        order.order_line.with_user(self.salesperson).write({"product_uom_qty": 1})
        self._commit_documents()
        self.assertEqual(deal.expected_revenue, 100.0)
        self.assertEqual(deal.stage_id, self.stage("shipment"), "the one drill is paid")

    # orders moved or cancelled ---------------------------------------------

    def test_order_moved_to_another_deal(self):
        deal, order = self._deal_with_confirmed_order()
        other = self._deal("Other", primary_demand="Drills")
        self._put_on(other, "agreement")
        order.with_user(self.salesperson).opportunity_id = other
        self._commit_documents()
        self.assertEqual(other.stage_id, self.stage("payment"), "the order came with its step")
        self.assertEqual(
            deal.stage_id,
            self.stage("presentation"),
            "no quotation left: back before the proposal, not onto payment",
        )

    def test_paid_order_cancelled(self):
        deal, order = self._deal_with_confirmed_order()
        self._pay(self._invoice(order))
        self._commit_documents()
        self.assertEqual(deal.stage_id, self.stage("shipment"))
        order.with_user(self.salesperson)._action_cancel()
        self._commit_documents()
        self.assertEqual(deal.stage_id, self.stage("presentation"))
        self.assertIn("Moved back to Presentation", deal.message_ids[0].body)

    def test_second_quotation_keeps_the_proposal(self):
        deal, order = self._deal_with_confirmed_order()
        sent = self._quotation_for(deal)
        sent.with_user(self.salesperson).action_quotation_sent()
        order.with_user(self.salesperson)._action_cancel()
        self._commit_documents()
        self.assertEqual(
            deal.stage_id,
            self.stage("agreement"),
            "a sent quotation still supports the steps up to the payment gate",
        )

    # one invoice, two deals ------------------------------------------------

    def test_shared_invoice_shares_its_payments(self):
        first, first_order = self._deal_with_confirmed_order(qty=1, name="First")
        second, second_order = self._deal_with_confirmed_order(qty=3, name="Second")
        invoice = self._invoice(first_order | second_order)
        self.assertEqual(len(invoice), 1, "Odoo's Create invoices made one invoice for both")
        self._pay(invoice, amount=200.0)
        self._commit_documents()
        self.assertAlmostEqual(first.payment_progress, 50.0)
        self.assertAlmostEqual(second.payment_progress, 50.0)
        self.assertEqual((first | second).stage_id, self.stage("payment"))
        self._pay(invoice)
        self._commit_documents()
        self.assertEqual((first | second).stage_id, self.stage("shipment"))

    # currencies ------------------------------------------------------------

    def test_orders_in_two_currencies_compare_in_company_currency(self):
        foreign = self.env["res.currency"].create({"name": "FRX", "symbol": "F", "rounding": 0.01})
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "rate": 2.0,
                "name": fields.Date.today(),
                "company_id": self.company.id,
            }
        )
        foreign_pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": foreign.id}
        )
        deal, home_order = self._deal_with_confirmed_order()
        foreign_order = self._quotation_for(deal, qty=1)
        foreign_order.pricelist_id = foreign_pricelist
        foreign_order._recompute_prices()
        foreign_order.with_user(self.salesperson).action_confirm()
        self._commit_documents()
        self.assertEqual(foreign_order.amount_total, 200.0, "100 at 2 foreign units a unit")
        self.assertEqual(deal.expected_revenue, 200.0, "100 + 200 F / 2")
        self._pay(self._invoice(foreign_order))
        self._commit_documents()
        self.assertAlmostEqual(deal.payment_progress, 50.0, msg="200 F is 100 of 200")
        self.assertEqual(deal.stage_id, self.stage("payment"))
        self._pay(self._invoice(home_order))
        self._commit_documents()
        self.assertEqual(deal.stage_id, self.stage("shipment"))

    # rounding ----------------------------------------------------------------

    def test_paid_within_the_currency_rounding(self):
        whole_units = {"confirmed_total": 100.0, "has_confirmed_order": True, "rounding": 1.0}
        self.assertTrue(DocumentFacts(paid_amount=99.6, **whole_units).is_paid)
        self.assertFalse(DocumentFacts(paid_amount=99.4, **whole_units).is_paid)
        cents = dict(whole_units, rounding=0.01)
        self.assertFalse(DocumentFacts(paid_amount=99.6, **cents).is_paid)
        self.assertTrue(DocumentFacts(paid_amount=99.996, **cents).is_paid)
