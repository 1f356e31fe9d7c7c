from . import test_client_base
from . import test_client_status
from . import test_manager_rating
from . import test_menus
from . import test_potential
from . import test_client_ownership
from . import test_client_report
from . import test_ui
