"""The home page's figures: how much of the record the caller may see, counted in SQL."""
from datetime import date

import sqlalchemy as sa

from app.scoping import Scope
from app.services.activities import activity_reads
from app.services.requests import request_reads
from models import Activity, AssistanceRequest, Contribution, db
from models.enums import RequestStatus

#: Statuses that wait for a manager's decision (the queue).
AWAITING_DECISION = (RequestStatus.PENDING.value, RequestStatus.UNDER_REVIEW.value)


def _count(select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(select.subquery()))


def figures(scope: Scope, *, contributions: bool, requests: bool, today: date | None = None) -> dict:
    """Activities in scope, and (when asked for) contributions and requests awaiting a decision; with the old work
    among them (`old_activities`, `old_requests`: still planned, or awaiting a decision, for more than a year, by
    year), shown with its age rather than counted as current work."""
    today = today or date.today()
    out = {"activities": _count(sa.select(Activity.id).where(scope.activities())),
           "old_activities": activity_reads.still_planned(scope, today)}
    if contributions:
        out["contributions"] = _count(sa.select(Contribution.id).where(scope.contributions()))
    if requests:
        out["pending_requests"] = _count(sa.select(AssistanceRequest.id).where(
            scope.requests(), AssistanceRequest.status.in_(AWAITING_DECISION)))
        out["old_requests"] = request_reads.awaiting_since(scope, today)
    return out
