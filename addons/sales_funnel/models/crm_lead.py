from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, create_index, format_amount
from odoo.tools.sql import column_exists

from .document_facts import DocumentFacts

HEALTH = [("green", "On track"), ("yellow", "Due today"), ("red", "Hanging")]
RESERVATION_STATES = [
    ("none", "None"),
    ("partial", "Partial"),
    ("reserved", "Reserved"),
    ("delivered", "Delivered"),
]
# precommit data key: deals whose documents changed in the current transaction.
PENDING_SYNC = "sales_funnel.pending_sync"
# A write that touches none of these cannot open or close a stage visit.
VISIT_FIELDS = ("stage_id", "active", "type", "scenario_id", "team_id", "user_id", "company_id")
# Per deal: quotation sent, order confirmed, the confirmed orders' total and untaxed amount and
# what was paid of them (company currency, each order at its own rate), fully delivered, and
# the untaxed amount of its newest open quotation; its storable goods still to deliver, reserved
# and delivered.
DOCUMENT_FACTS_QUERY = """
    WITH orders AS (
        SELECT so.opportunity_id AS lead_id,
               bool_or(so.state IN ('sent', 'sale')) AS sent,
               bool_or(so.state = 'sale') AS confirmed,
               COALESCE(SUM(so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1))
                        FILTER (WHERE so.state = 'sale'), 0) AS total,
               COALESCE(SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                        FILTER (WHERE so.state = 'sale'), 0) AS untaxed,
               (array_agg(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)
                          ORDER BY so.id DESC)
                    FILTER (WHERE so.state IN ('draft', 'sent')))[1] AS quoted
          FROM sale_order so
         WHERE so.opportunity_id = ANY(%(ids)s)
      GROUP BY so.opportunity_id
    ), billed AS (
        -- What each confirmed order contributes to each posted invoice (invoice currency).
        SELECT so.opportunity_id AS lead_id, inv.id AS move_id, inv.amount_total AS invoice_total,
               COALESCE(NULLIF(so.currency_rate, 0), 1) AS rate,
               SUM(inv_line.price_total) AS contribution
          FROM sale_order so
          JOIN sale_order_line sol ON sol.order_id = so.id
          JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
          JOIN account_move_line inv_line ON inv_line.id = rel.invoice_line_id
          JOIN account_move inv ON inv.id = inv_line.move_id
         WHERE so.opportunity_id = ANY(%(ids)s) AND so.state = 'sale'
           AND inv.state = 'posted' AND inv.move_type = 'out_invoice'
      GROUP BY so.opportunity_id, so.id, inv.id
    ), invoice_payments AS (
        SELECT term.move_id, SUM(apr.debit_amount_currency) AS amount
          FROM account_move_line term
          JOIN account_partial_reconcile apr ON apr.debit_move_id = term.id
          JOIN account_move_line counterpart ON counterpart.id = apr.credit_move_id
          JOIN account_move payment_move ON payment_move.id = counterpart.move_id
         WHERE term.move_id IN (SELECT move_id FROM billed)
           AND term.display_type = 'payment_term'
           AND payment_move.move_type != 'out_refund'
      GROUP BY term.move_id
    ), paid AS (
        SELECT billed.lead_id,
               SUM(billed.contribution * payments.amount / billed.invoice_total / billed.rate)
                   AS amount
          FROM billed
          JOIN invoice_payments payments ON payments.move_id = billed.move_id
         WHERE billed.invoice_total != 0
      GROUP BY billed.lead_id
    ), undelivered AS (
        SELECT DISTINCT so.opportunity_id AS lead_id
          FROM sale_order so
          JOIN sale_order_line sol ON sol.order_id = so.id
         WHERE so.opportunity_id = ANY(%(ids)s) AND so.state = 'sale'
           AND sol.display_type IS NULL AND sol.qty_delivered_method = 'stock_move'
           AND sol.product_uom_qty - sol.qty_delivered > 0.00001
    ), goods AS (
        -- Storable goods of the confirmed orders on their way to the client: a move's
        -- ``quantity`` is what is reserved for it until it is done; in the products' units.
        SELECT so.opportunity_id AS lead_id,
               COALESCE(SUM(sm.product_qty) FILTER (WHERE sm.state != 'done'), 0) AS to_deliver,
               COALESCE(SUM(LEAST(sm.quantity, sm.product_uom_qty) / sm.product_uom_qty
                            * sm.product_qty) FILTER (WHERE sm.state != 'done'), 0) AS reserved,
               bool_or(sm.state = 'done') AS delivered
          FROM sale_order so
          JOIN sale_order_line sol ON sol.order_id = so.id
          JOIN stock_move sm ON sm.sale_line_id = sol.id
          JOIN stock_location dest ON dest.id = sm.location_dest_id
          JOIN product_product product ON product.id = sm.product_id
          JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
         WHERE so.opportunity_id = ANY(%(ids)s) AND so.state = 'sale'
           AND sm.state != 'cancel' AND sm.product_uom_qty > 0
           AND dest.usage = 'customer' AND tmpl.is_storable
      GROUP BY so.opportunity_id
    )
    SELECT orders.lead_id, orders.sent, orders.confirmed, orders.total, orders.untaxed,
           COALESCE(paid.amount, 0), undelivered.lead_id IS NULL, orders.quoted,
           COALESCE(goods.to_deliver, 0), COALESCE(goods.reserved, 0),
           COALESCE(goods.delivered, FALSE)
      FROM orders
 LEFT JOIN paid ON paid.lead_id = orders.lead_id
 LEFT JOIN undelivered ON undelivered.lead_id = orders.lead_id
 LEFT JOIN goods ON goods.lead_id = orders.lead_id
"""


@dataclass(frozen=True)
class FunnelPosition:
    """Where a deal stood before a write: what the write changed tells which visits it
    ended or began."""

    in_funnel: bool
    active: bool
    type: str
    stage: models.BaseModel
    scenario: models.BaseModel
    holder: tuple

    @property
    def won(self):
        return self.in_funnel and self.stage.is_won


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
    lost_note = fields.Text(
        "Closing note",
        copy=False,
        readonly=True,
        help="What the salesperson wrote when closing the deal lost, for whoever approves it.",
    )

    # Documents (display)
    payment_progress = fields.Float(
        compute="_compute_document_progress",
        string="Paid (%)",
        help="Payments against the confirmed orders.",
    )
    delivery_done = fields.Boolean(compute="_compute_document_progress", string="Delivered")
    reservation_state = fields.Selection(
        RESERVATION_STATES,
        string="Goods reserved",
        default="none",
        readonly=True,
        copy=False,
        help="The storable goods of the confirmed orders still to deliver: none reserved, "
        "partly or fully reserved in the warehouse, or all delivered. Kept by the engine "
        "as the warehouse reserves and delivers.",
    )

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
            if not lead._is_open_deal():
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
        facts = self._document_facts() if self.ids else {}
        for lead in self:
            fact = facts.get(lead.id, DocumentFacts()) if lead.id else DocumentFacts()
            lead.payment_progress = fact.paid_percent
            lead.delivery_done = fact.has_confirmed_order and fact.is_delivered

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    def _auto_init(self):
        new_column = not column_exists(self.env.cr, self._table, "reservation_state")
        result = super()._auto_init()
        if new_column:
            # Deals already in fulfilment when the addon comes: their goods may be reserved.
            self._fill_reservation_state()
        return result

    @api.model
    def _fill_reservation_state(self):
        """Set the reservation state of every deal with a confirmed order. Written in SQL:
        this runs while the module installs, where a write's side effects have no place."""
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT opportunity_id FROM sale_order "
                "WHERE state = 'sale' AND opportunity_id IS NOT NULL"
            )
        )
        deals = self.browse(deal_id for [deal_id] in self.env.cr.fetchall())
        if not deals:
            return
        by_state = defaultdict(list)
        for deal_id, facts in deals._document_facts().items():
            by_state[facts.reservation_state].append(deal_id)
        for state, deal_ids in by_state.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_lead SET reservation_state = %s WHERE id = ANY(%s)",
                    state,
                    deal_ids,
                )
            )
        self.browse().invalidate_model(["reservation_state"])

    def init(self):
        result = super().init()
        # A pipeline column lists its first cards in the deals' order (priority, newest):
        # with hundreds of thousands of deals on a step, from an index rather than a sort.
        create_index(
            self.env.cr,
            "crm_lead_pipeline_cards",
            self._table,
            ["stage_id", "priority DESC", "id DESC"],
            where="active AND type = 'opportunity'",
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        in_funnel = leads.filtered(lambda lead: lead._is_in_funnel())
        in_funnel._align_with_scenario()
        if not self.env.su:
            in_funnel._check_can_start_on_step()
        self.env["crm.stage.log"]._open_visits(in_funnel)
        in_funnel._plan_entry_activities()
        return leads

    def write(self, vals):
        if not self.env.su:
            self._check_user_write(vals)
        positions = self._funnel_positions() if any(f in vals for f in VISIT_FIELDS) else None
        result = super().write(vals)
        if positions is not None:
            self._enter_funnel_on_scenario_steps(positions)
            self._log_visit_changes(positions)
        if "expected_revenue" in vals:
            self.env["crm.stage.log"]._follow_revenue(self)
        return result

    def unlink(self):
        self.env["crm.stage.log"]._keep_after_deletion(self)
        return super().unlink()

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        """A scenario's pipeline has exactly its steps as columns, in step order, empty ones
        included (every step a deal may be dragged to), whatever the stages' own sequence;
        the deals it shows are that scenario's (see ``crm.team._scenario_pipeline_context``).
        Other pipelines are Odoo's, without the stages only scenarios use unless a deal sits
        in one."""
        scenario = self.env["crm.scenario"]._of_pipeline(domain)
        if scenario:
            return scenario._pipeline_stages()
        scenario_stages = self.env["crm.scenario"]._scenario_only_stages()
        return (
            super()
            ._read_group_stage_ids(stages, domain)
            .filtered(lambda stage: stage in stages or stage not in scenario_stages)
        )

    def _merge_data(self, fnames=None):
        data = super()._merge_data(fnames)
        # Merging is not moving: the surviving scenario deal (the first, the most advanced)
        # keeps its step, and its documents decide the rest once the orders are merged.
        survivor = self[:1]
        if survivor.scenario_id and "stage_id" in data:
            data["stage_id"] = survivor.stage_id.id
        return data

    def _merge_dependences(self, opportunities):
        if not self.env.su:
            opportunities._check_can_merge()
        result = super()._merge_dependences(opportunities)
        # Their history passes to this deal when they are deleted, which Odoo's own flows
        # do after the merge; a merged deal kept (auto_unlink=False) keeps its own.
        self.env["crm.stage.log"]._note_merge(self, opportunities)
        return result

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
        self._check_not_lost()
        target = (
            self.scenario_id._step_for_stage(self.env["crm.stage"].browse(stage_id))
            if stage_id
            else False
        )
        if not target:
            target = self._next_scenario_step()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Move the deal"),
            "res_model": "crm.lead.stage.move",
            "view_mode": "form",
            # A complete descriptor: the web client's doAction needs ``views`` (only
            # /web/dataset/call_button fills them in from ``view_mode``).
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_lead_id": self.id,
                "default_step_id": target.id if target else False,
            },
        }

    def action_drop_on_stage(self, stage_id):
        """A card dragged onto a stage's column in the pipeline: the move dialog for that
        step, or the scenario's refusal at once, before any dialog (a step skipped, a step
        its documents open, a column that is not a step of the deal's scenario)."""
        action = self.action_open_move_wizard(stage_id)
        stage = self.env["crm.stage"].browse(stage_id)
        step = self.scenario_id._step_for_stage(stage)
        if not step:
            raise UserError(
                self.env._(
                    "%(stage)s is not a step of the scenario %(scenario)s.",
                    stage=stage.name,
                    scenario=self.scenario_id.name,
                )
            )
        self._check_can_move_to(step)
        return action

    def action_set_won_rainbowman(self):
        # Closing won asks for the result of the last activity, like any move.
        if len(self) == 1 and self._is_scenario_deal():
            won = self.scenario_id._won_step()
            if won:
                return self.action_open_move_wizard(won.stage_id.id)
        return super().action_set_won_rainbowman()

    def action_set_lost(self, **additional_values):
        scenario_deals = self.filtered(lambda lead: lead._is_scenario_deal())
        if scenario_deals and not additional_values.get("lost_reason_id"):
            raise UserError(self.env._("Give the reason why the deal is lost."))
        if scenario_deals:
            # The reason first: archiving a scenario deal without one is refused.
            scenario_deals.write(additional_values)
        return super().action_set_lost(**additional_values)

    def action_unarchive(self):
        if not self.env.su:
            self._check_can_reopen()
        pending = self.filtered("loss_approval_state")
        pending.sudo()._finish_approval_activity(self.env._("Deal restored"))
        pending.sudo().write({"loss_approval_state": False})
        return super().action_unarchive()

    def action_approve_loss(self):
        self._check_is_head(self.env._("Only the head of sales approves losses."))
        for lead in self.filtered(lambda lead: lead.loss_approval_state == "pending"):
            lead.sudo()._finish_approval_activity(self.env._("Loss approved"))
            lead.sudo().loss_approval_state = "approved"
            lead.message_post(
                body=self.env._("Loss approved by %(user)s.", user=self.env.user.name)
            )
        return True

    def action_return_deal(self):
        self.ensure_one()
        self._check_is_head(self.env._("Only the head of sales returns lost deals."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return the deal"),
            "res_model": "crm.lead.loss.return",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    # ------------------------------------------------------------
    # BUSINESS: what a deal is
    # ------------------------------------------------------------

    def _is_open_deal(self):
        self.ensure_one()
        return self.type == "opportunity" and self.active and not self.stage_id.is_won

    def _is_in_funnel(self):
        """An opportunity, won or not, that is not lost: it has exactly one open visit."""
        self.ensure_one()
        return self.type == "opportunity" and self.active

    def _is_scenario_deal(self):
        self.ensure_one()
        return bool(self.scenario_id) and self.type == "opportunity"

    def _scenario_steps(self):
        return self.scenario_id.step_ids

    def _step_position(self):
        """Index of the current step in the scenario, -1 when the stage is not one of its steps."""
        steps = list(self._scenario_steps())
        return steps.index(self.scenario_step_id) if self.scenario_step_id in steps else -1

    def _next_scenario_step(self):
        self.ensure_one()
        steps = self._scenario_steps()
        position = self._step_position()
        if position + 1 < len(steps):
            return steps[position + 1]
        return self.env["crm.scenario.step"]

    # ------------------------------------------------------------
    # BUSINESS: who may change what
    # ------------------------------------------------------------

    def _check_is_head(self, message):
        if not self.env.user.has_group("sales_funnel.group_active_sales_head"):
            raise AccessError(message)

    def _check_user_write(self, vals):
        """The scenario's rules, for every caller that is not the engine itself: the form,
        the list's Archive and mass edit, Odoo's wizards and plain RPC alike."""
        if "stage_id" in vals:
            self._check_direct_stage_write(vals["stage_id"])
        if "scenario_id" in vals:
            self._check_scenario_change(vals["scenario_id"])
        if "loss_approval_state" in vals:
            raise AccessError(
                self.env._("Losses are approved with the Approve loss button of the head of sales.")
            )
        if "reservation_state" in vals:
            raise AccessError(
                self.env._("The reservation of a deal's goods follows the warehouse's documents.")
            )
        if "active" in vals:
            if vals["active"]:
                self._check_can_reopen(vals.get("type"))
            else:
                self._check_can_archive(vals)
        if vals.get("type") == "lead":
            self._check_can_turn_into_lead()

    def _check_direct_stage_write(self, stage_id):
        """People move scenario deals through the move dialog, which records the activity result."""
        moved = self.filtered(lambda lead: lead.scenario_id and lead.stage_id.id != stage_id)
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

    def _check_scenario_change(self, scenario_id):
        switched = self.filtered(
            lambda lead: lead._is_scenario_deal() and lead.scenario_id.id != scenario_id
        )
        if switched:
            self._check_is_head(
                self.env._(
                    "Deal %(deal)s follows the scenario %(scenario)s: only the head of sales "
                    "changes or removes the scenario of a deal.",
                    deal=switched[0].name,
                    scenario=switched[0].scenario_id.name,
                )
            )

    def _check_can_archive(self, vals):
        """Archiving a scenario deal is losing it: with a reason, and the approval it asks;
        a won deal, the head of sales' decision (it takes the win back)."""
        won = self.filtered(
            lambda lead: lead.active and lead._is_scenario_deal() and lead.stage_id.is_won
        )
        if won:
            self._check_is_head(
                self.env._(
                    "Deal %(deal)s is won: only the head of sales closes it as lost.",
                    deal=won[0].name,
                )
            )
        without_reason = self.filtered(
            lambda lead: (
                lead.active
                and lead._is_scenario_deal()
                and not (vals.get("lost_reason_id") or lead.lost_reason_id)
            )
        )
        if without_reason:
            raise UserError(
                self.env._(
                    "Deal %(deal)s follows the scenario %(scenario)s: close it with the Lost "
                    "button and a reason instead of archiving it.",
                    deal=without_reason[0].name,
                    scenario=without_reason[0].scenario_id.name,
                )
            )

    def _check_can_reopen(self, new_type=None):
        """A lost scenario deal comes back by the head of sales' decision, a lead archived
        in a scenario and turned into a deal by the same write included."""
        lost = self.filtered(
            lambda lead: not lead.active
            and lead.scenario_id
            and (new_type or lead.type) == "opportunity"
        )  # fmt: skip
        if lost:
            self._check_is_head(
                self.env._(
                    "Deal %(deal)s is lost: only the head of sales reopens it, with Return the "
                    "deal.",
                    deal=lost[0].name,
                )
            )

    def _check_can_turn_into_lead(self):
        deals = self.filtered(lambda lead: lead._is_scenario_deal())
        if deals:
            self._check_is_head(
                self.env._(
                    "Deal %(deal)s follows a scenario: only the head of sales turns it back "
                    "into a lead.",
                    deal=deals[0].name,
                )
            )

    def _check_can_merge(self):
        """Merged into another deal, a won deal's win or a loss waiting for the head's
        approval would be taken back: the head of sales' decision (Odoo's deduplication
        merges deals whose loss is decided, and keeps won ones as the surviving deal)."""
        closed = self.filtered(
            lambda lead: lead._is_scenario_deal()
            and (
                (lead.active and lead.stage_id.is_won)
                or lead.loss_approval_state == "pending"
            )
        )  # fmt: skip
        if closed:
            self._check_is_head(
                self.env._(
                    "Deal %(deal)s is won or its loss awaits approval: only the head of sales "
                    "merges it into another deal.",
                    deal=closed[0].name,
                )
            )

    def _check_not_lost(self):
        if not self.active:
            raise UserError(
                self.env._(
                    "Deal %(deal)s is lost: the head of sales may return it to a step with "
                    "Return the deal.",
                    deal=self.name,
                )
            )

    def _check_can_start_on_step(self, positions=None):
        """A salesperson's new scenario deal starts on the first step (any open step of a
        manual scenario): a step further on is reached by moves and documents. So does a
        converted lead, and a deal given a scenario. The head may bring deals in on any open
        step (an import of a running pipeline) and file a won deal under another scenario;
        nobody brings a deal in won, which only documents and the move dialog's checks can
        make."""
        head = self.env.user.has_group("sales_funnel.group_active_sales_head")
        for lead in self.filtered("scenario_id"):
            step = lead.scenario_step_id
            free = head or lead.scenario_id.transition_mode == "manual"
            won_refiled = head and positions is not None and positions[lead].won
            if (step.is_won and not won_refiled) or (
                not free and step != lead.scenario_id._first_step()
            ):
                raise UserError(
                    self.env._(
                        "New deals of the scenario %(scenario)s start on %(step)s.",
                        scenario=lead.scenario_id.name,
                        step=lead.scenario_id._first_step().stage_id.name,
                    )
                )

    def _check_can_move_to(self, step):
        """Refuse, in the user's language, a move the scenario does not allow."""
        self.ensure_one()
        self._check_not_lost()
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
        if self.stage_id.is_won:
            self._check_is_head(
                self.env._(
                    "Deal %(deal)s is won: only the head of sales reopens it.", deal=self.name
                )
            )
        self._check_can_leave_step(step)
        if step.is_won:
            self._check_can_close_won()
            return
        if self.scenario_id.transition_mode == "manual":
            return
        self._check_is_next_step(step)
        self._check_documents_open(step)

    def _check_is_next_step(self, step):
        if step != self._next_scenario_step():
            raise UserError(
                self.env._(
                    "In the scenario %(scenario)s deals go forward one step at a time: "
                    "from %(current)s the next step is %(next)s.",
                    scenario=self.scenario_id.name,
                    current=self.stage_id.name,
                    next=self._next_scenario_step().stage_id.name or self.env._("none"),
                )
            )

    def _check_documents_open(self, step):
        if step.trigger and not self._document_facts().get(self.id, DocumentFacts()).satisfies(
            step.trigger
        ):
            raise UserError(
                self.env._(
                    "The deal enters %(step)s by itself when this happens: %(trigger)s.",
                    step=step.stage_id.name,
                    trigger=step._entry_condition_label(),
                )
            )

    def _check_can_leave_step(self, target=None):
        """What the current step asks before the deal leaves it for ``target`` (any step
        when not given)."""
        self.ensure_one()
        step = self.scenario_step_id
        # Going back is always allowed: the goods matter for the steps ahead.
        if step.require_reserved and not self._is_step_back(target):
            self._check_goods_reserved()
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

    def _is_step_back(self, target):
        steps = list(self._scenario_steps())
        return bool(target) and target in steps and steps.index(target) < self._step_position()

    def _check_goods_reserved(self):
        """Checked on people's moves only: a delivery that moves the deal forward by its
        documents has taken the goods anyway."""
        if self.reservation_state in ("reserved", "delivered"):
            return
        labels = dict(self._fields["reservation_state"]._description_selection(self.env))
        raise UserError(
            self.env._(
                "Reserve the goods of this deal before it leaves %(step)s (reserved: %(state)s).",
                step=self.stage_id.name,
                state=labels[self.reservation_state or "none"].lower(),
            )
        )

    def _check_can_close_won(self):
        """A deal is won with a customer, its confirmed orders paid and delivered in full."""
        self.ensure_one()
        problems = []
        if not self.partner_id:
            problems.append(self.env._("the deal has no customer"))
        facts = self._document_facts().get(self.id, DocumentFacts())
        if not facts.has_confirmed_order:
            if self.scenario_id.transition_mode == "auto":
                problems.append(self.env._("the deal has no confirmed order"))
        else:
            if not facts.is_paid:
                problems.append(
                    self.env._(
                        "the confirmed orders are paid %(paid)s of %(total)s",
                        paid=format_amount(self.env, facts.paid_amount, self.company_currency),
                        total=format_amount(self.env, facts.confirmed_total, self.company_currency),
                    )
                )
            if not facts.is_delivered:
                problems.append(self.env._("the confirmed orders are not fully delivered"))
        if problems:
            raise UserError(
                self.env._(
                    "Deal %(deal)s cannot be won yet: %(problems)s.",
                    deal=self.name,
                    problems="; ".join(problems),
                )
            )

    # ------------------------------------------------------------
    # BUSINESS: moves and the stage log
    # ------------------------------------------------------------

    def _move_to_step(self, step):
        """Move to a step after the user's move passed the checks; writes as the engine."""
        self.sudo().write(self._step_values(step))

    @api.model
    def _step_values(self, step):
        values = {"stage_id": step.stage_id.id}
        if not step.is_won and step.probability:
            values["probability"] = step.probability
        return values

    def _funnel_positions(self):
        """Where each deal stands before a write, to tell what the write changed."""
        return {
            lead: FunnelPosition(
                lead._is_in_funnel(), lead.active, lead.type, lead.stage_id, lead.scenario_id,
                lead._holder(),
            )
            for lead in self
        }  # fmt: skip

    def _holder(self):
        """Who the deal's visits are credited to."""
        return (self.user_id, self.team_id, self.company_id)

    def _enters_scenario(self, position):
        """A converted lead, or a deal given a scenario (a new team may bring one)."""
        if not (self._is_in_funnel() and self.scenario_id):
            return False
        if position.in_funnel:
            return self.scenario_id != position.scenario
        return position.type == "lead"

    def _enter_funnel_on_scenario_steps(self, positions):
        entering = self.filtered(lambda lead: lead._enters_scenario(positions[lead]))
        entering._align_with_scenario(positions)
        if not self.env.su:
            entering._check_can_start_on_step(positions)

    # pylint: disable-next=missing-return
    def _align_with_scenario(self, positions=None):
        """A deal that enters a scenario (a new deal, a converted lead, a scenario set or
        switched) stands on one of its steps: its own stage when the scenario has it, else the
        first step. A deal that was won before the write (``positions``) stays on a won step;
        another, written onto one, starts on the first step. A new deal is created where it
        is asked for, and refused there if it may not start there."""
        for lead in self.filtered("scenario_id"):
            step = lead.scenario_id._step_for_stage(lead.stage_id)
            written_won = positions is not None and step and step.is_won and not positions[lead].won
            if not step or written_won:
                # Below the scenario rules and the stage log (the write that called this
                # logs the visit): this is where the deal starts, not a move.
                first_step = self._step_values(lead.scenario_id._first_step())
                super(CrmLead, lead.sudo()).write(first_step)  # pylint: disable=super-method-mismatch

    def _log_visit_changes(self, positions):
        """Close and open the stage visits a write ended or began."""
        log = self.env["crm.stage.log"]
        closed = defaultdict(self.browse)
        entered = reopened = changed_hands = self.browse()
        for lead, position in positions.items():
            in_funnel = lead._is_in_funnel()
            if position.in_funnel and not in_funnel:
                closed["lost" if position.active and not lead.active else "left"] |= lead
            elif in_funnel and not position.in_funnel:
                entered |= lead
                if not position.active:
                    reopened |= lead
            elif in_funnel and lead.scenario_id != position.scenario:
                # Another scenario's funnel from now on (or a scenario's from none).
                closed["left"] |= lead
                entered |= lead
            elif in_funnel and lead.stage_id != position.stage:
                if lead.stage_id.is_won and not position.stage.is_won:
                    closed["won"] |= lead
                else:
                    closed["moved"] |= lead
                    if position.stage.is_won:
                        reopened |= lead
            elif in_funnel and lead._holder() != position.holder:
                changed_hands |= lead
        log._retract_final_outcomes(reopened)
        for outcome, leads in closed.items():
            log._close_visits(leads, outcome)
        moved = closed["moved"] | closed["won"]
        log._open_visits(entered | moved)
        log._follow_holder(changed_hands)
        (moved | closed["left"])._close_step_activities()
        (moved | (entered - reopened))._plan_entry_activities()
        closed["lost"]._request_loss_approval()

    def _plan_entry_activities(self):
        values = []
        today = fields.Date.context_today(self)
        for lead in self:
            step = lead.scenario_step_id
            if not step or not lead.scenario_id.plan_activities:
                continue
            for template in step.activity_ids:
                user = template._responsible_for(lead)
                # The summary in the language of whoever will do the activity.
                summary = template.with_context(lang=user.lang).summary
                values.append(
                    {
                        "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                        "res_id": lead.id,
                        "activity_type_id": template.activity_type_id.id,
                        "summary": summary or template.activity_type_id.summary,
                        "date_deadline": today + timedelta(days=template.days),
                        "user_id": user.id,
                        "automated": True,
                        "scenario_step_id": step.id,
                    }
                )
        if values:
            # quick_update: no e-mail per activity; the owner sees them in the systray.
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                values
            )

    def _close_step_activities(self):
        """The activities a step planned end when the deal leaves the step, whatever moved
        it (the move dialog, its documents): done, and named in one note per deal. The
        activities people planned themselves stay."""
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("scenario_step_id", "!=", False),
                ]
            )
        )
        step_of = {lead.id: lead.scenario_step_id for lead in self}
        left = activities.filtered(
            lambda activity: activity.scenario_step_id != step_of[activity.res_id]
        )
        if not left:
            return
        notes = {
            lead_id: self.browse(lead_id)._step_activities_done_note(lead_activities)
            for lead_id, lead_activities in left.grouped("res_id").items()
        }
        # As Odoo does when an activity is done: kept as done when its type says so.
        kept = left.filtered("activity_type_id.keep_done")
        kept.write({"active": False})
        (left - kept).unlink()
        self.sudo().browse(notes)._message_log_batch(notes)

    def _step_activities_done_note(self, activities):
        self.ensure_one()
        lead = self.with_context(lang=self._owner_lang())
        return Markup("<p>%s</p>") % lead.env._(
            "Done on leaving %(step)s: %(activities)s.",
            step=activities[:1].scenario_step_id.with_context(lang=lead.env.lang).stage_id.name,
            activities=", ".join(
                activity.summary or activity.activity_type_id.with_context(lang=lead.env.lang).name
                for activity in activities
            ),
        )

    def _owner_lang(self):
        """The language of the deal's salesperson, who reads what the engine writes on it."""
        self.ensure_one()
        return self.user_id.lang or self.company_id.partner_id.lang or self.env.lang

    # ------------------------------------------------------------
    # BUSINESS: the engine driven by documents
    # ------------------------------------------------------------

    def _document_facts(self):
        """Facts about the orders, invoices, payments and deliveries of these deals, in one query.

        "Paid" is measured against the confirmed orders' total, in the company currency: the
        payments reconciled with their posted customer invoices (down payments included),
        an invoice's payments shared between the orders it bills by what each contributes to
        it; credit notes do not pay.
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
            (
                "stock.move",
                [
                    "state",
                    "quantity",
                    "product_qty",
                    "product_uom_qty",
                    "sale_line_id",
                    "location_dest_id",
                    "product_id",
                ],
            ),
            ("account.move", ["state", "move_type", "amount_total"]),
            ("account.move.line", ["display_type", "move_id", "price_total"]),
            (
                "account.partial.reconcile",
                ["debit_amount_currency", "debit_move_id", "credit_move_id"],
            ),
        ):
            self.env[model].flush_model(names)
        rounding = {lead.id: lead.company_currency.rounding or 0.01 for lead in self}
        self.env.cr.execute(SQL(DOCUMENT_FACTS_QUERY, ids=list(self.ids)))
        return {
            lead_id: DocumentFacts(
                has_sent_quotation=sent,
                has_confirmed_order=confirmed,
                confirmed_total=float(total),
                confirmed_untaxed=float(untaxed),
                paid_amount=float(paid),
                is_delivered=delivered,
                quoted_untaxed=None if quoted is None else float(quoted),
                rounding=rounding[lead_id],
                qty_to_deliver=float(to_deliver),
                qty_reserved=float(reserved),
                has_delivered_goods=goods_delivered,
            )
            for (
                lead_id,
                sent,
                confirmed,
                total,
                untaxed,
                paid,
                delivered,
                quoted,
                to_deliver,
                reserved,
                goods_delivered,
            ) in self.env.cr.fetchall()
        }

    @api.model
    def _schedule_document_sync(self, lead_ids=(), moves=None, relinked=None):
        """Re-evaluate these deals (and those invoiced by ``moves``) once, just before the
        transaction commits; ``relinked``, orders given to another deal, are serialised
        with their documents then (see ``sale.order._serialise_with_documents``).

        Document actions call this as often as they like (once per payment of a 100-invoice
        batch, say) without a query: the deals are collected and synchronised in one pass,
        so the cost does not grow with the number of documents, and a failure rolls back
        with the document that caused it."""
        data = self.env.cr.precommit.data
        if PENDING_SYNC not in data:
            data[PENDING_SYNC] = {"leads": set(), "moves": set(), "relinked": set()}
            self.env.cr.precommit.add(self.browse()._run_document_sync)
        data[PENDING_SYNC]["leads"].update(lead_id for lead_id in lead_ids if lead_id)
        if moves:
            data[PENDING_SYNC]["moves"].update(moves.ids)
        if relinked:
            data[PENDING_SYNC]["relinked"].update(relinked.ids)

    def _run_document_sync(self):
        pending = self.env.cr.precommit.data.pop(PENDING_SYNC, None)
        if not pending:
            return
        self.env["sale.order"].browse(sorted(pending["relinked"]))._serialise_with_documents()
        moves = self.env["account.move"].browse(pending["moves"])
        self._sync_with_documents(pending["leads"] | moves._deal_ids())
        # precommit runs after the main flush: flush what the moves changed.
        self.env.flush_all()

    @api.model
    def _sync_with_documents(self, lead_ids):
        """Re-evaluate deals after their documents changed: move each auto-scenario deal to the
        step its documents now point to, forward or back, and follow the orders' revenue.

        A constant number of queries for any number of deals; runs as the engine, after the
        user's own document action passed Odoo's access checks."""
        leads = self.sudo().browse(sorted(set(lead_ids))).exists()
        if not leads:
            return
        leads._serialise_document_sync()
        leads = leads.filtered(lambda lead: lead._is_in_funnel())
        facts = leads._document_facts()
        leads._follow_document_revenue(facts)
        leads._follow_reservation(facts)
        moves = defaultdict(lambda: self.sudo().browse())
        notes = {}
        for lead in leads.filtered(lambda lead: lead.scenario_id.transition_mode == "auto"):
            target, note = lead._document_move(facts.get(lead.id, DocumentFacts()))
            if target:
                moves[target] |= lead
                notes[lead.id] = note
        for step, step_leads in moves.items():
            # The engine's own batch note below tells the chatter; tracking would post one
            # message per deal.
            step_leads.with_context(mail_notrack=True).write(self._step_values(step))
        if notes:
            self.sudo().browse(notes)._message_log_batch(notes)

    def _serialise_document_sync(self):
        """Make concurrent engine passes over one deal conflict.

        Two requests changing documents of one deal at once (two payments, a payment and a
        delivery) each see only their own document under REPEATABLE READ, so neither alone
        would move the deal. Every pass first updates the deal's row: the second of two
        concurrent passes then fails to serialise, and Odoo replays its request, which sees
        both documents. Rows are locked in id order so that passes over several deals queue
        instead of deadlocking."""
        self.env.cr.execute(
            SQL(
                """UPDATE crm_lead SET write_date = write_date
                    WHERE id IN (SELECT id FROM crm_lead WHERE id = ANY(%s)
                                  ORDER BY id FOR NO KEY UPDATE)""",
                self.ids,
            )
        )

    def _follow_document_revenue(self, facts):
        """A deal's expected revenue is what its documents say: the untaxed total of its
        confirmed orders, else of its newest open quotation; typed by hand before that."""
        for lead in self:
            fact = facts.get(lead.id)
            revenue = fact and fact.revenue
            if revenue is None:
                continue
            revenue = lead.company_currency.round(revenue)
            if lead.company_currency.compare_amounts(lead.expected_revenue, revenue):
                lead.expected_revenue = revenue

    def _follow_reservation(self, facts):
        """Write the reservation state of the deals whose state changed, one write per state."""
        changed = defaultdict(self.browse)
        for lead in self:
            state = facts.get(lead.id, DocumentFacts()).reservation_state
            if lead.reservation_state != state:
                changed[state] |= lead
        for state, leads in changed.items():
            leads.write({"reservation_state": state})

    def _document_move(self, facts):
        """The step the documents send the deal to, and the chatter note saying why, in its
        salesperson's language; (False, None) when the deal stays."""
        self.ensure_one()
        lang = self._owner_lang()
        back, broken_gate = self._step_back_to(facts)
        if back:
            back, broken_gate = back.with_context(lang=lang), broken_gate.with_context(lang=lang)
            return back, Markup("<p>%s</p>") % back.env._(
                "Moved back to %(step)s: %(condition)s no longer holds (payment reversed, "
                "order changed, cancelled or moved, or goods returned).",
                step=back.stage_id.name,
                condition=broken_gate._entry_condition_label(),
            )
        forward = self._step_forward_to(facts)
        if forward:
            forward = forward.with_context(lang=lang)
            return forward, Markup("<p>%s</p>") % forward.env._(
                "Moved to %(step)s by its documents: %(condition)s.",
                step=forward.stage_id.name,
                condition=forward._entry_condition_label(),
            )
        return False, None

    def _step_back_to(self, facts):
        """When a gate the deal passed no longer holds, the step before the first such gate,
        every gate from the scenario's start checked; with that gate. (None, None) otherwise."""
        steps = list(self._scenario_steps())
        for index in range(1, self._step_position() + 1):
            if steps[index]._is_gate() and not self._gate_opens(steps[index], facts):
                return steps[index - 1], steps[index]
        return None, None

    def _step_forward_to(self, facts):
        """The furthest gate ahead of the deal that its documents open, every gate before it
        open too; None when there is none ahead."""
        steps = list(self._scenario_steps())
        furthest = None
        for index, step in enumerate(steps):
            if not step._is_gate():
                continue
            if not self._gate_opens(step, facts):
                break
            furthest = index
        if furthest is not None and furthest > self._step_position():
            return steps[furthest]
        return None

    def _gate_opens(self, step, facts):
        if step.is_won:
            return bool(facts.closes_the_sale and self.partner_id)
        return facts.satisfies(step.trigger)

    # ------------------------------------------------------------
    # BUSINESS: loss approval
    # ------------------------------------------------------------

    def _request_loss_approval(self):
        to_approve = self.filtered(
            lambda lead: (
                not lead.active and lead.scenario_id.loss_approval and lead.type == "opportunity"
            )
        )
        if not to_approve:
            return
        to_approve.sudo().write({"loss_approval_state": "pending"})
        values = []
        for lead in to_approve:
            approver = lead.team_id.user_id or lead.user_id or self.env.user
            # In the language of the head who approves.
            lead_in_lang = lead.with_context(lang=approver.lang or self.env.lang)
            values.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "activity_type_id": self.env.ref(
                        "sales_funnel.mail_activity_type_loss_approval"
                    ).id,
                    "summary": lead_in_lang.env._(
                        "Approve the loss: %(reason)s",
                        reason=lead_in_lang.lost_reason_id.name or "-",
                    ),
                    "date_deadline": fields.Date.context_today(self),
                    "user_id": approver.id,
                    "automated": True,
                }
            )
        self.env["mail.activity"].sudo().with_context(active_test=False).create(values)

    def _return_from_loss(self, step, message):
        """Restore a lost deal on one of its steps, in one visit there; its loss no longer
        counts as one."""
        self.ensure_one()
        self._finish_approval_activity(self.env._("Deal returned"))
        values = {"loss_approval_state": False}
        if step != self.scenario_step_id:
            # Still archived: the step changes without a visit, the restore opens it there.
            values.update(self._step_values(step))
        self.write(values)
        self.action_unarchive()
        self.message_post(body=message, partner_ids=self.user_id.partner_id.ids)
        owner = self.user_id or self.env.user
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.with_context(lang=owner.lang).env._("Continue the returned deal"),
            user_id=owner.id,
        )

    def _won_effect(self):
        message = self._get_rainbowman_message()
        if not message:
            return {"type": "ir.actions.act_window_close"}
        return {
            "type": "ir.actions.act_window_close",
            "effect": {"fadeout": "slow", "message": message, "type": "rainbow_man"},
        }

    def _finish_approval_activity(self, feedback):
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
