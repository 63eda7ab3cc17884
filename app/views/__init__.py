"""One blueprint per domain. Add a blueprint here to mount it."""
from ..api import bp as api_bp
from .admin import bp as admin_bp
from .auth import bp as auth_bp
from .instruments import bp as instruments_bp
from .main import bp as main_bp
from .reports import bp as reports_bp
from .search import bp as search_bp
from .states import bp as states_bp
from .treaties import bp as treaties_bp

BLUEPRINTS = [main_bp, auth_bp, admin_bp, reports_bp, instruments_bp, states_bp, treaties_bp, search_bp, api_bp]
