"""The jobs a user may see: their own, always (the scope is the owner, given explicitly)."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import defer

from app.listing import Page, Paging, holds, ordered, paginate
from app.services.jobs import registry
from models import Job, JobStatus, db

SORTS = {"created": Job.created_at, "status": Job.status, "kind": Job.kind, "label": Job.label}


@dataclass
class JobFilters:
    status: str | None = None
    kind: str | None = None
    q: str | None = None


def query(owner_id: int, filters: JobFilters) -> sa.Select:
    select = sa.select(Job).where(Job.owner_id == owner_id).options(defer(Job.result_data))
    hidden = registry.hidden_kinds()  # plumbing on the owner's behalf (an e-mail's delivery) is not theirs to read
    if hidden:
        select = select.where(Job.kind.notin_(hidden))
    if filters.status:
        select = select.where(Job.status == filters.status)
    if filters.kind:
        select = select.where(Job.kind == filters.kind)
    if filters.q:
        select = select.where(holds(Job.label, filters.q))
    return select


def list_page(owner_id: int, filters: JobFilters, paging: Paging) -> Page:
    return paginate(ordered(query(owner_id, filters), SORTS, paging, "-created", Job.id.desc()), paging)


def get(owner_id: int, job_id: int) -> Job | None:
    """The job `job_id` if it is `owner_id`'s (its file's bytes not loaded)."""
    return db.session.scalars(query(owner_id, JobFilters()).where(Job.id == job_id)).first()


def result_file(owner_id: int, job_id: int) -> Job | None:
    """The finished job with its file's bytes, if it is `owner_id`'s and has one."""
    return db.session.scalars(sa.select(Job).where(Job.id == job_id, Job.owner_id == owner_id,
                                                   Job.status == JobStatus.FINISHED,
                                                   Job.result_name.isnot(None))).first()
