{
    "name": "Receivables",
    "summary": "Receivables control for active sales: aging, settlement panel, debtor notices, "
    "credit hold and payment schedules",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/active-sales/active-sales",
    "author": "Active Sales",
    "license": "LGPL-3",
    "depends": ["sale_crm", "account"],
    "data": [
        "security/receivables_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "views/account_move_line_views.xml",
        "views/mail_template_views.xml",
        "views/receivables_aging_report_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/sale_order_installment_views.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/receivables_credit_hold_wizard_views.xml",
        "wizard/receivables_notify_wizard_views.xml",
        "report/report_aging.xml",
        "wizard/receivables_aging_wizard_views.xml",
        "views/receivables_menus.xml",
    ],
    "demo": [
        "demo/account_move_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "receivables/static/tests/tours/**/*",
        ],
    },
}
