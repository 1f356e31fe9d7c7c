from odoo import api, fields, models

ANSWER_TYPES = [("text", "Text"), ("choice", "Choice"), ("number", "Number")]
# What a client's qualification is decided on: a change of any of these re-decides it.
QUALIFYING_FIELDS = frozenset(("required_for_qualification", "active", "answer_type"))


class ResPartnerPortraitQuestion(models.Model):
    """A question of the company's client portrait, set by the head of sales: a salesperson
    qualifies a new client by answering the portrait's questions about them."""

    _name = "res.partner.portrait.question"
    _description = "Client portrait question"
    _order = "sequence, id"

    name = fields.Char("Question", required=True, translate=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    answer_type = fields.Selection(
        ANSWER_TYPES,
        required=True,
        default="text",
        help="Text: the salesperson writes the answer; choice: they pick one of the options; "
        "number: they give a number (0 is no answer).",
    )
    option_ids = fields.One2many(
        "res.partner.portrait.option", "question_id", string="Options", copy=True
    )
    required_for_qualification = fields.Boolean(
        help="A client is qualified once every question required for qualification of their "
        "company's portrait is answered.",
    )
    help = fields.Text(
        translate=True, help="What the salesperson should find out, shown with the question."
    )

    @api.model_create_multi
    def create(self, vals_list):
        questions = super().create(vals_list)
        self._decide_portraits(questions.filtered("required_for_qualification").company_id)
        return questions

    def write(self, vals):
        result = super().write(vals)
        if QUALIFYING_FIELDS & vals.keys():
            self._decide_portraits(self.company_id)
        return result

    def unlink(self):
        companies = self.company_id
        result = super().unlink()
        self._decide_portraits(companies)
        return result

    @api.model
    def _decide_portraits(self, companies):
        """Decide again the portrait of every client who answered a question of these
        companies: a client without an answer cannot be qualified."""
        if not companies:
            return
        answers = self.env["res.partner.portrait.answer"].sudo()
        answers._decide_portrait(answers.search([("company_id", "in", companies.ids)]).partner_id)
