"""The home page: where each instrument stands today and what the signed-in user can reach."""
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from models import Activity, AssistanceRequest, Contribution, db
from models.enums import RequestStatus

from ..permissions import Permission, can, login_required
from ..scoping import activity_condition, contribution_condition
from ..services import treaties

bp = Blueprint("main", __name__)


def _count(select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(select.subquery()))


@bp.get("/")
@login_required
def index():
    today = date.today()
    instruments = treaties.visible_instruments(current_user)
    statuses = treaties.statuses(instruments, today)
    figures = {"activities": _count(sa.select(Activity.id).where(activity_condition(current_user)))}
    if can(Permission.VIEW_CONTRIBUTIONS):
        figures["contributions"] = _count(sa.select(Contribution.id).where(contribution_condition(current_user)))
    if can(Permission.VIEW_REQUESTS):
        figures["pending_requests"] = _count(sa.select(AssistanceRequest.id).where(
            AssistanceRequest.status.in_([RequestStatus.PENDING.value, RequestStatus.UNDER_REVIEW.value])))
    return render_template("main/index.html", today=today, instruments=instruments, statuses=statuses,
                           figures=figures)
