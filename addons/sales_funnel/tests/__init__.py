from . import test_deal_documents
from . import test_performance
from . import test_scenario_form
from . import test_stage_engine
from . import test_ui
