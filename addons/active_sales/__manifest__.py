{
    "name": "Active Sales",
    "summary": "Client base of active sales: client statuses, potentials, contact norms, "
    "hunters and farmers",
    "version": "18.0.1.3.0",
    "category": "Sales/CRM",
    "website": "https://github.com/active-sales/active-sales",
    "author": "Active Sales",
    "license": "LGPL-3",
    "depends": ["sales_funnel", "receivables"],
    "data": [
        "security/ir.model.access.csv",
        "security/active_sales_security.xml",
        "data/ir_cron_data.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/active_sales_client_handover_views.xml",
        "views/res_partner_potential_views.xml",
        "report/active_sales_potential_report_views.xml",
        "report/active_sales_client_report_views.xml",
        "report/sale_proposal_report_views.xml",
        "views/res_partner_portrait_views.xml",
    ],
    "demo": [
        "demo/res_partner_potential_demo.xml",
        "demo/active_sales_demo.xml",
        "demo/res_partner_portrait_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "active_sales/static/src/**/*",
        ],
        "web.assets_tests": [
            "active_sales/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "_init_client_base",
}
