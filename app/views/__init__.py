"""One blueprint per domain. Add a blueprint here to mount it."""
from ..api import bp as api_bp
from .main import bp as main_bp

BLUEPRINTS = [main_bp, api_bp]
