from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import formatLang


class ResPartnerPortraitAnswer(models.Model):
    """A client's answer to a question of the portrait. The answers decide whether the client
    is qualified, and the ABC class of a client who never bought."""

    _name = "res.partner.portrait.answer"
    _description = "Client portrait answer"
    _order = "partner_id, question_id, id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    # Restricted: a question or an option in use is archived, not deleted, so that no
    # answer disappears without the client's qualification being decided again.
    question_id = fields.Many2one(
        "res.partner.portrait.question", required=True, index=True, ondelete="restrict"
    )
    answer_type = fields.Selection(related="question_id.answer_type")
    company_id = fields.Many2one(related="question_id.company_id", store=True, index=True)
    value_text = fields.Char("Text")
    option_id = fields.Many2one(
        "res.partner.portrait.option",
        ondelete="restrict",
        domain="[('question_id', '=', question_id)]",
    )
    value_number = fields.Float("Number")
    value_display = fields.Char("Answer", compute="_compute_value_display")
    is_answered = fields.Boolean(
        "Answered",
        compute="_compute_is_answered",
        store=True,
        help="Given in the question's type: a text that is not blank, an option, a number "
        "other than 0 (an emptied number reads 0).",
    )

    _sql_constraints = [
        (
            "partner_question_uniq",
            "unique(partner_id, question_id)",
            "A client answers each question of the portrait once: edit the answer given.",
        ),
    ]

    @api.depends("answer_type", "value_text", "option_id", "value_number")
    def _compute_is_answered(self):
        for answer in self:
            answer.is_answered = bool(
                (answer.answer_type == "text" and (answer.value_text or "").strip())
                or (answer.answer_type == "choice" and answer.option_id)
                or (answer.answer_type == "number" and answer.value_number)
            )

    @api.depends("answer_type", "value_text", "option_id", "value_number", "is_answered")
    def _compute_value_display(self):
        for answer in self:
            if not answer.is_answered:
                answer.value_display = False
            elif answer.answer_type == "choice":
                answer.value_display = answer.option_id.name
            elif answer.answer_type == "number":
                number = answer.value_number
                answer.value_display = formatLang(
                    self.env, number, digits=0 if number.is_integer() else 2
                )
            else:
                answer.value_display = answer.value_text

    @api.depends("question_id", "value_display")
    def _compute_display_name(self):
        for answer in self:
            answer.display_name = f"{answer.question_id.name or ''}: {answer.value_display or ''}"

    @api.constrains("partner_id")
    def _check_partner_is_client(self):
        if any(answer.partner_id.commercial_partner_id != answer.partner_id for answer in self):
            raise ValidationError(
                self.env._(
                    "The portrait is a client's (a company, or a person on their own), "
                    "not one of a client's contacts."
                )
            )

    @api.constrains("question_id", "option_id")
    def _check_option_of_question(self):
        if any(
            answer.option_id and answer.option_id.question_id != answer.question_id
            for answer in self
        ):
            raise ValidationError(self.env._("An answer's option is one of its question's."))

    @api.model_create_multi
    def create(self, vals_list):
        answers = super().create(vals_list)
        self._decide_portrait(answers.partner_id)
        return answers

    def write(self, vals):
        self._check_client_kept(vals)
        clients = self.partner_id
        result = super().write(vals)
        self._decide_portrait(clients | self.partner_id)
        return result

    def _check_client_kept(self, vals):
        """An answer stays with the client it was given for: moved to another client, it
        would qualify them behind the access rules of both."""
        if "partner_id" in vals and any(
            answer.partner_id.id != vals["partner_id"] for answer in self
        ):
            raise UserError(
                self.env._("A portrait answer stays with its client: answer for the other one.")
            )

    def unlink(self):
        clients = self.partner_id
        result = super().unlink()
        self._decide_portrait(clients)
        return result

    # ------------------------------------------------------------
    # THE DECISIONS
    # ------------------------------------------------------------

    @api.model
    def _decide_portrait(self, clients):
        """Decide from every answer of these clients, whoever may read it, their
        qualification (see ``_qualification_values``) and, for those who never bought,
        their ABC class: the best class of their answers' options, none without one (the
        nightly ranking decides the same; only these clients' classes depend on their
        answers, so deciding them here spares ranking the whole company at each answer).
        Each decision is written on the client and their contacts, who share it."""
        clients = clients.sudo().exists()
        if not clients:
            return
        # Two answers given at once each see the other missing and decide no change: the
        # second must replay on the first's answer.
        clients._serialise_client_decisions()
        answers = (
            self.sudo()
            .search(
                [
                    ("partner_id", "in", clients.ids),
                    ("is_answered", "=", True),
                    ("question_id.active", "=", True),
                ]
            )
            .grouped("partner_id")
        )
        companies = self._portrait_companies(clients)
        required = (
            self.env["res.partner.portrait.question"]
            .sudo()
            .search(
                [
                    ("required_for_qualification", "=", True),
                    ("company_id", "in", list({company.id for company in companies.values()})),
                ]
            )
            .grouped("company_id")
        )
        no_question = self.env["res.partner.portrait.question"]
        today = fields.Date.context_today(self)
        decided = {}
        for client in clients:
            given = answers.get(client, self.browse())
            values = self._qualification_values(
                client, required.get(companies[client], no_question), given, today
            )
            if client.client_status == "potential":
                classes = filter(None, given.option_id.mapped("abc_class"))
                values["abc_class"] = min(classes, default=False)
            changed = tuple(
                sorted((name, value) for name, value in values.items() if client[name] != value)
            )
            if changed:
                decided.setdefault(changed, []).append(client.id)
        partners = self.env["res.partner"].sudo().with_context(active_test=False)
        for values, client_ids in decided.items():
            partners.search([("commercial_partner_id", "in", client_ids)]).write(dict(values))

    @api.model
    def _qualification_values(self, client, required, given, today):
        """A client is qualified once they answered every question of their company's
        portrait required for qualification (a portrait requires at least one); the day
        they are and the days it took stay while they are. A client loses the qualification
        when a required answer is removed or emptied, or a new question is required: the
        date is reset, and a new qualification is dated anew."""
        if not required or required - given.question_id:
            return {"is_qualified": False, "qualified_date": False, "qualification_days": 0}
        if client.is_qualified:
            return {}
        # From the later of the client's creation and the day their current salesperson got
        # them: a handed-over client is the new salesperson's to qualify, the days the
        # previous one held them without doing it are not the new one's.
        created = fields.Date.context_today(self, client.create_date)
        start = max(created, client.salesperson_since or created)
        return {
            "is_qualified": True,
            "qualified_date": today,
            "qualification_days": (today - start).days,
        }

    @api.model
    def _portrait_companies(self, clients):
        """{client: the company whose portrait is theirs}: their company, or the main
        company for a shared client, as the ABC ranking counts them."""
        main_company = self.env["res.partner"]._shared_clients_company()
        return {client: client.company_id or main_company for client in clients}

    @api.model
    def _fill_in_portrait(self, clients):
        """Empty answers for these clients to every active question of their portrait they
        have not answered yet, for the salesperson to fill in."""
        clients = clients.commercial_partner_id
        companies = self._portrait_companies(clients)
        questions = (
            self.env["res.partner.portrait.question"]
            .search([("company_id", "in", list({company.id for company in companies.values()}))])
            .grouped("company_id")
        )
        no_question = self.env["res.partner.portrait.question"]
        answered = self.sudo().search([("partner_id", "in", clients.ids)]).grouped("partner_id")
        self.create(
            [
                {"partner_id": client.id, "question_id": question.id}
                for client in clients
                for question in questions.get(companies[client], no_question)
                - answered.get(client, self.browse()).question_id
            ]
        )
