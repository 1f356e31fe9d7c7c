from . import crm_manager_rating
