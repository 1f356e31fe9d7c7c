{
    "name": "Active Sales",
    "summary": "Client base of active sales: client statuses, potentials, contact norms, "
    "hunters and farmers",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/active-sales/active-sales",
    "author": "Active Sales",
    "license": "LGPL-3",
    "depends": ["sales_funnel", "receivables"],
    "data": [
        "views/res_partner_views.xml",
    ],
}
