from odoo import fields
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.receivables.tests import menus
from odoo.addons.receivables.tests.menus import MenuWalkMixin
from odoo.addons.sales_funnel.tests.common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestMenusPerRole(SalesFunnelCommon, MenuWalkMixin):
    """Every menu of the three addons, as each role and as an employee with no sales or
    accounting right: what each reaches, and that each screen opens."""

    def test_every_menu_of_the_three_addons(self):
        employee = mail_new_test_user(self.env, login="as_employee", groups="base.group_user")
        salesperson = menus.SALESPERSON_MENUS | {
            "sales_funnel.menu_deals_in_fulfilment",
            "sales_funnel.menu_crm_team_pipelines",
            "sales_funnel.menu_crm_stage_log",
            "sales_funnel.menu_sales_funnel_report",
            "sales_funnel.menu_deal_reservations_sales",
            "sales_funnel.menu_sale_proposal_report_crm",
            "active_sales.menu_client_base",
            "active_sales.menu_client_potentials",
            "active_sales.menu_potential_report",
            "active_sales.menu_client_report_summary",
            "active_sales.menu_client_report_contact",
            "active_sales.menu_client_report_qualification",
        }
        head = (
            menus.HEAD_MENUS
            | salesperson
            | {
                "sales_funnel.menu_losses_to_approve",
                "sales_funnel.menu_crm_scenario",
                "sales_funnel.menu_crm_funnel_plan",
                "sales_funnel.menu_sale_proposal_report_sale",
                "active_sales.menu_client_handover",
                "active_sales.menu_client_report_overdue",
                "active_sales.menu_client_portrait",
            }
        )
        self.assertMenusOpen(
            ["sales_funnel", "active_sales", "receivables"],
            {
                self.salesperson: salesperson,
                self.head: head,
                self.accountant: menus.ACCOUNTANT_MENUS,
                self.warehouse_user: {"sales_funnel.menu_deal_reservations"},
                employee: set(),
            },
        )

    def _open_client_action(self, action, user):
        if action.tag == "active_sales.client_report":
            # What the client base screen asks when it opens: this month's report.
            today = fields.Date.today()
            report = action.params["report"]
            self.env["active.sales.client.report"].with_user(user).get_report(
                report, today.replace(day=1), today
            )
            return
        self.assertEqual(action.tag, "sales_funnel.funnel_report")
        # What the funnel screen asks when it opens: this month's funnel of the first scenario.
        scenario = self.env["crm.scenario"].with_user(user).search([], limit=1)
        today = fields.Date.today()
        funnel = (
            self.env["crm.funnel.report"]
            .with_user(user)
            .get_funnel(scenario.id, today.replace(day=1), today, by_salesperson=True)
        )
        self.assertEqual(len(funnel["steps"]), len(scenario.step_ids))
