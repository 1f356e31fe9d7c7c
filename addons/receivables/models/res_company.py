from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Aging buckets: not due, 1..limit_1, ..limit_2, ..limit_3, beyond.
    aging_limit_1 = fields.Integer("First aging bucket (days)", default=30)
    aging_limit_2 = fields.Integer("Second aging bucket (days)", default=60)
    aging_limit_3 = fields.Integer("Third aging bucket (days)", default=90)

    # Credit hold: a client whose debt overdue by more than credit_hold_days exceeds
    # credit_hold_amount cannot get a new order confirmed (block) or only after a warning.
    credit_hold_days = fields.Integer(
        "Credit hold after (days overdue)", help="0 turns the credit hold off."
    )
    credit_hold_amount = fields.Monetary(
        "Credit hold above (overdue amount)", currency_field="currency_id"
    )
    credit_hold_mode = fields.Selection(
        [("block", "Block the order"), ("warn", "Warn and ask for confirmation")],
        default="block",
        required=True,
    )

    _sql_constraints = [
        (
            "aging_limits_increasing",
            "CHECK(0 < aging_limit_1 AND aging_limit_1 < aging_limit_2 AND aging_limit_2 < aging_limit_3)",
            "Aging buckets must grow: 0 < first < second < third.",
        ),
    ]

    def _aging_bucket_labels(self):
        self.ensure_one()
        limits = (self.aging_limit_1, self.aging_limit_2, self.aging_limit_3)
        return [
            self.env._("Not due"),
            f"1-{limits[0]}",
            f"{limits[0] + 1}-{limits[1]}",
            f"{limits[1] + 1}-{limits[2]}",
            f"{limits[2] + 1}+",
        ]

    @api.model
    def _aging_limit_fields(self):
        return ["aging_limit_1", "aging_limit_2", "aging_limit_3"]
