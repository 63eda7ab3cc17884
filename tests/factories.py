"""Small factories: the least a valid record needs, with overrides, flushed so that it has its id.

States and instruments come from the reference record (loaded once per run); pass codes ("BOL", "TIP").
"""
import itertools
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from models import (
    Activity,
    ActivityState,
    ActivityVisit,
    Allocation,
    AssistanceRequest,
    Contribution,
    Deployment,
    Expert,
    Instrument,
    LegislativeFinding,
    LegislativeIssue,
    MemberState,
    Organization,
    RequestStatusChange,
    TreatyAction,
    TreatyActionSource,
    User,
    db,
)
from models.enums import (
    ActivityKind,
    ActivityStateRole,
    ActivityStatus,
    ContributionStatus,
    ExpertKind,
    FindingStatus,
    OrganizationKind,
    Priority,
    RequestKind,
    RequestStatus,
)

_seq = itertools.count(1)


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def state(code: str) -> MemberState:
    return db.session.scalars(sa.select(MemberState).where(MemberState.code == code)).one()


def instrument(code: str) -> Instrument:
    return db.session.scalars(sa.select(Instrument).where(Instrument.code == code)).one()


def organization(**kw) -> Organization:
    n = next(_seq)
    return _add(Organization(name=kw.pop("name", f"Test donor {n}"),
                             kind=kw.pop("kind", OrganizationKind.DONOR_GOVERNMENT.value), **kw))


def user(role="officer", password="correct-horse-battery-staple", **kw) -> User:
    n = next(_seq)
    if role == "donor" and "donor" not in kw and "donor_id" not in kw:
        kw["donor"] = organization()
    u = User(email=kw.pop("email", f"user{n}@example.test"), name=kw.pop("name", f"Test user {n}"), role=role, **kw)
    u.set_password(password)
    return _add(u)


def activity(kind: str = ActivityKind.MISSION.value, *, visits=(("BOL", date(2003, 3, 10), date(2003, 3, 12)),),
             served=("BOL",), participants=(), instruments=("UNTOC",), status: str = ActivityStatus.COMPLETED.value,
             **kw) -> Activity:
    """An activity with its visits given as (country code, start, end[, city]) and its States by code."""
    n = next(_seq)
    a = Activity(kind=kind, status=status, title=kw.pop("title", f"Test activity {n}"), **kw)
    db.session.add(a)
    for visit in visits:
        code, start, end, *city = visit
        a.visits.append(ActivityVisit(country=state(code), start_date=start, end_date=end,
                                      city=city[0] if city else f"City {n}"))
    for code in served:
        a.states.append(ActivityState(state=state(code), role=ActivityStateRole.SERVED.value))
    for code in participants:
        a.states.append(ActivityState(state=state(code), role=ActivityStateRole.PARTICIPANT.value))
    a.instruments = [instrument(c) for c in instruments]
    return _add(a)


def request(state_code: str = "BOL", *, instruments=("UNTOC",), status: str = RequestStatus.PENDING.value,
            received: date | None = date(2003, 1, 15), **kw) -> AssistanceRequest:
    n = next(_seq)
    r = AssistanceRequest(state=state(state_code), kind=kw.pop("kind", RequestKind.LEGISLATIVE_REVIEW.value),
                          subject=kw.pop("subject", f"Test request {n}"), status=status, received_date=received,
                          priority=kw.pop("priority", Priority.NORMAL.value), **kw)
    db.session.add(r)
    r.instruments = [instrument(c) for c in instruments]
    r.status_changes.append(RequestStatusChange(from_status=None, to_status=status, reason="Logged"))
    return _add(r)


def contribution(donor: Organization | None = None, *, amount: Decimal | None = Decimal("100000.00"),
                 currency: str | None = "USD", status: str = ContributionStatus.RECEIVED.value,
                 instruments=("UNTOC", "TIP", "SOM", "FIREARMS"), **kw) -> Contribution:
    c = Contribution(donor=donor or organization(), amount=amount, currency=currency if amount is not None else None,
                     status=status, **kw)
    db.session.add(c)
    c.instruments = [instrument(code) for code in instruments]
    return _add(c)


def allocation(contribution: Contribution, activity: Activity, amount: Decimal | None = None) -> Allocation:
    return _add(Allocation(contribution=contribution, activity=activity, amount=amount))


def expert(**kw) -> Expert:
    n = next(_seq)
    e = Expert(name=kw.pop("name", f"Test expert {n}"), kind=kw.pop("kind", ExpertKind.CONSULTANT.value),
               email=kw.pop("email", f"expert{n}@example.test"), topics=kw.pop("topics", ["extradition"]),
               languages=kw.pop("languages", ["English"]), **kw)
    return _add(e)


def deployment(expert: Expert, activity: Activity, role: str = "legal adviser", **kw) -> Deployment:
    return _add(Deployment(expert=expert, activity=activity, role=role, **kw))


def issue(**kw) -> LegislativeIssue:
    n = next(_seq)
    return _add(LegislativeIssue(code=kw.pop("code", f"T-{n}"), title=kw.pop("title", f"Test issue {n}"),
                                 article=kw.pop("article", "UNTOC art. 5"), **kw))


def finding(state_code: str = "BOL", *, legislative_issue: LegislativeIssue | None = None,
            activity: Activity | None = None, status: str = FindingStatus.IDENTIFIED.value,
            on: date | None = date(2003, 3, 12), **kw) -> LegislativeFinding:
    f = LegislativeFinding(state=state(state_code), issue=legislative_issue or issue(), activity=activity, **kw)
    f.record_status(status, on)
    return _add(f)


def days(n: int) -> timedelta:
    return timedelta(days=n)


# ------------------------------------------------------------------ the treaty record at other times
def record_until(day: date) -> None:
    """The record as the depositary's tables held it on `day`: every later action removed, each instrument's record
    complete to that day (tests of actions entered later need participants that had not acted yet)."""
    db.session.execute(sa.delete(TreatyAction).where(TreatyAction.action_date > day))
    db.session.execute(sa.update(Instrument).values(record_complete_to=day))
    db.session.flush()
    db.session.expire_all()


def record_as_printed_in_the_annex() -> None:
    """The record as installations held it before the shipped tables became the record: the tables' signatures,
    the deposits of the annex of A/58/165 as printed (source "A/58/165 annex"), no table ever imported."""
    db.session.execute(sa.delete(TreatyAction).where(TreatyAction.category == "deposit"))
    db.session.execute(sa.delete(TreatyActionSource).where(TreatyActionSource.source == "UNTC table"))
    for claim in db.session.scalars(sa.select(TreatyActionSource).filter_by(source="A/58/165 annex")):
        db.session.add(TreatyAction(state_id=claim.state_id, instrument_id=claim.instrument_id, kind=claim.kind,
                                    action_date=claim.action_date, source=claim.source))
    db.session.execute(sa.update(Instrument).values(record_complete_to=None))
    db.session.flush()
    db.session.expire_all()
