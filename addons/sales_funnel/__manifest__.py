{
    "name": "Sales Funnel",
    "summary": "Sales scenarios, a stage engine driven by orders, payments and deliveries, "
    "and the funnel reports of active sales",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/active-sales/active-sales",
    "author": "Active Sales",
    "license": "LGPL-3",
    "depends": ["crm", "sale_crm", "sale_margin", "sale_stock", "account"],
    "data": [
        "security/sales_funnel_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/crm_scenario_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/crm_scenario_views.xml",
        "views/crm_stage_log_views.xml",
        "report/crm_stage_visit_report_views.xml",
        "report/sale_order_report_templates.xml",
        "views/crm_funnel_plan_views.xml",
        "report/crm_funnel_report_views.xml",
        "views/crm_team_views.xml",
        "views/crm_lead_views.xml",
        "views/stock_move_views.xml",
        "wizard/crm_lead_stage_move_views.xml",
        "wizard/crm_lead_loss_return_views.xml",
        "wizard/crm_lead_lost_views.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/crm_team_demo.xml",
        "demo/crm_lead_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sales_funnel/static/src/**/*",
        ],
        "web.assets_tests": [
            "sales_funnel/static/tests/tours/**/*",
        ],
    },
}
