from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    # Clients assigned before ownership was tracked: held since they were created.
    api.Environment(cr, SUPERUSER_ID, {})["res.partner"]._init_salesperson_since()
