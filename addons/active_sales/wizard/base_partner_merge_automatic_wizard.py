from odoo import api, models

from ..models.res_partner import MERGE_WRITE


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_foreign_keys(self, src_partners, dst_partner):
        # Odoo moves the rows of each table to the merged client in one statement and, when a
        # unique key refuses it, deletes every source row: a potential of the same year, or an
        # answer to the same question, would take all the others with it. Folded first.
        self._fold_potentials(src_partners, dst_partner)
        self._fold_portrait_answers(src_partners, dst_partner)
        return super()._update_foreign_keys(src_partners, dst_partner)

    @api.model
    def _fold_potentials(self, src_partners, dst_partner):
        """One potential per year for the merged client: the lines of the others of that
        year join it (the merged client's own, else the first)."""
        potentials = (
            self.env["res.partner.potential"]
            .sudo()
            .search([("partner_id", "in", (src_partners | dst_partner).ids)])
        )
        for same_year in potentials.grouped("year").values():
            kept = same_year.filtered(lambda p: p.partner_id == dst_partner)[:1] or same_year[:1]
            folded = same_year - kept
            if folded:
                folded.line_ids.write({"potential_id": kept.id})
                folded.unlink()

    @api.model
    def _fold_portrait_answers(self, src_partners, dst_partner):
        """One answer per question for the merged client: its own if given, else the
        first given one of the merged clients'."""
        answers = (
            self.env["res.partner.portrait.answer"]
            .sudo()
            .search([("partner_id", "in", (src_partners | dst_partner).ids)])
        )
        for same_question in answers.grouped("question_id").values():
            ranked = same_question.sorted(
                lambda answer: (answer.partner_id != dst_partner, not answer.is_answered)
            )
            (same_question - ranked[:1]).unlink()

    def _update_values(self, src_partners, dst_partner):
        # The sources' statuses are not copied onto the merged client (see
        # res.partner._merged_values).
        return super()._update_values(
            src_partners, dst_partner.with_context(client_status_merge=MERGE_WRITE)
        )

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].browse(partner_ids) | (
            dst_partner or self.env["res.partner"]
        )
        partners.exists()._check_others_clients_merged()
        # The merge deletes the merged-away clients itself: not a deletion by hand.
        merging = self.with_context(client_merge=MERGE_WRITE)
        result = super(MergePartnerAutomatic, merging)._merge(
            partner_ids, dst_partner, extra_checks
        )
        merged = self.env["res.partner"].browse(partner_ids).exists()
        merged._recompute_client_status()
        # The answers moved to the merged client in SQL: its qualification follows them.
        self.env["res.partner.portrait.answer"]._decide_portrait(merged)
        return result
