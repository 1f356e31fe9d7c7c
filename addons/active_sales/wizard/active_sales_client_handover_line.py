from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.res_partner_status_log import CLIENT_STATUSES

HANDOVER_ACTIONS = [
    ("keep", "Leave as is"),
    ("assign", "To a salesperson"),
    ("team", "To a team's queue"),
    ("release", "Out of the sales department"),
    ("archive", "Archive"),
]


class ActiveSalesClientHandoverLine(models.TransientModel):
    """One client of the review, and where the head of sales sends them."""

    _name = "active.sales.client.handover.line"
    _description = "Client to hand over or reassign"

    wizard_id = fields.Many2one("active.sales.client.handover", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Client", required=True, readonly=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    client_status = fields.Selection(CLIENT_STATUSES, readonly=True)
    days_held = fields.Integer("Days held", readonly=True)
    reason = fields.Selection(
        [
            ("handover", "Buys: to the farmer"),
            ("held_too_long", "Potential, held too long"),
            ("chosen", "Chosen"),
        ],
        readonly=True,
    )
    action = fields.Selection(HANDOVER_ACTIONS, required=True, default="keep")
    new_user_id = fields.Many2one(
        "res.users", string="New salesperson", domain=[("share", "=", False)]
    )
    team_id = fields.Many2one("crm.team")

    @api.model
    def _proposal(self, client, reason):
        """A handover goes to the client's farmer; the head decides the rest."""
        today = fields.Date.context_today(self)
        return {
            "partner_id": client.id,
            "client_status": client.client_status,
            "days_held": client.salesperson_since and (today - client.salesperson_since).days,
            "reason": reason,
            "action": "assign" if reason == "handover" else "keep",
            "new_user_id": client.farmer_id.id if reason == "handover" else False,
        }

    @api.constrains("partner_id")
    def _check_partner_is_a_client(self):
        clients = self.partner_id._sales_clients()
        if any(
            line.partner_id.commercial_partner_id != line.partner_id
            or line.partner_id not in clients
            for line in self
        ):
            raise ValidationError(
                self.env._("Only clients are handed over: not their contacts, users or companies.")
            )

    @api.constrains("new_user_id")
    def _check_new_user_works_in_sales(self):
        if any(line.new_user_id and (line.new_user_id.share or not line.new_user_id.active)
               for line in self):  # fmt: skip
            raise ValidationError(
                self.env._("A client goes to an active internal user, not a portal one.")
            )

    @api.onchange("action")
    def _onchange_action(self):
        if self.action != "assign":
            self.new_user_id = False
        if self.action != "team":
            self.team_id = False

    def _has_target(self):
        return {"assign": self.new_user_id, "team": self.team_id}.get(self.action, True)

    def _apply(self):
        client = self.partner_id.with_context(client_move=self._move())
        if self.action == "archive":
            client.write({"active": False})
        else:
            client.write({"user_id": self.new_user_id.id, "client_team_id": self.team_id.id})

    def _move(self):
        if self.action == "assign":
            handover = self.new_user_id == self.partner_id.farmer_id
            return "handover" if handover else "reassign"
        return self.action
