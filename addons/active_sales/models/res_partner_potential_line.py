from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartnerPotentialLine(models.Model):
    """What a client could buy of one product, or of one product category, in the year."""

    _name = "res.partner.potential.line"
    _description = "Client potential line"
    _order = "potential_id, id"
    _check_company_auto = True

    potential_id = fields.Many2one(
        "res.partner.potential", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="potential_id.company_id")
    product_id = fields.Many2one("product.product", check_company=True)
    product_categ_id = fields.Many2one("product.category", string="Product category")
    quantity = fields.Float(digits="Product Unit of Measure")
    amount = fields.Monetary()
    currency_id = fields.Many2one(related="potential_id.currency_id")

    # With the potential, always given: a line created with neither is checked too.
    @api.constrains("potential_id", "product_id", "product_categ_id")
    def _check_product_or_category(self):
        if any(bool(line.product_id) == bool(line.product_categ_id) for line in self):
            raise ValidationError(
                self.env._("A potential line is for either a product or a product category.")
            )

    @api.constrains("quantity", "amount")
    def _check_not_negative(self):
        if any(line.quantity < 0 or line.amount < 0 for line in self):
            raise ValidationError(
                self.env._("A potential line's quantity and amount cannot be negative.")
            )
