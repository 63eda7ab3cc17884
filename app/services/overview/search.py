"""The global search: one text looked up in every kind of record the caller may read, through each domain's read
service and its `q` filter, so that the search finds exactly what the lists would (a donor: only its scope)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.listing import Page, Paging, ordered, paginate
from app.scoping import Scope
from app.services.activities import activity_reads
from app.services.registry import experts as expert_service
from app.services.registry import organizations as organization_service
from app.services.registry import states as state_service
from app.services.requests import request_reads
from models import Activity, AssistanceRequest, Expert, MemberState, Organization


@dataclass(frozen=True)
class Kind:
    """One kind of record the search looks in: how its service is asked, and in what order its results come."""
    key: str
    label: str
    query: Callable[[Scope, str], sa.Select]
    sorts: dict
    default_sort: str
    tiebreak: object


KINDS = [
    Kind("states", _l("States and other participants"),
         lambda scope, q: state_service.query(scope, state_service.StateFilters(q=q)),
         state_service.SORTS, "name", MemberState.id),
    Kind("requests", _l("Requests for assistance"),
         lambda scope, q: request_reads.query(scope, request_reads.RequestFilters(q=q)), request_reads.SORTS, "-id",
         AssistanceRequest.id),
    Kind("activities", _l("Activities"),
         lambda scope, q: activity_reads.query(scope, activity_reads.ActivityFilters(q=q)), activity_reads.SORTS,
         "-start_date", Activity.id),
    Kind("experts", _l("Experts"), lambda scope, q: expert_service.query(scope, expert_service.ExpertFilters(q=q)),
         expert_service.SORTS,
         "name", Expert.id),
    Kind("organizations", _l("Organizations"),
         lambda scope, q: organization_service.query(scope, organization_service.OrganizationFilters(q=q)),
         organization_service.SORTS,
         "name", Organization.id),
]
BY_KEY = {kind.key: kind for kind in KINDS}


def search(scope: Scope, q: str, kinds: Iterable[str], per_kind: int = 10) -> dict[str, Page]:
    """kind key -> the first `per_kind` matches of `q` (with the total), for each of `kinds` (those the caller's
    permissions allow: the view decides). Two queries per kind, plus each service's eager loads."""
    out = {}
    for key in kinds:
        kind = BY_KEY[key]
        paging = Paging(per_page=per_kind)
        out[key] = paginate(ordered(kind.query(scope, q), kind.sorts, paging, kind.default_sort, kind.tiebreak),
                            paging)
    return out
