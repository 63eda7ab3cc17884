"""The home page's figures: how much of the record the caller may see, counted in SQL."""
import sqlalchemy as sa

from app.scoping import Scope
from models import Activity, AssistanceRequest, Contribution, db
from models.enums import RequestStatus

#: Statuses that wait for a manager's decision (the queue).
AWAITING_DECISION = (RequestStatus.PENDING.value, RequestStatus.UNDER_REVIEW.value)


def _count(select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(select.subquery()))


def figures(scope: Scope, *, contributions: bool, requests: bool) -> dict[str, int]:
    """Activities in scope, and (when asked for) contributions and requests awaiting a decision."""
    out = {"activities": _count(sa.select(Activity.id).where(scope.activities()))}
    if contributions:
        out["contributions"] = _count(sa.select(Contribution.id).where(scope.contributions()))
    if requests:
        out["pending_requests"] = _count(sa.select(AssistanceRequest.id).where(
            scope.requests(), AssistanceRequest.status.in_(AWAITING_DECISION)))
    return out
