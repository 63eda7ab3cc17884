"""Experts: the scoped reads every page and the API share, the roster's search (instrument, legal topic,
language, legal tradition, availability in a date range) and an expert's deployment history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.history_words import fields_in_words
from app.listing import Page, Paging, like_pattern, ordered, paginate, text_condition
from app.scoping import Scope
from app.services.registry import states as state_service
from models import Activity, ActivityVisit, Deployment, Expert, Instrument, MemberState, db
from models.enums import ActivityStatus
from models.expert import expert_instruments

LOADS = (selectinload(Expert.affiliation), selectinload(Expert.nationality), selectinload(Expert.instruments))


@dataclass(frozen=True)
class ExpertFilters:
    q: str | None = None
    kind: str | None = None
    instrument: str | None = None
    nationality: str | None = None
    topic: str | None = None
    language: str | None = None
    legal_tradition: str | None = None
    available_from: date | None = None
    available_to: date | None = None


#: Sort keys of the expert list (forms.expert.ExpertFilterForm.SORTS names the same keys).
SORTS = {"name": Expert.name, "kind": Expert.kind, "id": Expert.id}


def _contains(column, text: str):
    """`text` in a JSON list of words (topics, languages), case-insensitive, on SQLite and PostgreSQL alike."""
    return sa.func.lower(sa.cast(column, sa.Text)).like(like_pattern(text), escape="\\")


def busy_between(first: date, last: date) -> sa.Select:
    """Ids of the experts deployed (on an activity not cancelled) on some day of first..last: within the
    deployment's own dates, or else during a visit of its activity (as activity_writes.spans reads them)."""
    activity_first = (sa.select(sa.func.min(ActivityVisit.start_date))
                      .where(ActivityVisit.activity_id == Deployment.activity_id).correlate(Deployment)
                      .scalar_subquery())
    activity_last = (sa.select(sa.func.max(ActivityVisit.end_date))
                     .where(ActivityVisit.activity_id == Deployment.activity_id).correlate(Deployment)
                     .scalar_subquery())
    own = sa.or_(Deployment.start_date.is_not(None), Deployment.end_date.is_not(None))
    within_own = sa.and_(own, sa.func.coalesce(Deployment.start_date, activity_first, Deployment.end_date) <= last,
                         sa.func.coalesce(Deployment.end_date, activity_last, Deployment.start_date) >= first)
    during_a_visit = sa.and_(sa.not_(own), Deployment.activity_id.in_(sa.select(ActivityVisit.activity_id).where(
        ActivityVisit.start_date <= last, ActivityVisit.end_date >= first)))
    return (sa.select(Deployment.expert_id).join(Activity, Activity.id == Deployment.activity_id)
            .where(Activity.status != ActivityStatus.CANCELLED.value, sa.or_(within_own, during_a_visit)))


def query(scope: Scope, filters: ExpertFilters) -> sa.Select:
    select = sa.select(Expert).where(scope.experts()).options(*LOADS)
    f = filters
    if f.kind:
        select = select.where(Expert.kind == f.kind)
    if f.instrument:
        select = select.where(Expert.id.in_(sa.select(expert_instruments.c.expert_id).join(Instrument)
                                            .where(Instrument.code == f.instrument)))
    if f.nationality:
        select = select.where(Expert.nationality_id.in_(state_service.ids_named(f.nationality)))
    if f.topic:
        select = select.where(_contains(Expert.topics, f.topic))
    if f.language:
        select = select.where(_contains(Expert.languages, f.language))
    if f.legal_tradition:
        select = select.where(Expert.legal_tradition == f.legal_tradition)
    if f.available_from or f.available_to:
        first = f.available_from or f.available_to
        select = select.where(Expert.id.not_in(busy_between(first, f.available_to or first)))
    if f.q:
        select = select.where(text_condition(f.q, Expert.id, (Expert.name,),
                                             state_service.matching(Expert.nationality_id, f.q)))
    return select


def list_page(scope: Scope, filters: ExpertFilters, paging: Paging) -> Page:
    return paginate(ordered(query(scope, filters), SORTS, paging, "name", Expert.id), paging)


def export_rows(scope: Scope, filters: ExpertFilters, paging: Paging) -> list[Expert]:
    """Every expert of the filtered list (not one page), in the list's order: what its exports hold."""
    return list(db.session.scalars(ordered(query(scope, filters), SORTS, paging, "name", Expert.id)).unique())


def get(scope: Scope, expert_id: int) -> Expert | None:
    return db.session.scalars(query(scope, ExpertFilters()).where(Expert.id == expert_id)).first()


def deployments_of(scope: Scope, expert: Expert) -> list[Deployment]:
    """The expert's deployments `scope` may see (a donor: on what it funds), latest first."""
    found = list(db.session.scalars(
        sa.select(Deployment).where(Deployment.expert_id == expert.id, scope.deployments())
        .options(selectinload(Deployment.activity).selectinload(Activity.visits)
                 .selectinload(ActivityVisit.country))))
    return sorted(found, key=lambda d: (d.start_date or d.activity.start_date or date.min), reverse=True)


# ------------------------------------------------------------------ writes: adding and editing an expert
#: Lengths the columns hold (the form says the same; the service guards every other caller).
LIMITS = {"name": 160, "email": 254, "phone": 40, "note": 4000}


def _resolved(values: dict) -> dict:
    """The form's values resolved to records, or Refused naming every field at fault."""
    from app.services.core.errors import Refused
    from models import Organization
    from models.enums import ExpertKind, LegalTradition
    errors: dict[str | None, str] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = _("Give the expert's name.")
    if values.get("kind") not in {k.value for k in ExpertKind}:
        errors["kind"] = _("Choose one of: %(choices)s.", choices=", ".join(k.label for k in ExpertKind))
    if values.get("legal_tradition") and values["legal_tradition"] not in {t.value for t in LegalTradition}:
        errors["legal_tradition"] = _("Choose one of: %(choices)s.",
                                      choices=", ".join(t.label for t in LegalTradition))
    affiliation = db.session.get(Organization, values["affiliation_id"]) if values.get("affiliation_id") else None
    if values.get("affiliation_id") and affiliation is None:
        errors["affiliation"] = _("Choose the organization from the list.")
    nationality = db.session.scalar(sa.select(MemberState).filter_by(code=values["nationality"])) \
        if values.get("nationality") else None
    if values.get("nationality") and nationality is None:
        errors["nationality"] = _("Choose the State from the list.")
    codes = list(dict.fromkeys(values.get("instruments") or []))
    instruments = list(db.session.scalars(sa.select(Instrument).where(Instrument.code.in_(codes))
                                          .order_by(Instrument.id))) if codes else []
    if len(instruments) != len(codes):
        errors["instruments"] = _("Choose instruments from the list.")
    for field, limit in LIMITS.items():
        if len(values.get(field) or "") > limit:
            errors[field] = _("At most %(limit)s characters.", limit=limit)
    if errors:
        raise Refused(errors)
    return dict(values, name=name, affiliation=affiliation, nationality=nationality, instruments=instruments)


_FIELDS = ("name", "kind", "legal_tradition", "email", "phone", "note", "topics", "languages")


def snapshot(e: Expert) -> dict:
    """What the audit trail keeps of an expert."""
    return {**{f: getattr(e, f) for f in _FIELDS}, "affiliation": e.affiliation.name if e.affiliation else None,
            "nationality": e.nationality.code if e.nationality else None,
            "instruments": [i.code for i in e.instruments]}


def _apply(e: Expert, v: dict) -> None:
    with db.session.no_autoflush:
        for f in _FIELDS:
            value = list(v.get(f) or []) if f in ("topics", "languages") else v.get(f)
            if getattr(e, f) != value:
                setattr(e, f, value)
        e.affiliation, e.nationality = v["affiliation"], v["nationality"]
        if [i.id for i in e.instruments] != [i.id for i in v["instruments"]]:
            e.instruments = v["instruments"]


def create(values: dict) -> Expert:
    """Add an expert to the roster (audited). Flushes; the caller commits."""
    from app.services.core import audit
    v = _resolved(values)
    expert = Expert(topics=[], languages=[])
    _apply(expert, v)
    db.session.add(expert)
    db.session.flush()
    audit.record_for(expert, "create", f"Added the expert {expert.name}", after=snapshot(expert))
    return expert


def update(expert: Expert, values: dict, version: int | None) -> bool:
    """Save the edit form made from `version` (Stale when the expert changed since); False when nothing changed."""
    from app.services.core import audit, versions
    label = _("The expert %(name)s", name=expert.name)
    versions.check(expert, version, label)
    version_before = expert.version
    v = _resolved(values)
    before = snapshot(expert)
    _apply(expert, v)
    versions.flush(expert, label)
    old, new = audit.changed(before, snapshot(expert))
    if not new:
        return False
    versions.touch(expert, version_before)
    audit.record_for(expert, "update", f"Edited the expert {expert.name}: {fields_in_words(new)}", before=old,
                     after=new)
    return True
