"""One blueprint per domain for the pages. Add a blueprint here to mount it (the API has its own, app/api)."""
from app.views.activities import bp as activities_bp
from app.views.admin import bp as admin_bp
from app.views.auth import bp as auth_bp
from app.views.calendar_feed import bp as calendar_feed_bp
from app.views.contributions import bp as contributions_bp
from app.views.dashboard import bp as dashboard_bp
from app.views.experts import bp as experts_bp
from app.views.findings import bp as findings_bp
from app.views.forecast import bp as forecast_bp
from app.views.funding import bp as funding_bp
from app.views.iati import bp as iati_bp
from app.views.instruments import bp as instruments_bp
from app.views.issues import bp as issues_bp
from app.views.main import bp as main_bp
from app.views.organizations import bp as organizations_bp
from app.views.outcomes import bp as outcomes_bp
from app.views.queue import bp as queue_bp
from app.views.rates import bp as rates_bp
from app.views.reports import bp as reports_bp
from app.views.requests import bp as requests_bp
from app.views.search import bp as search_bp
from app.views.sheet_imports import bp as sheet_imports_bp
from app.views.states import bp as states_bp
from app.views.treaties import bp as treaties_bp

BLUEPRINTS = [main_bp, auth_bp, admin_bp, reports_bp, instruments_bp, states_bp, treaties_bp, requests_bp,
              queue_bp, activities_bp, calendar_feed_bp, experts_bp, issues_bp, findings_bp, organizations_bp,
              contributions_bp, funding_bp, iati_bp, rates_bp, search_bp, outcomes_bp, forecast_bp,
              dashboard_bp, sheet_imports_bp]
