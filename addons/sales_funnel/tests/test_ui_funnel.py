from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestFunnelScreen(HttpCase, SalesFunnelCommon):
    def test_head_reads_filters_and_opens_the_funnel(self):
        """Last month, in the middle of the month (whatever the time zone): two deals of
        Sally's closed, one of Oscar's lost, one of Sally's still open."""
        oscar = new_test_user(
            self.env, login="oscar_funnel", name="Oscar Funnel",
            groups="base.group_user,sales_funnel.group_active_sales_salesperson",
        )  # fmt: skip
        self._own_typical_sale()
        month = fields.Date.today().replace(day=1) - relativedelta(months=1)

        def day(number):
            return f"{month.replace(day=number)} 12:00"

        self._deal_with_history("Sally won it", self.salesperson, [
            ("lead_rating", day(5), day(6), "won", 900, "won"),
            ("won", day(6), None, None, 900, None),
        ])  # fmt: skip
        self._deal_with_history("Sally lost it", self.salesperson, [
            ("lead_rating", day(5), day(8), "moved", 0, None),
            ("presentation", day(8), day(12), "lost", 400, "presentation"),
        ])  # fmt: skip
        self._deal_with_history("Oscar lost it", oscar, [
            ("lead_rating", day(6), day(9), "lost", 100, "lead_rating"),
        ])  # fmt: skip
        self.start_tour(
            "/odoo/action-sales_funnel.action_sales_funnel_report",
            "sales_funnel_report",
            login=self.head.login,
        )
