from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user


@tagged("post_install", "-at_install")
class TestClientReportScreens(HttpCase):
    def test_head_reads_the_funnel_and_reassigns_a_stale_client(self):
        today = fields.Date.context_today(self.env["res.partner"])
        hunter, farmer = (
            mail_new_test_user(
                self.env,
                login=login,
                name=name,
                groups="base.group_user,sales_funnel.group_active_sales_salesperson",
            )  # fmt: skip
            for login, name in (("tour_hunter", "Harry Hunter"), ("tour_farmer", "Fred Farmer"))
        )
        head = mail_new_test_user(
            self.env, login="tour_head", name="Helen Head",
            groups="base.group_user,sales_funnel.group_active_sales_head",
        )  # fmt: skip
        stale = self.env["res.partner"].create(
            {"name": "Stale Client", "is_company": True, "user_id": hunter.id}
        )
        stale.sudo().salesperson_since = today - timedelta(
            days=self.env.company.active_sales_max_potential_days + 1
        )
        self.env["res.partner.potential"].create(
            {
                "partner_id": stale.id,
                "year": today.year,
                "line_ids": [
                    (0, 0, {"product_categ_id": self.env.ref("product.product_category_all").id,
                            "amount": 5000})
                ],
            }
        )  # fmt: skip
        self.start_tour(
            "/odoo/action-active_sales.action_client_report_summary",
            "active_sales_client_reports",
            login=head.login,
        )
        self.assertEqual(stale.user_id, farmer)
        self.assertEqual(stale.client_assignment_log_ids.sorted("id")[-1:].move, "reassign")
