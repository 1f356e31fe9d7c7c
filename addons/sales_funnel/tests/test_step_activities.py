from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestStepActivities(SalesFunnelCommon):
    """A step's own activities end when the deal leaves the step, whatever moved it; what
    the engine writes on a deal is in the language of whom it is for."""

    def setUp(self):
        super().setUp()
        self._put_on(self.deal, "agreement")
        self.order = self._quotation_for(self.deal, qty=2)

    def _summaries(self, deal):
        return deal.activity_ids.mapped("summary")

    def test_documents_close_the_activities_they_answer(self):
        own = self.deal.with_user(self.salesperson).activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Send the catalogue",
            user_id=self.salesperson.id,
        )
        self.order.with_user(self.salesperson).action_confirm()
        self._commit_documents()
        self.assertIn("What about the payment?", self._summaries(self.deal))
        self._pay(self._invoice(self.order))
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("shipment"))
        self.assertNotIn("What about the payment?", self._summaries(self.deal), "answered")
        self.assertIn("Deliver the paid goods", self._summaries(self.deal))
        self.assertIn(own, self.deal.activity_ids, "the user's own activity stays")
        note = self.deal.message_ids.filtered(
            lambda message: "Done on leaving Payment" in (message.body or "")
        )
        self.assertIn("What about the payment?", note.body)

        self._deliver(self.order)
        self._commit_documents()
        self.assertEqual(self.deal.stage_id, self.stage("won"))
        self.assertNotIn("Deliver the paid goods", self._summaries(self.deal))

    def test_the_dialog_closes_the_steps_other_activities(self):
        deal = self._deal(primary_demand="Drills")
        extra = (
            self.env["mail.activity"]
            .search([("res_model", "=", "crm.lead"), ("res_id", "=", deal.id)])
            .copy({"summary": "Second qualification call"})
        )
        self.assertEqual(extra.scenario_step_id, deal.scenario_step_id)
        self._move(deal, "meeting_preparation", result="Qualified")
        self.assertEqual(self._summaries(deal), ["Prepare the meeting"])

    def test_expected_revenue_follows_quotations_then_orders(self):
        deal = self._deal(primary_demand="Drills")
        self.assertEqual(deal.expected_revenue, 0.0)
        quotation = self._quotation_for(deal, qty=3)
        self._commit_documents()
        self.assertEqual(deal.expected_revenue, 300.0, "the quotation's untaxed amount")
        quotation.order_line.product_uom_qty = 4
        self._commit_documents()
        self.assertEqual(deal.expected_revenue, 400.0, "the quotation changed")
        variant = self._quotation_for(deal, qty=2)
        self._commit_documents()
        self.assertEqual(deal.expected_revenue, 200.0, "the newest variant")
        quotation.with_user(self.salesperson).action_confirm()
        self._commit_documents()
        self.assertEqual(deal.expected_revenue, 400.0, "the confirmed order, not the variant")
        variant.with_user(self.salesperson).action_cancel()
        self._commit_documents()
        self.assertEqual(deal.expected_revenue, 400.0)

    def test_engine_writes_in_the_language_of_whom_it_is_for(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"].search(
            [("name", "in", ("sales_funnel", "crm", "mail"))]
        )._update_translations(["ru_RU"])
        self.salesperson.lang = "ru_RU"
        self.accountant.lang = "en_US"
        self.order.with_user(self.salesperson).action_confirm()
        self._commit_documents()
        self._pay(self._invoice(self.order), user=self.accountant)
        self._commit_documents()
        moved = self.deal.message_ids.filtered(lambda message: "Отгрузка" in (message.body or ""))
        self.assertTrue(moved, "the accountant's payment moves the deal; the note is in Russian")
        self.assertNotIn("Moved to", moved[0].body)
        deliver = self._activities(self.deal, "sales_funnel.mail_activity_type_deliver")
        self.assertNotEqual(
            deliver.summary, "Deliver the paid goods", "in the salesperson's Russian"
        )

    def test_losses_to_approve_listed_from_the_activity_menu(self):
        deal = self._deal(primary_demand="Drills")
        self._lose(deal)
        self.assertEqual(deal.loss_approval_state, "pending")
        self.assertEqual(deal.lost_note, "They chose a cheaper supplier")
        groups = self.env["res.users"].with_user(self.head)._get_activity_groups()
        [deals] = [group for group in groups if group["model"] == "crm.lead"]
        listed = (
            self.env["crm.lead"]
            .with_user(self.head)
            .search([("activity_user_id", "=", self.head.id), *deals["domain"]])
        )
        self.assertIn(deal, listed, "the lost deal waiting for approval is listed")
        self.assertEqual(len(listed), deals["total_count"] + deals["planned_count"])
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_funnel.action_losses_to_approve"
        )
        list_view = self.env["ir.ui.view"].browse(action["views"][0][0])
        self.assertIn("lost_note", list_view.arch)
        self.assertIn("lost_reason_id", list_view.arch)
