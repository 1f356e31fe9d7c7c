from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount

from .crm_scenario_step import TRIGGERS

HEALTH = [("green", "On track"), ("yellow", "Due today"), ("red", "Hanging")]
# Half a cent: what separates "paid" from "almost paid" after rounding.
PAID_TOLERANCE = 0.005
# precommit data key: deals whose documents changed in the current transaction.
PENDING_SYNC = "sales_funnel.pending_sync"


class DocumentFacts:
    """Where a deal's documents stand, as read in one query by ``_sf_document_facts``."""

    __slots__ = ("confirmed", "delivered", "order_total", "paid_amount", "sent", "untaxed")

    def __init__(
        self,
        *,
        sent=False,
        confirmed=False,
        order_total=0.0,
        untaxed=0.0,
        paid=0.0,
        delivered=False,
    ):
        self.sent = sent
        self.confirmed = confirmed
        self.order_total = order_total
        self.untaxed = untaxed
        self.paid_amount = paid
        self.delivered = delivered

    @property
    def paid(self):
        return self.confirmed and self.paid_amount >= self.order_total - PAID_TOLERANCE

    def satisfies(self, trigger):
        return {
            "quotation_sent": self.sent,
            "order_confirmed": self.confirmed,
            "invoice_paid": self.paid,
            "delivered": self.confirmed and self.delivered,
        }.get(trigger, False)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Scenario
    scenario_id = fields.Many2one(
        "crm.scenario",
        compute="_compute_scenario_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    scenario_mode = fields.Selection(
        related="scenario_id.transition_mode", string="Transition mode"
    )
    scenario_step_id = fields.Many2one(
        "crm.scenario.step",
        compute="_compute_scenario_step_id",
        store=True,
        index=True,
        string="Step",
    )
    allowed_stage_ids = fields.Many2many(
        "crm.stage",
        compute="_compute_allowed_stage_ids",
        help="Stages the status bar shows: the scenario's steps, or the team's stages.",
    )
    primary_demand = fields.Text(help="What the client needs, in their words.")

    # Funnel history
    stage_log_ids = fields.One2many("crm.stage.log", "lead_id", string="Stage history")

    # Discipline
    health = fields.Selection(
        HEALTH,
        compute="_compute_health",
        search="_search_health",
        help="Green: no overdue activity. Yellow: an activity is due today. "
        "Red: an activity is overdue or nothing is planned (a hanging deal).",
    )

    # Loss approval
    loss_approval_state = fields.Selection(
        [("pending", "Waiting for approval"), ("approved", "Approved")],
        copy=False,
        tracking=True,
        readonly=True,
    )

    # Documents (display)
    payment_progress = fields.Float(
        compute="_compute_document_progress",
        string="Paid (%)",
        help="Payments against the confirmed orders.",
    )
    delivery_done = fields.Boolean(compute="_compute_document_progress", string="Delivered")

    @api.depends("team_id")
    def _compute_scenario_id(self):
        for lead in self:
            if lead.team_id.scenario_id and not lead.scenario_id:
                lead.scenario_id = lead.team_id.scenario_id
            elif not lead.scenario_id:
                lead.scenario_id = self.env.context.get("default_scenario_id") or False

    def _compute_stage_id(self):
        # A new deal of a scenario starts on the scenario's first step.
        for lead in self.filtered(lambda lead: not lead.stage_id and lead.scenario_id):
            lead.stage_id = lead.scenario_id._first_step().stage_id
        return super()._compute_stage_id()

    @api.depends("scenario_id.step_ids.stage_id", "stage_id")
    def _compute_scenario_step_id(self):
        for lead in self:
            lead.scenario_step_id = (
                lead.scenario_id._step_for_stage(lead.stage_id) if lead.scenario_id else False
            )

    @api.depends("scenario_id", "team_id")
    def _compute_allowed_stage_ids(self):
        scenario_only = self.env["crm.scenario"]._scenario_only_stages()
        stages_by_team = {}
        for lead in self:
            if lead.scenario_id:
                lead.allowed_stage_ids = lead.scenario_id.stage_ids
                continue
            if lead.team_id not in stages_by_team:
                stages_by_team[lead.team_id] = (
                    self.env["crm.stage"].search(
                        ["|", ("team_id", "=", False), ("team_id", "=", lead.team_id.id)]
                    )
                    - scenario_only
                )
            lead.allowed_stage_ids = stages_by_team[lead.team_id]

    @api.depends("activity_state", "active", "stage_id.is_won", "type")
    def _compute_health(self):
        for lead in self:
            if not lead._sf_is_open():
                lead.health = False
            elif lead.activity_state in ("overdue", False):
                lead.health = "red"
            elif lead.activity_state == "today":
                lead.health = "yellow"
            else:
                lead.health = "green"

    def _search_health(self, operator, value):
        if operator not in ("=", "in"):
            raise UserError(self.env._("Deal health can only be searched for given colours."))
        colours = {value} if operator == "=" else set(value)
        activity_states = {
            "red": ["overdue", False],
            "yellow": ["today"],
            "green": ["planned"],
        }
        states = [state for colour in colours for state in activity_states.get(colour, [])]
        return [
            ("type", "=", "opportunity"),
            ("active", "=", True),
            ("stage_id.is_won", "=", False),
            ("activity_state", "in", states),
        ]

    def _compute_document_progress(self):
        facts = self._sf_document_facts() if self.ids else {}
        for lead in self:
            fact = facts.get(lead.id) if lead.id else None
            if fact and fact.confirmed:
                total = fact.order_total
                lead.payment_progress = (
                    min(100.0, 100.0 * fact.paid_amount / total) if total else 100.0
                )
                lead.delivery_done = fact.delivered
            else:
                lead.payment_progress = 0.0
                lead.delivery_done = False

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        tracked = leads.filtered(lambda lead: lead._sf_tracked())
        self.env["crm.stage.log"]._open_visits(tracked)
        tracked._sf_plan_entry_activities()
        return leads

    def write(self, vals):
        if "stage_id" in vals and not self.env.su:
            self._sf_check_direct_move(vals["stage_id"])
        leaving = self._sf_leaving(vals)
        result = super().write(vals)
        if leaving:
            self._sf_log_transition(leaving, vals)
        return result

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        """A scenario's own steps, in step order, when the view is about one scenario."""
        context = self.env.context
        scenario = self.env["crm.scenario"].browse(context.get("default_scenario_id"))
        if not scenario and context.get("default_team_id"):
            scenario = self.env["crm.team"].browse(context["default_team_id"]).scenario_id
        if not scenario:
            # Scenario stages stay out of other pipelines unless a deal sits in them.
            scenario_stages = self.env["crm.scenario"]._scenario_only_stages()
            return (
                super()
                ._read_group_stage_ids(stages, domain)
                .filtered(lambda stage: stage in stages or stage not in scenario_stages)
            )
        return (scenario.step_ids.stage_id | stages).sorted(
            lambda stage: (stage.sequence, stage.id)
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_move_wizard(self, stage_id=False):
        """The move dialog (buttons and kanban drag alike)."""
        self.ensure_one()
        if not self.scenario_id:
            raise UserError(
                self.env._("Deal %(deal)s has no scenario: choose one first.", deal=self.name)
            )
        target = (
            self.scenario_id._step_for_stage(self.env["crm.stage"].browse(stage_id))
            if stage_id
            else False
        )
        if not target:
            target = self._sf_next_step()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Move the deal"),
            "res_model": "crm.lead.stage.move",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_lead_id": self.id,
                "default_step_id": target.id if target else False,
            },
        }

    def action_set_won_rainbowman(self):
        # Closing won asks for the result of the last activity, like any move (seed 002).
        if len(self) == 1 and self.scenario_id and self.type == "opportunity":
            won = self.scenario_id._won_step()
            if won:
                return self.action_open_move_wizard(won.stage_id.id)
        return super().action_set_won_rainbowman()

    def action_set_lost(self, **additional_values):
        if not additional_values.get("lost_reason_id") and self.filtered(
            lambda lead: lead.scenario_id and lead.type == "opportunity"
        ):
            raise UserError(self.env._("Give the reason why the deal is lost."))
        result = super().action_set_lost(**additional_values)
        self._sf_request_loss_approval()
        return result

    def action_unarchive(self):
        pending = self.filtered("loss_approval_state")
        pending.sudo()._sf_finish_approval_activity(self.env._("Deal restored"))
        pending.sudo().write({"loss_approval_state": False})
        return super().action_unarchive()

    def action_approve_loss(self):
        self._sf_check_head()
        for lead in self.filtered(lambda lead: lead.loss_approval_state == "pending"):
            lead.sudo()._sf_finish_approval_activity(self.env._("Loss approved"))
            lead.sudo().loss_approval_state = "approved"
            lead.message_post(
                body=self.env._("Loss approved by %(user)s.", user=self.env.user.name)
            )
        return True

    def action_return_deal(self):
        self.ensure_one()
        self._sf_check_head()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return the deal"),
            "res_model": "crm.lead.loss.return",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    # ------------------------------------------------------------
    # BUSINESS: moves
    # ------------------------------------------------------------

    def _sf_is_open(self):
        self.ensure_one()
        return self.type == "opportunity" and self.active and not self.stage_id.is_won

    def _sf_tracked(self):
        return self.type == "opportunity" and self.active

    def _sf_steps(self):
        return self.scenario_id.step_ids

    def _sf_next_step(self):
        self.ensure_one()
        steps = self._sf_steps()
        if self.scenario_step_id not in steps:
            return steps[:1]
        index = list(steps).index(self.scenario_step_id)
        return steps[index + 1] if index + 1 < len(steps) else self.env["crm.scenario.step"]

    def _sf_check_direct_move(self, stage_id):
        """People move scenario deals through the move dialog, which records the activity result."""
        moved = self.filtered(
            lambda lead: (
                lead.scenario_id and lead.type == "opportunity" and lead.stage_id.id != stage_id
            )
        )
        if moved:
            raise UserError(
                self.env._(
                    "Deal %(deal)s follows the scenario %(scenario)s: move it with the Move button "
                    "or by dragging its card, so that the result of the current activity is recorded "
                    "and the next one planned.",
                    deal=moved[0].name,
                    scenario=moved[0].scenario_id.name,
                )
            )

    def _check_can_move_to(self, step):
        """Refuse, in the user's language, a move the scenario does not allow."""
        self.ensure_one()
        if step.scenario_id != self.scenario_id:
            raise UserError(
                self.env._(
                    "%(stage)s is not a step of the scenario %(scenario)s.",
                    stage=step.stage_id.name,
                    scenario=self.scenario_id.name,
                )
            )
        if step == self.scenario_step_id:
            raise UserError(
                self.env._("The deal is already on the step %(step)s.", step=step.stage_id.name)
            )
        self._check_can_leave_step()
        if step.is_won:
            self._check_can_close_won()
            return
        if self.scenario_id.transition_mode == "manual":
            return
        if step != self._sf_next_step():
            raise UserError(
                self.env._(
                    "In the scenario %(scenario)s deals go forward one step at a time: "
                    "from %(current)s the next step is %(next)s.",
                    scenario=self.scenario_id.name,
                    current=self.stage_id.name,
                    next=self._sf_next_step().stage_id.name or self.env._("none"),
                )
            )
        if step.trigger and not self._sf_document_facts().get(self.id, DocumentFacts()).satisfies(
            step.trigger
        ):
            raise UserError(
                self.env._(
                    "The deal enters %(step)s by itself when this happens: %(trigger)s.",
                    step=step.stage_id.name,
                    trigger=dict(TRIGGERS)[step.trigger],
                )
            )

    def _check_can_leave_step(self):
        self.ensure_one()
        step = self.scenario_step_id
        missing = [
            field.field_description for field in step.required_field_ids if not self[field.name]
        ]
        if (
            self.scenario_id.require_primary_demand
            and step == self.scenario_id._first_step()
            and not self.primary_demand
        ):
            missing.append(self._fields["primary_demand"].get_description(self.env)["string"])
        if missing:
            raise UserError(
                self.env._(
                    "Fill in before leaving %(step)s: %(fields)s.",
                    step=self.stage_id.name,
                    fields=", ".join(missing),
                )
            )

    def _check_can_close_won(self):
        """Close-won check (seed 002): a client, 100% paid and 100% delivered."""
        self.ensure_one()
        problems = []
        if not self.partner_id:
            problems.append(self.env._("the deal has no customer"))
        facts = self._sf_document_facts().get(self.id, DocumentFacts())
        if not facts.confirmed:
            if self.scenario_id.transition_mode == "auto":
                problems.append(self.env._("the deal has no confirmed order"))
        else:
            if not facts.paid:
                currency = self.order_ids.filtered(lambda o: o.state == "sale")[:1].currency_id
                problems.append(
                    self.env._(
                        "the confirmed orders are paid %(paid)s of %(total)s",
                        paid=format_amount(self.env, facts.paid_amount, currency),
                        total=format_amount(self.env, facts.order_total, currency),
                    )
                )
            if not facts.delivered:
                problems.append(self.env._("the confirmed orders are not fully delivered"))
        if problems:
            raise UserError(
                self.env._(
                    "Deal %(deal)s cannot be won yet: %(problems)s.",
                    deal=self.name,
                    problems="; ".join(problems),
                )
            )

    def _sf_move(self, step):
        """Move to a step after the user's move passed the checks; writes as the engine."""
        self.sudo().write(self._sf_stage_values(step))

    def _sf_stage_values(self, step):
        values = {"stage_id": step.stage_id.id}
        if not step.is_won and step.probability:
            values["probability"] = step.probability
        return values

    def _sf_leaving(self, vals):
        """Deals whose stage visit ends with this write, with the outcome of that visit."""
        if "stage_id" not in vals and "active" not in vals:
            return {}
        new_stage = self.env["crm.stage"].browse(vals.get("stage_id"))
        leaving = {}
        for lead in self.filtered(lambda lead: lead.type == "opportunity"):
            if "active" in vals and bool(vals["active"]) != lead.active:
                leaving[lead] = "lost" if lead.active else "reopened"
            elif lead.active and "stage_id" in vals and lead.stage_id != new_stage:
                leaving[lead] = "won" if new_stage.is_won and not lead.stage_id.is_won else "moved"
        return leaving

    def _sf_log_transition(self, leaving, vals):
        log = self.env["crm.stage.log"]
        by_outcome = defaultdict(self.browse)
        for lead, outcome in leaving.items():
            by_outcome[outcome] |= lead
        for outcome in ("moved", "won", "lost"):
            log._close_visits(by_outcome[outcome], outcome)
        entered = by_outcome["moved"] | by_outcome["won"] | by_outcome["reopened"]
        log._open_visits(entered)
        if "stage_id" in vals:
            (by_outcome["moved"] | by_outcome["won"])._sf_plan_entry_activities()

    def _sf_plan_entry_activities(self):
        values = []
        today = fields.Date.context_today(self)
        for lead in self:
            step = lead.scenario_step_id
            if not step or not lead.scenario_id.plan_activities:
                continue
            for template in step.activity_ids:
                values.append(
                    {
                        "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                        "res_id": lead.id,
                        "activity_type_id": template.activity_type_id.id,
                        "summary": template.summary or template.activity_type_id.summary,
                        "date_deadline": today + timedelta(days=template.days),
                        "user_id": template._responsible_for(lead).id,
                        "automated": True,
                    }
                )
        if values:
            # quick_update: no e-mail per activity; the owner sees them in the systray.
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                values
            )

    # ------------------------------------------------------------
    # BUSINESS: the engine driven by documents
    # ------------------------------------------------------------

    def _sf_document_facts(self):
        """Facts about the orders, invoices, payments and deliveries of these deals, in one query.

        "Paid" is measured against the confirmed orders' total: the payments reconciled with
        their posted customer invoices (down payments included); credit notes do not pay.
        """
        for model, names in (
            (
                "sale.order",
                ["state", "amount_total", "amount_untaxed", "currency_rate", "opportunity_id"],
            ),
            (
                "sale.order.line",
                ["qty_delivered", "product_uom_qty", "qty_delivered_method", "invoice_lines"],
            ),
            ("account.move", ["state", "move_type"]),
            ("account.move.line", ["display_type", "move_id"]),
            (
                "account.partial.reconcile",
                ["debit_amount_currency", "debit_move_id", "credit_move_id"],
            ),
        ):
            self.env[model].flush_model(names)
        self.env.cr.execute(
            SQL(
                """
            WITH orders AS (
                SELECT so.opportunity_id AS lead_id,
                       bool_or(so.state IN ('sent', 'sale')) AS sent,
                       bool_or(so.state = 'sale') AS confirmed,
                       COALESCE(SUM(so.amount_total) FILTER (WHERE so.state = 'sale'), 0) AS total,
                       COALESCE(SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                                FILTER (WHERE so.state = 'sale'), 0) AS untaxed
                  FROM sale_order so
                 WHERE so.opportunity_id = ANY(%(ids)s)
              GROUP BY so.opportunity_id
            ), invoices AS (
                SELECT DISTINCT so.opportunity_id AS lead_id, inv_line.move_id
                  FROM sale_order so
                  JOIN sale_order_line sol ON sol.order_id = so.id
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                  JOIN account_move_line inv_line ON inv_line.id = rel.invoice_line_id
                  JOIN account_move inv ON inv.id = inv_line.move_id
                 WHERE so.opportunity_id = ANY(%(ids)s) AND so.state = 'sale'
                   AND inv.state = 'posted' AND inv.move_type = 'out_invoice'
            ), paid AS (
                SELECT invoices.lead_id, SUM(apr.debit_amount_currency) AS amount
                  FROM invoices
                  JOIN account_move_line term ON term.move_id = invoices.move_id
                                             AND term.display_type = 'payment_term'
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = term.id
                  JOIN account_move_line counterpart ON counterpart.id = apr.credit_move_id
                  JOIN account_move payment_move ON payment_move.id = counterpart.move_id
                 WHERE payment_move.move_type != 'out_refund'
              GROUP BY invoices.lead_id
            ), undelivered AS (
                SELECT DISTINCT so.opportunity_id AS lead_id
                  FROM sale_order so
                  JOIN sale_order_line sol ON sol.order_id = so.id
                 WHERE so.opportunity_id = ANY(%(ids)s) AND so.state = 'sale'
                   AND sol.display_type IS NULL AND sol.qty_delivered_method = 'stock_move'
                   AND sol.product_uom_qty - sol.qty_delivered > 0.00001
            )
            SELECT orders.lead_id, orders.sent, orders.confirmed, orders.total, orders.untaxed,
                   COALESCE(paid.amount, 0), undelivered.lead_id IS NULL
              FROM orders
         LEFT JOIN paid ON paid.lead_id = orders.lead_id
         LEFT JOIN undelivered ON undelivered.lead_id = orders.lead_id
            """,
                ids=list(self.ids),
            )
        )
        return {
            lead_id: DocumentFacts(
                sent=sent,
                confirmed=confirmed,
                order_total=total,
                untaxed=untaxed,
                paid=paid,
                delivered=delivered,
            )
            for lead_id, sent, confirmed, total, untaxed, paid, delivered in self.env.cr.fetchall()
        }

    @api.model
    def _sf_schedule_sync(self, lead_ids=(), moves=None):
        """Re-evaluate these deals (and those invoiced by ``moves``) once, just before the
        transaction commits.

        Document actions call this as often as they like (once per payment of a 100-invoice
        batch, say) without a query: the deals are collected and synchronised in one pass,
        so the cost does not grow with the number of documents, and a failure rolls back
        with the document that caused it."""
        data = self.env.cr.precommit.data
        if PENDING_SYNC not in data:
            data[PENDING_SYNC] = {"leads": set(), "moves": set()}
            self.env.cr.precommit.add(self.browse()._sf_run_scheduled_sync)
        data[PENDING_SYNC]["leads"].update(lead_id for lead_id in lead_ids if lead_id)
        if moves:
            data[PENDING_SYNC]["moves"].update(moves.ids)

    def _sf_run_scheduled_sync(self):
        pending = self.env.cr.precommit.data.pop(PENDING_SYNC, None)
        if not pending:
            return
        moves = self.env["account.move"].browse(pending["moves"])
        self._sf_sync_with_documents(pending["leads"] | moves._sf_opportunity_ids())
        # precommit runs after the main flush: flush what the moves changed.
        self.env.flush_all()

    @api.model
    def _sf_sync_with_documents(self, lead_ids):
        """Re-evaluate deals after their documents changed: move each auto-scenario deal to the
        step its documents now point to, forward or back, and follow the orders' revenue.

        A constant number of queries for any number of deals; runs as the engine, after the
        user's own document action passed Odoo's access checks."""
        leads = (
            self.sudo()
            .browse(set(lead_ids))
            .exists()
            .filtered(lambda lead: lead.type == "opportunity" and lead.active)
        )
        if not leads:
            return
        facts = leads._sf_document_facts()
        leads._sf_follow_order_revenue(facts)
        moves = defaultdict(lambda: self.sudo().browse())
        notes = {}
        for lead in leads.filtered(lambda lead: lead.scenario_id.transition_mode == "auto"):
            target, reason = lead._sf_document_step(facts.get(lead.id, DocumentFacts()))
            if target and target != lead.scenario_step_id:
                moves[target] |= lead
                notes[lead.id] = reason
        for step, step_leads in moves.items():
            # The engine's own batch note below tells the chatter; tracking would post one
            # message per deal.
            step_leads.with_context(mail_notrack=True).write(step_leads._sf_stage_values(step))
        if notes:
            self.sudo().browse(notes)._message_log_batch(notes)

    def _sf_follow_order_revenue(self, facts):
        # Once a deal has confirmed orders its expected revenue is their untaxed total.
        for lead in self:
            fact = facts.get(lead.id)
            if fact and fact.confirmed:
                revenue = (
                    lead.company_currency.round(fact.untaxed)
                    if lead.company_currency
                    else fact.untaxed
                )
                if lead.expected_revenue != revenue:
                    lead.expected_revenue = revenue

    def _sf_document_step(self, facts):
        """The step the documents point to and why, or (False, None) to stay."""
        self.ensure_one()
        steps = list(self._sf_steps())
        current = self.scenario_step_id
        position = steps.index(current) if current in steps else -1

        def reached(step):
            if step.is_won:
                return facts.confirmed and facts.paid and facts.delivered and self.partner_id
            return step.trigger and facts.satisfies(step.trigger)

        # A deal past a document gate it no longer satisfies (payment reversed, order cancelled)
        # goes back to the last step its documents still support.
        gates = [i for i, step in enumerate(steps[: position + 1]) if step.trigger or step.is_won]
        if gates and not reached(steps[gates[-1]]):
            gate = gates[-1]
            back = next(
                (steps[i] for i in reversed(range(gate)) if steps[i].trigger and reached(steps[i])),
                steps[gate - 1] if gate else None,
            )
            if back:
                return back, Markup("<p>%s</p>") % self.env._(
                    "Moved back to %(step)s: %(trigger)s no longer holds (payment reversed, "
                    "order cancelled or goods returned).",
                    step=back.stage_id.name,
                    trigger=dict(TRIGGERS).get(steps[gate].trigger)
                    or self.env._("paid and delivered"),
                )
        forward = next((i for i in reversed(range(len(steps))) if reached(steps[i])), None)
        if forward is not None and forward > position:
            step = steps[forward]
            return step, Markup("<p>%s</p>") % self.env._(
                "Moved to %(step)s by its documents: %(trigger)s.",
                step=step.stage_id.name,
                trigger=dict(TRIGGERS).get(step.trigger)
                if not step.is_won
                else self.env._("paid and delivered"),
            )
        return False, None

    # ------------------------------------------------------------
    # BUSINESS: loss approval
    # ------------------------------------------------------------

    def _sf_check_head(self):
        if not self.env.user.has_group("sales_funnel.group_active_sales_head"):
            raise AccessError(
                self.env._("Only the head of sales approves losses or returns lost deals.")
            )

    def _sf_request_loss_approval(self):
        to_approve = self.filtered(
            lambda lead: (
                not lead.active and lead.scenario_id.loss_approval and lead.type == "opportunity"
            )
        )
        if not to_approve:
            return
        to_approve.sudo().write({"loss_approval_state": "pending"})
        values = [
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": lead.id,
                "activity_type_id": self.env.ref(
                    "sales_funnel.mail_activity_type_loss_approval"
                ).id,
                "summary": self.env._(
                    "Approve the loss: %(reason)s", reason=lead.lost_reason_id.name or "-"
                ),
                "date_deadline": fields.Date.context_today(self),
                "user_id": (lead.team_id.user_id or lead.user_id or self.env.user).id,
                "automated": True,
            }
            for lead in to_approve
        ]
        self.env["mail.activity"].sudo().with_context(active_test=False).create(values)

    def _sf_return_from_loss(self, step, message):
        """Restore a lost deal on one of its steps; its lost visit no longer counts as a loss."""
        self.ensure_one()
        lost_visit = self.stage_log_ids.filtered(lambda visit: visit.outcome == "lost")[:1]
        self._sf_finish_approval_activity(self.env._("Deal returned"))
        self.write({"loss_approval_state": False})
        self.action_unarchive()
        if step != self.scenario_step_id:
            self._sf_move(step)
        lost_visit.write({"outcome": "moved"})
        self.message_post(body=message, partner_ids=self.user_id.partner_id.ids)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Continue the returned deal"),
            user_id=(self.user_id or self.env.user).id,
        )

    def _sf_won_effect(self):
        message = self._get_rainbowman_message()
        if not message:
            return {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.act_window_close",
            "effect": {"fadeout": "slow", "message": message, "type": "rainbow_man"},
        }

    def _sf_finish_approval_activity(self, feedback):
        approval_type = self.env.ref("sales_funnel.mail_activity_type_loss_approval")
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", approval_type.id),
            ]
        )
        activities.action_feedback(feedback=feedback)

    # ------------------------------------------------------------
    # BUSINESS: hanging deals
    # ------------------------------------------------------------

    @api.model
    def _cron_hanging_deals_digest(self):
        """Daily: send each team leader the team's hanging deals (red health)."""
        hanging = self.sudo().search([("health", "=", "red"), ("scenario_id", "!=", False)])
        template = self.env.ref("sales_funnel.mail_template_hanging_deals")
        for team in hanging.team_id.filtered(lambda team: team.user_id.email):
            template.send_mail(team.id)
        return hanging

    # ------------------------------------------------------------
    # DEMO
    # ------------------------------------------------------------

    @api.model
    def _sf_demo_pipeline(self, team_xmlid, product_xmlids, deals):
        """Demo data: play deals through the team's scenario with real documents, then spread
        each deal's stage history over the past ``days`` so the funnel tells a story."""
        team = self.env.ref(team_xmlid)
        steps = team.scenario_id.step_ids
        goods, service = (self.env.ref(xmlid) for xmlid in product_xmlids)
        now = fields.Datetime.now()
        for spec in deals:
            reached = spec["step"]
            lead = self.create(
                {
                    "name": spec["name"],
                    "type": "opportunity",
                    "partner_id": self.env.ref(spec["partner"]).id,
                    "user_id": self.env.ref(spec["user"]).id,
                    "team_id": team.id,
                    "primary_demand": spec["demand"],
                    "expected_revenue": spec.get("revenue", 0.0),
                }
            )
            order = self.env["sale.order"]
            for position, step in enumerate(steps[1:reached], start=2):
                lead.activity_ids.action_feedback(feedback=self.env._("Done"))
                if step.trigger == "quotation_sent":
                    product = service if reached == len(steps) else goods
                    order = self.env["sale.order"].create(
                        {
                            "partner_id": lead.partner_id.id,
                            "opportunity_id": lead.id,
                            "team_id": team.id,
                            "user_id": lead.user_id.id,
                            "order_line": [
                                (
                                    0,
                                    0,
                                    {
                                        "product_id": product.id,
                                        "product_uom_qty": spec.get("qty", 5),
                                    },
                                )
                            ],
                        }
                    )
                    order.action_quotation_sent()
                elif step.trigger == "order_confirmed":
                    order.action_confirm()
                elif step.trigger == "invoice_paid":
                    invoice = order._create_invoices()
                    invoice.action_post()
                    self.env["account.payment.register"].with_context(
                        active_model="account.move", active_ids=invoice.ids
                    ).create({})._create_payments()
                if step.trigger:
                    self._sf_run_scheduled_sync()
                elif position <= reached and step != lead.scenario_step_id:
                    lead.write(lead._sf_stage_values(step))
            if spec.get("lost"):
                lead.activity_ids.action_feedback(feedback=self.env._("The client said no"))
                lead.action_set_lost(lost_reason_id=self.env.ref(spec["lost"]).id)
                if spec.get("approved"):
                    lead.action_approve_loss()
            if spec.get("health") == "overdue":
                lead.activity_ids.date_deadline = fields.Date.today() - timedelta(days=3)
            elif spec.get("health") == "nothing":
                lead.activity_ids.unlink()
            visits = lead.with_context(active_test=False).stage_log_ids.sorted("id")
            for index, visit in enumerate(visits):
                remaining = len(visits) - index
                visit.write(
                    {
                        "date_in": now - timedelta(days=spec["days"] * remaining / len(visits)),
                        "date_out": visit.date_out
                        and now - timedelta(days=spec["days"] * (remaining - 1) / len(visits)),
                    }
                )
