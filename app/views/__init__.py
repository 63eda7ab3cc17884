"""One blueprint per domain for the pages. Add a blueprint here to mount it (the API has its own, app/api)."""
from app.views.accounts.admin import bp as admin_bp
from app.views.accounts.auth import bp as auth_bp
from app.views.accounts.own_account import bp as account_bp
from app.views.activities.activities import bp as activities_bp
from app.views.activities.calendar_feed import bp as calendar_feed_bp
from app.views.attachments import bp as attachments_bp
from app.views.comments import bp as comments_bp
from app.views.funding.contributions import bp as contributions_bp
from app.views.funding.iati import bp as iati_bp
from app.views.funding.portal import bp as funding_bp
from app.views.funding.rates import bp as rates_bp
from app.views.help import bp as help_bp
from app.views.jobs import bp as jobs_bp
from app.views.list_exports import bp as list_exports_bp
from app.views.notifications import bp as notifications_bp
from app.views.outcomes import bp as outcomes_bp
from app.views.overview.dashboard import bp as dashboard_bp
from app.views.overview.home import bp as main_bp
from app.views.overview.period_report import bp as period_report_bp
from app.views.overview.search import bp as search_bp
from app.views.registry.experts import bp as experts_bp
from app.views.registry.findings import bp as findings_bp
from app.views.registry.issues import bp as issues_bp
from app.views.registry.organizations import bp as organizations_bp
from app.views.registry.states import bp as states_bp
from app.views.requests.queue import bp as queue_bp
from app.views.requests.requests import bp as requests_bp
from app.views.saved_views import bp as saved_views_bp
from app.views.sheets import bp as sheet_imports_bp
from app.views.treaties.forecast import bp as forecast_bp
from app.views.treaties.instruments import bp as instruments_bp
from app.views.treaties.ratification_status import bp as reports_bp
from app.views.treaties.record import bp as treaties_bp
from app.views.work.action_pages import bp as actions_bp
from app.views.work.report_pages import bp as activity_reports_bp

BLUEPRINTS = [main_bp, auth_bp, admin_bp, reports_bp, instruments_bp, states_bp, treaties_bp, requests_bp,
              queue_bp, activities_bp, calendar_feed_bp, experts_bp, issues_bp, findings_bp, organizations_bp,
              contributions_bp, funding_bp, iati_bp, rates_bp, search_bp, outcomes_bp, forecast_bp,
              dashboard_bp, sheet_imports_bp, period_report_bp,
              attachments_bp, comments_bp, actions_bp, activity_reports_bp,
              jobs_bp, list_exports_bp]
BLUEPRINTS += [account_bp, notifications_bp]  # issue 28
BLUEPRINTS += [saved_views_bp]  # issue 29
BLUEPRINTS += [help_bp]  # issue 29 item 9
