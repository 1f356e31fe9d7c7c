from odoo import models
from odoo.osv import expression


class ResUsers(models.Model):
    _inherit = "res.users"

    def _get_activity_groups(self):
        # Lost deals waiting for the head's approval are archived: the deals listed from the
        # activity menu include them, as its count does.
        groups = super()._get_activity_groups()
        for group in groups:
            if group["model"] == "crm.lead":
                group["domain"] = expression.AND(
                    [group.get("domain") or [], [("active", "in", [True, False])]]
                )
        return groups
