{
    "name": "Sales Funnel",
    "summary": "Sales scenarios, a stage engine driven by orders, payments and deliveries, "
    "and the funnel reports of active sales",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/active-sales/active-sales",
    "author": "Active Sales",
    "license": "LGPL-3",
    "depends": ["crm", "sale_crm", "sale_stock", "account"],
    "data": [
        "security/sales_funnel_security.xml",
        "views/crm_lead_views.xml",
        "views/stock_move_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sales_funnel/static/tests/tours/**/*",
        ],
    },
}
