from . import test_client_base
