from . import crm_stage_visit_report
