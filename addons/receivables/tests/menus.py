from odoo.tools.safe_eval import safe_eval

# The receivables menus each role reaches (the salesperson's are within the head's).
SALESPERSON_MENUS = {
    "receivables.menu_crm_receivables_aging",
    "receivables.menu_crm_payment_calendar",
}
HEAD_MENUS = SALESPERSON_MENUS | {
    "receivables.menu_crm_receivables_aging_pdf",
    "receivables.menu_crm_open_receivables",
    "receivables.menu_crm_overdue_losses",
    "receivables.menu_crm_receivables_notify",
}
ACCOUNTANT_MENUS = {
    "receivables.menu_receivables_aging",
    "receivables.menu_receivables_aging_pdf",
    "receivables.menu_payment_calendar_invoicing",
    "receivables.menu_open_receivables",
    "receivables.menu_receivables_notify",
}


class MenuWalkMixin:
    """Opens the menus of addons as a user does in the web client: the menus the user can
    reach (visible with every ancestor), each action's views and first page of records,
    wizards created and run, reports rendered. For test cases of any addon."""

    def assertMenusOpen(self, modules, expected):
        """``expected``: {user: set of menu xml ids (module.name) with an action}."""
        menus = self.env["ir.ui.menu"].browse(
            self.env["ir.model.data"]
            .search([("module", "in", modules), ("model", "=", "ir.ui.menu")])
            .mapped("res_id")
        )
        for user, names in expected.items():
            reachable = self._reachable_menus(menus, user).filtered("action")
            with self.subTest(user=user.login):
                self.assertEqual(set(reachable.get_external_id().values()), names)
            for menu in reachable:
                with self.subTest(user=user.login, menu=menu.complete_name):
                    self._open_action(menu.action.sudo(), user)

    def _reachable_menus(self, menus, user):
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        return menus.filtered(
            lambda menu: all(
                int(menu_id) in visible for menu_id in menu.parent_path.split("/")[:-1]
            )
        )

    def _open_action(self, action, user):
        if action._name == "ir.actions.client":
            self._open_client_action(action, user)
            return
        context = safe_eval(action.context or "{}", {"uid": user.id, "active_id": False})
        model = self.env[action.res_model].with_user(user).with_context(**context)
        if action.target == "new":
            wizard = model.create({})
            for button in ("action_select", "action_open", "action_print"):
                if hasattr(wizard, button):
                    result = getattr(wizard, button)()
                    if result.get("type") == "ir.actions.report":
                        self._render_report(result, user)
            return
        domain = safe_eval(action.domain or "[]", {"uid": user.id})
        modes = action.view_mode.split(",")
        views = model.get_views([(False, mode) for mode in modes] + [(False, "search")])
        self.assertTrue(views["views"])
        model.web_search_read(domain, {"display_name": {}}, limit=80)
        model._read_group(domain, [], ["__count"])

    def _open_client_action(self, action, user):
        """What the screen behind a client action asks the server: tests of addons with
        client actions in their menus say it."""
        self.fail(f"No server calls known for the client action {action.tag}")

    def _render_report(self, report_action, user):
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(report_action["report_name"], None, data=report_action.get("data"))
        )
        self.assertTrue(html)
