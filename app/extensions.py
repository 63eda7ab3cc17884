"""Extensions, created here and bound to the app in the factory."""
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from models import db  # noqa: F401  (re-exported: the app imports its extensions from one place)

login_manager = LoginManager()
migrate = Migrate()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
# No default limits: only the login is throttled, with limits set where it is defined.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
