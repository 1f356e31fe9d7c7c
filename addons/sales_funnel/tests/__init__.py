from . import test_deal_documents, test_ui
