from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL


class ActiveSalesClientHandover(models.TransientModel):
    """The head of sales' review of who holds which client: clients who became buyers go
    from the hunter who found them to their farmer; potential clients a salesperson has held
    too long go to another salesperson, a team's queue, out of the sales department or to
    the archive. Opened on selected clients, it proposes exactly those."""

    _name = "active.sales.client.handover"
    _description = "Hand over and reassign clients"

    line_ids = fields.One2many("active.sales.client.handover.line", "wizard_id", string="Clients")

    @api.model
    def default_get(self, fields_list):
        # The proposal lists every salesperson's clients: the head of sales' alone, even
        # before the review is saved (which the access rights refuse to others).
        if not self.env.su and not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only the head of sales reviews who holds the clients."))
        values = super().default_get(fields_list)
        if "line_ids" in fields_list:
            values["line_ids"] = [Command.create(line) for line in self._proposed_lines()]
        return values

    def _proposed_lines(self):
        overdue = self._overdue_clients()
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_ids"):
            clients = self.env["res.partner"].browse(self._chosen_ids())._clients()
            clients = clients._sales_clients()
        else:
            clients = overdue
        return [
            self.env["active.sales.client.handover.line"]._proposal(
                client, self._reason(client) if client in overdue else "chosen"
            )
            for client in clients.sorted(lambda client: (client.user_id.name or "", client.name))
        ]

    @api.model
    def _chosen_ids(self):
        """The clients the head selected (``active_ids``), as ids."""
        ids = self.env.context["active_ids"]
        if not isinstance(ids, list) or not all(
            isinstance(id_, int) and not isinstance(id_, bool) for id_ in ids
        ):
            raise UserError(self.env._("Choose the clients to review from the client list."))
        return ids

    @api.model
    def _overdue_clients(self):
        """The clients held too long today (see ``res.partner._overdue_sql``)."""
        partners = self.env["res.partner"]
        overdue = SQL(
            "(SELECT client.id FROM res_partner client WHERE %s)",
            partners._overdue_sql(fields.Date.context_today(self)),
        )
        return partners.search(
            [("parent_id", "=", False), ("user_id", "!=", False), ("id", "in", overdue)]
        )

    @api.model
    def _reason(self, client):
        return "held_too_long" if client.client_status == "potential" else "handover"

    def action_apply(self):
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.action != "keep")
        incomplete = lines.filtered(lambda line: not line._has_target())
        if incomplete:
            raise UserError(
                self.env._(
                    "Choose where these clients go: %(clients)s",
                    clients=", ".join(incomplete.partner_id.mapped("display_name")),
                )
            )
        for line in lines:
            line._apply()
        return {"type": "ir.actions.act_window_close"}
