from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.receivables.tests.menus import MenuWalkMixin
from odoo.addons.sales_funnel.tests.common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestMenusPerRole(SalesFunnelCommon, MenuWalkMixin):
    """Every menu of the three addons, as each role and as an employee with no sales or
    accounting right: what each reaches, and that each screen opens."""

    def test_every_menu_of_the_three_addons(self):
        employee = mail_new_test_user(self.env, login="as_employee", groups="base.group_user")
        salesperson = {
            "sales_funnel.menu_deals_in_fulfilment",
            "sales_funnel.menu_crm_team_pipelines",
            "sales_funnel.menu_crm_stage_log",
            "active_sales.menu_client_base",
            "receivables.menu_crm_receivables_aging",
            "receivables.menu_crm_payment_calendar",
        }
        self.assertMenusOpen(
            ["sales_funnel", "active_sales", "receivables"],
            {
                self.salesperson: salesperson,
                self.head: salesperson
                | {
                    "sales_funnel.menu_losses_to_approve",
                    "sales_funnel.menu_crm_scenario",
                    "receivables.menu_crm_receivables_aging_pdf",
                    "receivables.menu_crm_open_receivables",
                    "receivables.menu_crm_overdue_losses",
                    "receivables.menu_crm_receivables_notify",
                },
                self.accountant: {
                    "receivables.menu_receivables_aging",
                    "receivables.menu_receivables_aging_pdf",
                    "receivables.menu_payment_calendar_invoicing",
                    "receivables.menu_open_receivables",
                    "receivables.menu_receivables_notify",
                },
                self.warehouse_user: {"sales_funnel.menu_deal_reservations"},
                employee: set(),
            },
        )
