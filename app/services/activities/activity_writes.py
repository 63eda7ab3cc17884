"""Logging and editing an activity: the officers' form's data as plain values, saved whole or not at all.

`save` checks the rules (a Refused names every field at fault), replaces the activity's child collections with
what the data lists (children that stay keep their rows: a visit keeps its id, so the calendar feed's UID is
stable), writes the audit entry with before and after, and flushes; the view commits once. Overlapping
deployments of an expert are a warning, not a refusal (`overlaps`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.formatting import format_date
from app.history_words import fields_in_words
from app.scoping import Scope
from app.services.activities import completion
from app.services.core import audit, versions
from app.services.core.errors import Refused
from app.services.core.sync import sync_children, sync_list
from app.services.treaties import outcome_facts
from models import (
    Activity,
    ActivityOtherInstrument,
    ActivityPartner,
    ActivityState,
    ActivityVisit,
    AssistanceRequest,
    Deployment,
    Expert,
    Instrument,
    MemberState,
    Organization,
    db,
)
from models.enums import ActivityKind, ActivityStateRole, ActivityStatus

#: Kinds that bring States together: at least one State must be recorded as served or taking part.
GATHERINGS = {ActivityKind.REGIONAL_MEETING.value, ActivityKind.SUBREGIONAL_MEETING.value}


@dataclass(frozen=True)
class VisitData:
    country: str                       # a State code
    start_date: date
    end_date: date
    city: str | None = None
    date_precision: str = "day"
    id: int | None = None              # the visit edited, if it exists


@dataclass(frozen=True)
class PartnerData:
    organization_id: int
    role: str


@dataclass(frozen=True)
class DeploymentData:
    expert_id: int
    role: str
    start_date: date | None = None     # empty: the activity's own dates
    end_date: date | None = None


@dataclass(frozen=True)
class ActivityData:
    kind: str
    status: str
    title: str
    description: str | None = None
    outcome: str | None = None
    source: str | None = None
    topics: tuple[str, ...] = ()
    visits: tuple[VisitData, ...] = ()
    served: tuple[str, ...] = ()       # State codes
    participants: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()  # instrument codes
    other_instruments: tuple[str, ...] = ()
    partners: tuple[PartnerData, ...] = ()
    requests: tuple[int, ...] = ()
    deployments: tuple[DeploymentData, ...] = ()

    @classmethod
    def of(cls, values: dict) -> ActivityData:
        """The values of the officers' form (`ActivityForm.values()`), as `save` takes them."""
        nested = {"visits": VisitData, "partners": PartnerData, "deployments": DeploymentData}
        return cls(**{name: tuple(nested[name](**row) for row in value) if name in nested
                      else tuple(value) if isinstance(value, list) else value
                      for name, value in values.items()})


@dataclass
class Overlap:
    """An expert deployed on this activity and on another at the same time."""
    expert: Expert
    other: Activity
    start: date
    end: date

    @property
    def message(self) -> str:
        return (f"{self.expert.name} is also deployed on “{self.other.title}” from {format_date(self.start)} to "
                f"{format_date(self.end)}: the dates overlap.")


@dataclass
class _Found:
    errors: dict = field(default_factory=dict)

    def refuse(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)


@dataclass(frozen=True)
class Known:
    """The records an activity may name, loaded once for many activities (a spreadsheet import): with it, `_check`
    applies the same rules without a query. Requests and experts are those of the scope."""
    states: dict            # code -> MemberState
    instruments: dict       # code -> Instrument
    organizations: dict     # id -> Organization
    requests: dict          # id -> AssistanceRequest
    experts: dict           # id -> Expert


def preload(scope: Scope) -> Known:
    """Every record an activity of `scope` may name, in a fixed number of queries."""
    from app.services.registry import experts as expert_service
    from app.services.requests import request_reads
    return Known(
        states={s.code: s for s in db.session.scalars(sa.select(MemberState))},
        instruments={i.code: i for i in db.session.scalars(sa.select(Instrument))},
        organizations={o.id: o for o in db.session.scalars(sa.select(Organization))},
        requests={r.id: r for r in db.session.scalars(
            request_reads.query(scope, request_reads.RequestFilters())
            .options(selectinload(AssistanceRequest.state)))},
        experts={e.id: e for e in db.session.scalars(expert_service.query(scope, expert_service.ExpertFilters()))})


def _by_key(model, column, keys, extra=None, known: dict | None = None) -> dict:
    if not keys:
        return {}
    if known is not None:
        return {key: known[key] for key in keys if key in known}
    select = sa.select(model).where(column.in_(sorted(keys)))
    if extra is not None:
        select = select.where(extra)
    return {getattr(row, column.key): row for row in db.session.scalars(select)}


def _check(scope: Scope, data: ActivityData, found: _Found, known: Known | None = None) -> dict:
    """Resolve codes and ids to rows (one query per kind, none with `known`) and apply the rules; errors go to
    `found`."""
    def pick(name):
        return getattr(known, name) if known is not None else None
    codes = {v.country for v in data.visits} | set(data.served) | set(data.participants)
    states = _by_key(MemberState, MemberState.code, codes, known=pick("states"))
    for name, listed in (("served", data.served), ("participants", data.participants)):
        unknown = [c for c in listed if c not in states]
        if unknown:
            found.refuse(name, _("Unknown State code(s): %(codes)s.", codes=", ".join(unknown)))
    if any(v.country not in states for v in data.visits):
        found.refuse("visits", _("A visit is in a country the record does not know: choose it from the list."))
    both = set(data.served) & set(data.participants)
    if both:
        found.refuse("participants", _("%(codes)s cannot be both served and taking part.",
                                       codes=", ".join(sorted(both))))
    if data.kind == ActivityKind.WRITTEN_ANALYSIS.value and data.visits:
        found.refuse("visits", _("A written analysis is delivered without travel: remove its visits, or choose "
                                 "another kind."))
    if data.kind in GATHERINGS and not (data.served or data.participants):
        found.refuse("served", _("A regional meeting brings States together: name at least one State served or "
                                 "taking part.") if data.kind == ActivityKind.REGIONAL_MEETING.value else
                     _("A subregional meeting brings States together: name at least one State served or taking "
                       "part."))
    if any(v.end_date < v.start_date for v in data.visits):
        found.refuse("visits", _("A visit ends before it starts."))
    if len({(v.country, v.start_date) for v in data.visits}) < len(data.visits):
        found.refuse("visits", _("The same visit (country and start date) is listed twice."))
    instruments = _by_key(Instrument, Instrument.code, set(data.instruments), known=pick("instruments"))
    if set(data.instruments) - set(instruments):
        found.refuse("instruments", _("Choose instruments from the list."))
    organizations = _by_key(Organization, Organization.id, {p.organization_id for p in data.partners},
                            known=pick("organizations"))
    if len(organizations) < len({p.organization_id for p in data.partners}):
        found.refuse("partners", _("A partner is not an organization of the record."))
    if len({p.organization_id for p in data.partners}) < len(data.partners):
        found.refuse("partners", _("An organization is listed twice among the partners."))
    requests = _by_key(AssistanceRequest, AssistanceRequest.id, set(data.requests), scope.requests(),
                       known=pick("requests"))
    if set(data.requests) - set(requests):
        unknown = sorted(set(data.requests) - set(requests))
        found.refuse("requests", _("No request %(numbers)s that you may link.",
                                   numbers=", ".join(f"#{n}" for n in unknown[:5])))
    experts = _by_key(Expert, Expert.id, {d.expert_id for d in data.deployments}, scope.experts(),
                      known=pick("experts"))
    if len(experts) < len({d.expert_id for d in data.deployments}):
        found.refuse("deployments", _("An expert is not on the roster."))
    if len({d.expert_id for d in data.deployments}) < len(data.deployments):
        found.refuse("deployments", _("An expert is listed twice: give one row per expert."))
    if any(d.start_date and d.end_date and d.end_date < d.start_date for d in data.deployments):
        found.refuse("deployments", _("A deployment ends before it starts."))
    return {"states": states, "instruments": instruments, "requests": requests, "organizations": organizations,
            "experts": experts}


def snapshot(a: Activity) -> dict:
    """What the audit trail keeps of an activity: its fields and its links, as text."""
    return {
        "kind": a.kind, "status": a.status, "title": a.title, "description": a.description, "outcome": a.outcome,
        "source": a.source, "topics": list(a.topics or []),
        "visits": [f"{v.city or '—'}, {v.country.code}, {v.start_date} – {v.end_date} ({v.date_precision})"
                   for v in a.visits],
        "served": sorted(s.state.code for s in a.states if s.role == ActivityStateRole.SERVED.value),
        "participants": sorted(s.state.code for s in a.states if s.role == ActivityStateRole.PARTICIPANT.value),
        "instruments": [i.code for i in a.instruments], "other_instruments": [o.name for o in a.other_instruments],
        "partners": sorted(f"{p.organization.name} ({p.role})" for p in a.partners),
        "requests": sorted(r.id for r in a.requests),
        "experts": sorted(f"{d.expert.name} ({d.role}"
                          + (f", {d.start_date or '…'} – {d.end_date or '…'})" if d.start_date or d.end_date else ")")
                          for d in a.deployments),
    }


def check(scope: Scope, data: ActivityData, known: Known) -> None:
    """Refused when `save` would refuse `data` as a new activity (an import's preview: nothing written, no query)."""
    found = _Found()
    _check(scope, data, found, known)
    if found.errors:
        raise Refused(found.errors)


def _new() -> Activity:
    # Every collection known to be empty: none is loaded from the database after the flush (an import of
    # thousands would pay a query per collection per activity).
    activity = Activity(visits=[], states=[], instruments=[], other_instruments=[], partners=[], requests=[],
                        deployments=[])
    db.session.add(activity)
    return activity


def _checked(scope: Scope, data: ActivityData, known: Known | None) -> dict:
    found = _Found()
    rows = _check(scope, data, found, known)
    if found.errors:
        raise Refused(found.errors)
    return rows


def _apply(activity: Activity, data: ActivityData, rows: dict) -> None:
    """Set the activity's fields and replace its children with what `data` lists (no flush)."""
    states = rows["states"]
    by_id = {s.id: s for s in states.values()}
    with db.session.no_autoflush:
        for name in ("kind", "status", "title", "description", "outcome", "source"):
            setattr(activity, name, getattr(data, name))
        activity.topics = list(data.topics)
        own = {v.id for v in activity.visits}
        sync_children(activity.visits, {
            (v.id if v.id in own else ("new", n)): {"country": states[v.country], "city": v.city,
                                                   "start_date": v.start_date, "end_date": v.end_date,
                                                   "date_precision": v.date_precision}
            for n, v in enumerate(data.visits)}, key=lambda v: v.id, make=lambda _key, v: ActivityVisit(**v))
        wanted = {states[c].id: {"role": ActivityStateRole.SERVED.value} for c in data.served}
        wanted.update({states[c].id: {"role": ActivityStateRole.PARTICIPANT.value} for c in data.participants})
        sync_children(activity.states, wanted, key=lambda s: s.state_id,
                      make=lambda sid, v: ActivityState(state=by_id[sid], **v))
        sync_list(activity.instruments, [rows["instruments"][c] for c in data.instruments])
        sync_children(activity.other_instruments, {n: {} for n in dict.fromkeys(data.other_instruments)},
                      key=lambda o: o.name, make=lambda n, _v: ActivityOtherInstrument(name=n))
        sync_children(activity.partners, {p.organization_id: {"role": p.role} for p in data.partners},
                      key=lambda p: p.organization_id,
                      make=lambda oid, v: ActivityPartner(organization=rows["organizations"][oid], **v))
        sync_list(activity.requests, [rows["requests"][r] for r in data.requests])
        sync_children(activity.deployments, {d.expert_id: {"role": d.role, "start_date": d.start_date,
                                                           "end_date": d.end_date} for d in data.deployments},
                      key=lambda d: d.expert_id,
                      make=lambda eid, v: Deployment(expert=rows["experts"][eid], **v))


def _created(activity: Activity) -> None:
    audit.record_for(activity, "create", f"Logged the {ActivityKind.label_of(activity.kind).lower()} "
                                         f"“{activity.title}”", after=snapshot(activity))


def save(scope: Scope, activity: Activity | None, data: ActivityData, version: int | None = None
         ) -> tuple[Activity, list[Overlap]]:
    """Create (`activity` None) or replace an activity with `data`; Refused names every field at fault and
    nothing is changed. Returns the activity and the overlapping deployments to warn about. An edit says which
    `version` it was made from: Stale when the activity changed since. An activity is marked completed only once
    its report is approved (`completion.refusal`)."""
    if activity is not None:
        versions.check(activity, version, _("“%(title)s”", title=activity.title))
        version_before = activity.version
    refusal = completion.refusal(activity, data.kind, data.status)
    if refusal:
        raise Refused({"status": refusal})
    rows = _checked(scope, data, None)
    before = snapshot(activity) if activity is not None else None
    # what the outcome figures counted of it before (a State or an instrument it drops is counted again too)
    counted = outcome_facts.footprint([activity]) if activity is not None else outcome_facts.Footprint()
    if activity is None:
        activity = _new()
    _apply(activity, data, rows)
    versions.flush(activity, _("“%(title)s”", title=activity.title))
    if before is None:
        _created(activity)
    else:
        old, new = audit.changed(before, snapshot(activity))
        if new:
            versions.touch(activity, version_before)
        audit.record_for(activity, "update", f"Edited “{activity.title}”: {fields_in_words(new) or 'nothing changed'}",
                         before=old, after=new)
    db.session.flush()
    outcome_facts.refresh(counted | outcome_facts.footprint([activity]))
    return activity, overlaps(activity)


def create_many(scope: Scope, datas: list[ActivityData], known: Known) -> list[Activity]:
    """New activities, all or none (a spreadsheet import), each checked as `save` checks it against the records
    preloaded by `preload`, and written with one flush, so the inserts go in batches. No overlap warnings."""
    made = []
    for data in datas:
        activity = _new()
        _apply(activity, data, _checked(scope, data, known))
        made.append(activity)
    db.session.flush()
    for activity in made:
        _created(activity)
    db.session.flush()
    outcome_facts.refresh(outcome_facts.footprint(made))
    return made


def spans(deployment: Deployment) -> list[tuple[date, date]]:
    """The days a deployment keeps its expert busy: its own dates (an end missing: the activity's last day, a
    start missing: its first), or else each visit of its activity — not the months between two visits."""
    activity = deployment.activity
    if deployment.start_date is None and deployment.end_date is None:
        return [(v.start_date, v.end_date) for v in activity.visits]
    start = deployment.start_date or activity.start_date or deployment.end_date
    end = deployment.end_date or activity.end_date or start
    return [(start, end)]


def overlaps(activity: Activity) -> list[Overlap]:
    """The deployments of this activity's experts on other activities (not cancelled) on the same days."""
    ids = [d.expert_id for d in activity.deployments]
    if not ids:
        return []
    others = db.session.scalars(
        sa.select(Deployment).join(Activity, Activity.id == Deployment.activity_id)
        .where(Deployment.expert_id.in_(ids), Deployment.activity_id != activity.id,
               Activity.status != ActivityStatus.CANCELLED.value)
        .options(selectinload(Deployment.activity).selectinload(Activity.visits), selectinload(Deployment.expert)))
    by_expert: dict[int, list[Deployment]] = {}
    for other in others:
        by_expert.setdefault(other.expert_id, []).append(other)
    found = []
    for mine in activity.deployments:
        busy = spans(mine)
        for other in by_expert.get(mine.expert_id, []):
            for start, end in spans(other):
                if any(start <= my_end and my_start <= end for my_start, my_end in busy):
                    found.append(Overlap(mine.expert, other.activity, start, end))
    return sorted(found, key=lambda o: (o.expert.name, o.start))
