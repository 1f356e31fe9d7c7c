from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


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
        values = super().default_get(fields_list)
        if "line_ids" in fields_list:
            values["line_ids"] = [Command.create(line) for line in self._proposed_lines()]
        return values

    def _proposed_lines(self):
        to_hand_over = self._clients_to_hand_over()
        held_too_long = self._clients_held_too_long()
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_ids"):
            clients = self.env["res.partner"].browse(context["active_ids"])._clients()
        else:
            clients = to_hand_over | held_too_long
        return [
            self.env["active.sales.client.handover.line"]._proposal(
                client, "handover" if client in to_hand_over
                else "held_too_long" if client in held_too_long else "chosen"
            )
            for client in clients.sorted(lambda client: (client.user_id.name or "", client.name))
        ]  # fmt: skip

    @api.model
    def _clients_to_hand_over(self):
        """Clients still with the hunter who found them who now buy and have a farmer:
        regular ones, and new ones past the company's days a hunter may hold them."""
        limit = fields.Date.context_today(self) - timedelta(
            days=self.env.company.active_sales_max_new_days
        )
        clients = self.env["res.partner"].search(
            [
                ("parent_id", "=", False),
                ("user_id", "!=", False),
                ("farmer_id", "!=", False),
                "|",
                ("client_status", "=", "regular"),
                "&",
                ("client_status", "=", "new"),
                ("client_status_date", "<", limit),
            ]
        )
        return clients.filtered(
            lambda client: client.user_id == client.hunter_id != client.farmer_id
        )

    @api.model
    def _clients_held_too_long(self):
        """Potential clients their salesperson has held longer than the company allows."""
        limit = fields.Date.context_today(self) - timedelta(
            days=self.env.company.active_sales_max_potential_days
        )
        return self.env["res.partner"].search(
            [
                ("parent_id", "=", False),
                ("user_id", "!=", False),
                ("client_status", "=", "potential"),
                ("salesperson_since", "<", limit),
            ]
        )

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
