"""The home page: where each instrument stands today and what the signed-in user can reach."""
from datetime import date

from flask import Blueprint, render_template
from flask_login import current_user

from ..permissions import Permission, can, login_required
from ..scoping import for_user
from ..services import overview, treaties

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    today = date.today()
    scope = for_user(current_user)
    instruments = treaties.visible_instruments(scope)
    statuses = treaties.statuses(instruments, today)
    figures = overview.figures(scope, contributions=can(Permission.VIEW_CONTRIBUTIONS),
                               requests=can(Permission.VIEW_REQUESTS))
    return render_template("main/index.html", today=today, instruments=instruments, statuses=statuses,
                           figures=figures)
