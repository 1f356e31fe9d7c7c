from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        # The sources' statuses are not copied onto the merged client: its status follows
        # from all the invoices it now has, decided once they are moved.
        return super()._update_values(
            src_partners, dst_partner.with_context(client_status_merge=True)
        )

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        result = super()._merge(partner_ids, dst_partner, extra_checks)
        self.env["res.partner"].browse(partner_ids).exists()._recompute_client_status()
        return result
