from . import test_deal_documents
from . import test_ui
