from odoo import fields, models

CLIENT_MOVES = [
    ("assign", "Assigned"),
    ("handover", "Handed over to the farmer"),
    ("reassign", "Reassigned"),
    ("team", "Passed to another team"),
    ("release", "Taken out of the sales department"),
    ("archive", "Archived"),
    ("restore", "Restored"),
]


class ResPartnerAssignmentLog(models.Model):
    """Every move of a client between salespeople, teams and the archive: who held the
    client, who holds it now, why, and who decided (``create_uid``)."""

    _name = "res.partner.assignment.log"
    _description = "Client move"
    _order = "create_date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, ondelete="cascade"
    )
    move = fields.Selection(CLIENT_MOVES, required=True)
    old_user_id = fields.Many2one("res.users", string="From salesperson", index=True)
    new_user_id = fields.Many2one("res.users", string="To salesperson", index=True)
    team_id = fields.Many2one("crm.team", string="To team")
    client_status = fields.Selection(related="partner_id.client_status")
    days_held = fields.Integer(help="Days the client had spent with the previous salesperson.")
