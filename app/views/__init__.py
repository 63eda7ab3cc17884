"""One blueprint per domain for the pages. Add a blueprint here to mount it (the API has its own, app/api)."""
from .activities import bp as activities_bp
from .admin import bp as admin_bp
from .auth import bp as auth_bp
from .calendar_feed import bp as calendar_feed_bp
from .contributions import bp as contributions_bp
from .dashboard import bp as dashboard_bp
from .experts import bp as experts_bp
from .findings import bp as findings_bp
from .forecast import bp as forecast_bp
from .funding import bp as funding_bp
from .iati import bp as iati_bp
from .instruments import bp as instruments_bp
from .issues import bp as issues_bp
from .main import bp as main_bp
from .organizations import bp as organizations_bp
from .outcomes import bp as outcomes_bp
from .queue import bp as queue_bp
from .rates import bp as rates_bp
from .reports import bp as reports_bp
from .requests import bp as requests_bp
from .search import bp as search_bp
from .sheet_imports import bp as sheet_imports_bp
from .states import bp as states_bp
from .treaties import bp as treaties_bp

BLUEPRINTS = [main_bp, auth_bp, admin_bp, reports_bp, instruments_bp, states_bp, treaties_bp, requests_bp,
              queue_bp, activities_bp, calendar_feed_bp, experts_bp, issues_bp, findings_bp, organizations_bp,
              contributions_bp, funding_bp, iati_bp, rates_bp, search_bp, outcomes_bp, forecast_bp,
              dashboard_bp, sheet_imports_bp]
