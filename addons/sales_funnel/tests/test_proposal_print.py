from lxml import html

from odoo.fields import Command
from odoo.tests import tagged

from .common import SalesFunnelCommon


@tagged("post_install", "-at_install")
class TestProposalPrint(SalesFunnelCommon):
    """The quotation printed for a client states its total in words in the client's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        languages = ["ru_RU", "uk_UA"]
        for code in languages:
            cls.env["res.lang"]._activate_lang(code)
        # As a database where the languages were installed: our label, and base's currency
        # names, would otherwise stay English whatever the client's language.
        cls.env["ir.module.module"].search(
            [("name", "in", ("base", "sales_funnel"))]
        )._update_translations(languages)

    def _total_in_words_printed_for(self, lang):
        """The total-in-words line of the quotation report printed for a client in ``lang``,
        for 1,250.50 in the company currency."""
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
        self.assertEqual(order.amount_total, 1250.50)
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "sale.action_report_saleorder", order.ids
        )
        lines = html.fromstring(content).xpath("//p[@name='total_in_words']")
        self.assertEqual(len(lines), 1, "one total-in-words line, after the totals")
        return " ".join(lines[0].text_content().split())

    def test_total_in_words_english(self):
        self.assertEqual(
            self._total_in_words_printed_for("en_US"),
            "Total in words: One Thousand, Two Hundred And Fifty Dollars and Fifty Cents",
        )

    def test_total_in_words_russian(self):
        self.assertEqual(
            self._total_in_words_printed_for("ru_RU"),
            "Сумма прописью: Одна Тысяча Двести Пятьдесят Доллары и Пятьдесят Центы",
        )

    def test_total_in_words_ukrainian(self):
        # Odoo 18's own uk translation leaves the currency names and the "and" of
        # amount_to_text untranslated; the number words are Ukrainian.
        self.assertEqual(
            self._total_in_words_printed_for("uk_UA"),
            "Сума прописом: Одна Тисяча Двісті П'Ятдесят Dollars and П'Ятдесят Cents",
        )
