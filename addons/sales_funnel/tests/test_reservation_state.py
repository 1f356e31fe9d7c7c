from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestReservationState(SalesFunnelCommon):
    """The deal follows what the warehouse reserves and delivers for its confirmed orders;
    a step may hold people's moves until the goods are reserved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deal.primary_demand = "Drills"
        cls.employee = mail_new_test_user(
            cls.env, login="as_employee", name="Emma Employee", groups="base.group_user"
        )

    def _receive(self, qty, user=None):
        """The warehouse receives Drills from the supplier: validating the receipt makes
        Odoo reserve the deliveries waiting for them."""
        supplier = self.env.ref("stock.stock_location_suppliers")
        stock = self.warehouse.lot_stock_id
        receipt = (
            self.env["stock.picking"]
            .with_user(user or self.warehouse_user)
            .create(
                {
                    "picking_type_id": self.warehouse.in_type_id.id,
                    "location_id": supplier.id,
                    "location_dest_id": stock.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.product.name,
                                "product_id": self.product.id,
                                "product_uom_qty": qty,
                                "product_uom": self.product.uom_id.id,
                                "location_id": supplier.id,
                                "location_dest_id": stock.id,
                            }
                        )
                    ],
                }
            )
        )
        receipt.action_confirm()
        receipt.move_ids.quantity = qty
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        return receipt

    def _confirmed_order(self, deal, qty):
        order = self._quotation_for(deal, qty=qty)
        order.with_user(deal.user_id).action_confirm()
        self._commit_documents()
        return order

    def _state(self, deal):
        return deal.with_user(deal.user_id).reservation_state

    # ------------------------------------------------------------
    # the state
    # ------------------------------------------------------------

    def test_state_follows_the_warehouse(self):
        self.assertEqual(self._state(self.deal), "none", "no order")
        self._quotation_for(self.deal, qty=8)
        self._commit_documents()
        self.assertEqual(self._state(self.deal), "none", "a quotation reserves nothing")

        order = self._confirmed_order(self.deal, 8)
        delivery = order.picking_ids
        self.assertEqual(delivery.move_ids.quantity, 5, "5 in stock: Odoo reserves 5 of 8")
        self.assertEqual(self._state(self.deal), "partial")

        self._receive(3)
        self._commit_documents()
        self.assertEqual(delivery.move_ids.quantity, 8, "the receipt's 3 go to the delivery")
        self.assertEqual(self._state(self.deal), "reserved")

        delivery.with_user(self.warehouse_user).do_unreserve()
        self._commit_documents()
        self.assertEqual(delivery.move_ids.quantity, 0)
        self.assertEqual(self._state(self.deal), "none", "unreserved: nothing held any more")

        delivery.with_user(self.warehouse_user).action_assign()
        self._commit_documents()
        self.assertEqual(self._state(self.deal), "reserved")

        self._deliver(order)
        self._commit_documents()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(self._state(self.deal), "delivered")

    def test_partial_delivery_and_cancel(self):
        order = self._confirmed_order(self.deal, 8)
        delivery = order.picking_ids
        delivery.move_ids.quantity = 5
        delivery.move_ids.picked = True
        # Odoo's backorder wizard, as the warehouse: the 3 missing Drills follow later.
        delivery.with_user(self.warehouse_user).with_context(
            skip_backorder=True, picking_ids_not_to_backorder=[]
        ).button_validate()
        self._commit_documents()
        backorder = order.picking_ids - delivery
        self.assertEqual(backorder.move_ids.product_uom_qty, 3)
        self.assertEqual(self._state(self.deal), "none", "3 still to deliver, none reserved")
        self._receive(3)
        self._commit_documents()
        self.assertEqual(self._state(self.deal), "reserved")
        backorder.with_user(self.warehouse_user).action_cancel()
        self._commit_documents()
        self.assertEqual(self._state(self.deal), "delivered", "what was left is cancelled")

    def test_cancelled_order_reserves_nothing(self):
        order = self._confirmed_order(self.deal, 3)
        self.assertEqual(self._state(self.deal), "reserved", "5 in stock cover 3")
        order.with_user(self.salesperson).with_context(disable_cancel_warning=True).action_cancel()
        self._commit_documents()
        self.assertEqual(self._state(self.deal), "none")

    def test_services_and_consumables_reserve_nothing(self):
        consumable = self.env["product.product"].create(
            {"name": "Drill bits", "type": "consu", "is_storable": False}
        )
        order = self._quotation_for(self.deal, qty=2)
        order.order_line.product_id = consumable
        order.with_user(self.salesperson).action_confirm()
        self._commit_documents()
        self.assertTrue(order.picking_ids)
        self.assertEqual(self._state(self.deal), "none", "nothing storable to reserve")

    def test_each_deal_its_own_state(self):
        other = self._deal("Other deal")
        self._confirmed_order(self.deal, 3)
        self._confirmed_order(other, 4)
        self.assertEqual(self._state(self.deal), "reserved")
        self.assertEqual(self._state(other), "partial", "2 left in stock for 4")

    def test_roles_read_the_state(self):
        self._confirmed_order(self.deal, 8)
        self.assertEqual(self.deal.with_user(self.head).reservation_state, "partial")
        with self.assertRaises(AccessError):
            self.deal.with_user(self.salesperson_other).read(["reservation_state"])
        with self.assertRaises(AccessError):
            self.deal.with_user(self.employee).read(["reservation_state"])
        with self.assertRaises(AccessError):
            self.deal.with_user(self.warehouse_user).read(["reservation_state"])

    def test_nobody_writes_the_state(self):
        """Only the engine writes it, whoever calls: the form, RPC."""
        self._confirmed_order(self.deal, 8)
        for user in (self.salesperson, self.head):
            with self.assertRaisesRegex(AccessError, "follows the warehouse"):
                self.deal.with_user(user).write({"reservation_state": "reserved"})
        self.assertEqual(self._state(self.deal), "partial")

    def test_batch_of_deals_one_pass(self):
        deals = self.deal | self._deal("Second")
        for deal in deals:
            self._quotation_for(deal, qty=2).with_user(self.salesperson).action_confirm()
        self._commit_documents()
        self.assertEqual(set(deals.mapped("reservation_state")), {"reserved"})

    def test_deals_in_fulfilment_when_the_addon_comes(self):
        """Installing the addon fills the state of the deals whose orders are confirmed."""
        self._confirmed_order(self.deal, 8)
        untouched = self._deal("Quotation only")
        self._quotation_for(untouched, qty=2)
        self._commit_documents()
        self.env.cr.execute("UPDATE crm_lead SET reservation_state = 'none'")
        self.env.invalidate_all()
        self.env["crm.lead"]._fill_reservation_state()
        self.assertEqual(self._state(self.deal), "partial")
        self.assertEqual(self._state(untouched), "none")

    # ------------------------------------------------------------
    # a step that needs the goods reserved
    # ------------------------------------------------------------

    def _free_deal_on_request(self):
        deal = self._deal("Free", scenario_id=self.free_form.id)
        self.step(self.free_form, "request").require_reserved = True
        return deal

    def test_step_holds_people_until_reserved(self):
        deal = self._free_deal_on_request()
        message = r"Reserve the goods of this deal before it leaves Request \(reserved: none\)\."
        with self.assertRaisesRegex(UserError, message):
            self._move(deal, "commercial_proposal")
        order = self._confirmed_order(deal, 8)
        message = r"before it leaves Request \(reserved: partial\)\."
        # The move dialog, the drop of the card on a column, a plain write of the stage: refused
        # for the salesperson and the head alike.
        for user in (self.salesperson, self.head):
            with self.assertRaisesRegex(UserError, message):
                self._move(deal, "commercial_proposal", user=user)
            with self.assertRaisesRegex(UserError, message):
                deal.with_user(user).action_drop_on_stage(self.stage("commercial_proposal").id)
            with self.assertRaises(UserError):
                deal.with_user(user).write({"stage_id": self.stage("commercial_proposal").id})
        dialog = self.env["crm.lead.stage.move"].with_user(self.salesperson)
        self.assertFalse(dialog._allowed_steps(deal.with_user(self.salesperson)))
        self.assertEqual(deal.stage_id, self.stage("request"))

        self._receive(3)
        self._commit_documents()
        self._move(deal, "commercial_proposal")
        self.assertEqual(deal.stage_id, self.stage("commercial_proposal"))
        self.assertEqual(order.picking_ids.move_ids.quantity, 8)

    def test_delivered_goods_may_leave(self):
        deal = self._free_deal_on_request()
        order = self._confirmed_order(deal, 3)
        self._deliver(order)
        self._commit_documents()
        self.assertEqual(self._state(deal), "delivered")
        self._move(deal, "agreement")
        self.assertEqual(deal.stage_id, self.stage("agreement"))

    def test_moving_back_is_always_allowed(self):
        deal = self._deal("Free", scenario_id=self.free_form.id)
        self._put_on(deal, "agreement")
        self.step(self.free_form, "agreement").require_reserved = True
        with self.assertRaisesRegex(UserError, "before it leaves Agreement"):
            self._move(deal, "won")
        self._move(deal, "commercial_proposal")
        self.assertEqual(deal.stage_id, self.stage("commercial_proposal"))

    def test_documents_are_not_held(self):
        """The engine moves an automatic deal on its documents: a payment moves it on from a
        step that asks for reserved goods, reserved or not."""
        self._own_typical_sale()
        deal = self._deal("Typical", primary_demand="Drills")
        self.step(self.typical, "payment").require_reserved = True
        order = self._confirmed_order(deal, 8)
        self.assertEqual(deal.stage_id, self.stage("payment"))
        self.assertEqual(self._state(deal), "partial")
        self._pay(self._invoice(order))
        self._commit_documents()
        self.assertEqual(deal.stage_id, self.stage("shipment"), "paid: on to the shipment")
        self.assertEqual(
            fields.first(deal.stage_log_ids.sorted("id", reverse=True)).stage_id,
            self.stage("shipment"),
        )
