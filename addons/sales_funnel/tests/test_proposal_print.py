from odoo.fields import Command
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestProposalPrint(SalesFunnelCommon):
    """The quotation printed for a client states its total in words in the client's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("ru_RU", "uk_UA"):
            cls.env["res.lang"]._activate_lang(code)

    def _printed_for(self, lang):
        client = self.env["res.partner"].create({"name": f"Client {lang}", "lang": lang})
        order = self.env["sale.order"].create(
            {
                "partner_id": client.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": 1250.50,
                            "tax_id": [],
                        }
                    )
                ],
            }
        )
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "sale.action_report_saleorder", order.ids
        )
        return html.decode()

    def test_total_in_words_in_the_clients_language(self):
        expected = {
            "en_US": "One Thousand, Two Hundred And Fifty",  # num2words, title-cased by Odoo
            "ru_RU": "Одна Тысяча Двести Пятьдесят",
            "uk_UA": "Одна Тисяча Двісті П&#39;Ятдесят",
        }
        for lang, words in expected.items():
            with self.subTest(lang=lang):
                html = self._printed_for(lang)
                self.assertIn("o_total_in_words", html)
                self.assertIn(words, html)
        self.assertIn(
            "One Thousand, Two Hundred And Fifty Dollars and Fifty Cents",
            self._printed_for("en_US"),
            "the cents in words too",
        )
