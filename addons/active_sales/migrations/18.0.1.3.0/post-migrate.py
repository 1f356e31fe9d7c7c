from odoo.tools.sql import drop_index


def migrate(cr, version):
    # Odoo keeps a column's index when the field no longer asks for it: see res_partner.py
    # for why the status, the ABC class and the qualification go without one.
    for column in ("client_status", "abc_class", "is_qualified"):
        drop_index(cr, f"res_partner__{column}_index", "res_partner")
