"""/dashboard: each role's figures as at a date (managers and administrators, officers, donors)."""
from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user

from app.page_cache import cached_page
from app.permissions import login_required
from app.scoping import for_user
from app.services.overview import dashboard as dashboards
from app.services.saved_views import view_reads
from app.views.charts import progress_bars
from app.views.helpers import list_filters
from forms.treaties.record import AsOfForm

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@login_required
@cached_page
def index():
    """The signed-in user's dashboard as at `as_of` (today when empty)."""
    form, filters, _paging = list_filters(AsOfForm)
    if filters is None:
        return render_template("overview/dashboard/index.html", form=form, board=None), 400
    as_of = filters["as_of"] or date.today()
    user = current_user._get_current_object()
    board = dashboards.for_role(user.role, for_user(user), user, as_of)
    bars = progress_bars([(p.instrument.code, p.counted, p.threshold) for p in board.progress])
    return render_template("overview/dashboard/index.html", form=form, board=board, as_of=as_of, bars=bars,
                           views=view_reads.visible(user))
