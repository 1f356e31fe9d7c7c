from . import test_deal_documents
from . import test_document_changes
from . import test_performance
from . import test_scenario_form
from . import test_scenario_rules
from . import test_stage_engine
from . import test_stage_log
from . import test_ui
