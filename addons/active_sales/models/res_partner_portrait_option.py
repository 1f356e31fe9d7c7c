from odoo import fields, models

from .res_partner import ABC_CLASSES


class ResPartnerPortraitOption(models.Model):
    """One of the answers a choice question offers; it may put a client who never bought
    in an ABC class."""

    _name = "res.partner.portrait.option"
    _description = "Client portrait option"
    _order = "question_id, sequence, id"

    question_id = fields.Many2one(
        "res.partner.portrait.question", required=True, index=True, ondelete="cascade"
    )
    name = fields.Char("Option", required=True, translate=True)
    sequence = fields.Integer(default=10)
    abc_class = fields.Selection(
        ABC_CLASSES,
        string="ABC class",
        help="The class of a client who never bought and gives this answer (the best of "
        "their answers' classes).",
    )
