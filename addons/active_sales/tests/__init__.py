from . import test_client_base
from . import test_menus
