"""The outcome timeline of one State: what it received on an instrument and what it did next, in date order, events
the record does not date last (README, "Outcomes"). Descriptive, never causal.

A State assisted for decades has thousands of events, and a page shows a few of them, so none is loaded to find
the ones shown: one SQL statement lists every event as a row (day, order of its kind, kind, id of its record) — a UNION
of one SELECT per kind of event — counts, sorts and pages them; then only the page's records are loaded, one query
per kind of record on the page. The days an instrument entered into force for the State come from the treaty rules,
not from a table: they join the union as literal rows. A page costs the same queries whatever the size of the
record, and the sort happens in the database.

An activity is on the timeline once per visit (in the State, or every visit of an activity held elsewhere), each
visit on its own days: Romania's mission of 8-11 January and 5-6 November 2002 is two lines. Viewed as at today (or
later), work planned after that day is on the timeline too, marked planned; viewed as at an earlier day, nothing
after that day is.

Scope: a donor sees its funded activities (with their experts and findings), its own contributions and the treaty
actions (public record); no requests.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from app.listing import Page, Paging
from app.scoping import Scope
from app.services.outcomes import outcome_money
from app.services.outcomes.outcome_events import EVENT_ORDER, PAID_NAMED, Event, FundingEvent, visit_note
from app.services.treaties import treaty_actions, treaty_record
from models import (
    Activity,
    ActivityState,
    ActivityVisit,
    Allocation,
    AssistanceRequest,
    Contribution,
    Deployment,
    FindingStatusChange,
    Instrument,
    LegislativeFinding,
    LegislativeIssue,
    MemberState,
    db,
)
from models.activity import activity_instruments
from models.assistance_request import assistance_request_instruments
from models.enums import (
    ActionCategory,
    ActionKind,
    ActivityKind,
    ActivityStateRole,
    ActivityStatus,
    FindingStatus,
    RequestStatus,
)


def timeline(scope: Scope, state: MemberState, as_of: date, instrument: Instrument | None,
             paging: Paging) -> Page:
    """One page of everything recorded about `state` and `instrument` (every instrument when None) up to `as_of`,
    in date order (page 1 holds the earliest): requests, activities that served it or that it attended, experts
    deployed on them, legislative findings and their steps, the contributions that paid for those activities, its
    signature and deposit, and the day the instrument entered into force for it. A fixed number of queries."""
    query = _Query(scope, state, as_of, instrument)
    offset = (paging.page - 1) * paging.per_page
    rows = db.session.execute(query.rows(query.order()).limit(paging.per_page).offset(offset)).all()
    total = rows[0].total if rows else (query.count() if offset else 0)
    return Page(query.events(rows), paging.page, paging.per_page, total)


def latest(scope: Scope, state: MemberState, as_of: date, instrument: Instrument | None,
           limit: int, statuses: dict | None = None) -> tuple[list[Event], int]:
    """The latest `limit` dated events of the timeline (undated ones only when fewer are dated), in date order, and
    how many events the whole timeline holds: what a State's page shows before anyone asks for a page."""
    query = _Query(scope, state, as_of, instrument, statuses)
    rows = db.session.execute(query.rows(query.order(descending=True)).limit(limit)).all()
    # Newest first, undated after the dated: turned round into date order, undated still last.
    dated = [r for r in rows if r.day is not None]
    undated = [r for r in rows if r.day is None]
    return query.events(dated[::-1] + undated[::-1]), rows[0].total if rows else 0


def every_event(scope: Scope, state: MemberState, as_of: date, instrument: Instrument | None) -> list[Event]:
    """The whole timeline in date order (undated last), without pages: what its exports hold."""
    query = _Query(scope, state, as_of, instrument)
    return query.events(db.session.execute(query.rows(query.order())).all())


def _codes(instruments: Iterable[Instrument], wanted: Instrument | None) -> tuple[str, ...]:
    return tuple(i.code for i in instruments if wanted is None or i.id == wanted.id)


def _finding_instrument(finding: LegislativeFinding) -> str:
    """The instrument an issue belongs to: the first word of its article ("UNTOC art. 5", "TIP art. 3(a)")."""
    return (finding.issue.article or "").split(" ", 1)[0].upper()


def _not_after(day, as_of: date):
    """Dated on or before `as_of`, or not dated at all (undated events are shown, last)."""
    return sa.or_(day.is_(None), day <= as_of)


def _arm(day, kind: str | sa.ColumnElement, record_id, rank=None, part_id=None) -> sa.Select:
    """One SELECT of the union: the columns every kind of event gives (`part_id`: the visit of an activity)."""
    kind_column = sa.literal(kind, sa.String) if isinstance(kind, str) else kind
    rank_column = sa.literal(EVENT_ORDER[kind], sa.Integer) if rank is None else rank
    part = sa.cast(sa.null(), sa.Integer) if part_id is None else part_id
    return sa.select(day.label("day"), rank_column.label("rank"), kind_column.label("kind"),
                     record_id.label("record_id"), part.label("part_id"))


class _Query:
    """The union of a State's events as at a day, and what it takes to turn a page of its rows into Events."""

    def __init__(self, scope: Scope, state: MemberState, as_of: date, instrument: Instrument | None, statuses=None):
        self.scope, self.state, self.as_of, self.instrument = scope, state, as_of, instrument
        self.today = date.today()
        #: Viewed as at today or later: what is planned after today is shown (marked planned).
        self.ahead = as_of >= self.today
        self.instruments = list(db.session.scalars(sa.select(Instrument).order_by(Instrument.id)))
        self.wanted = [i for i in self.instruments if instrument is None or i.id == instrument.id]
        self.activities = self._activities()
        self.in_force = self._in_force(statuses or {})
        self.union = self._union().subquery("timeline_events")

    # -- the rows
    def _activities(self) -> sa.CTE:
        """(id, day, held_here) of the activities on the timeline: those that served the State or that it took part
        in, within the scope (and naming the instrument), dated by their first visit — on or before `as_of`, or
        undated — and whether a visit was in the State. Read from the State's activity index and the visits' index;
        the union and the loads of the contributions' activities read it. Viewed as at today, activities planned
        later (not cancelled) are on it too."""
        state_activity = ActivityState.activity_id
        first = sa.func.min(ActivityVisit.start_date)
        shown = _not_after(first, self.as_of)
        if self.ahead:
            shown = sa.or_(shown, sa.func.max(Activity.status) != ActivityStatus.CANCELLED.value)
        held_here = sa.func.max(sa.case((ActivityVisit.country_id == self.state.id, 1), else_=0))
        select = (sa.select(state_activity.label("id"), first.label("day"), held_here.label("held_here"))
                  .join(Activity, Activity.id == state_activity)
                  .outerjoin(ActivityVisit, ActivityVisit.activity_id == state_activity)
                  .where(ActivityState.state_id == self.state.id, self.scope.activities(state_activity))
                  .group_by(state_activity).having(shown))
        if self.instrument is not None:
            select = select.where(state_activity.in_(sa.select(activity_instruments.c.activity_id).where(
                activity_instruments.c.instrument_id == self.instrument.id)))
        return select.cte("timeline_activities")

    def _in_force(self, known: dict) -> dict[int, Event]:
        """Instrument id -> the day it entered into force for the State, on or before `as_of` (the treaty rules'
        figure, kept between requests: no query once computed; `known`: those the caller holds, used if complete)."""
        complete = all(i.code in known for i in self.wanted)
        statuses = known if complete else treaty_record.statuses(self.wanted, self.as_of)
        out = {}
        for inst in self.wanted:
            party = next((p for p in statuses[inst.code].parties if p.participant == self.state.code), None)
            if party and party.in_force_date and party.in_force_date <= self.as_of:
                out[inst.id] = Event(party.in_force_date, "in_force", (inst.code,),
                                     f"{inst.code} in force for {self.state.name_on(party.in_force_date)}", None,
                                     ("instruments.detail", {"code": inst.code}), None)
        return out

    def _union(self) -> sa.CompoundSelect:
        """One SELECT per kind of event, each reading no more than the columns of the order (the day, and the id
        of the record): no title, so no join to the tables that hold them, and a request is read from its index
        on (State, date) alone."""
        scope, state, as_of, acts = self.scope, self.state, self.as_of, self.activities
        treaty = treaty_actions.timeline_select(state.id, as_of, [i.id for i in self.wanted], EVENT_ORDER).subquery()
        arms = [
            _arm(treaty.c.day, treaty.c.kind, treaty.c.record_id, rank=treaty.c.rank),
            _arm(acts.c.day, "activity", acts.c.id).where(acts.c.day.is_(None)),  # no visit recorded
            self._visits(),
        ]
        arms += [_arm(sa.literal(e.day, sa.Date), "in_force", sa.literal(instrument_id, sa.Integer))
                 for instrument_id, e in self.in_force.items()]
        # an expert on the activity's dates unless the deployment has its own
        day = sa.func.coalesce(Deployment.start_date, acts.c.day)
        arms.append(_arm(day, "deployment", Deployment.id).select_from(Deployment)
                    .join(acts, acts.c.id == Deployment.activity_id)
                    .where(sa.true() if self.ahead else _not_after(day, as_of)))
        # a contribution on its own date, or else on that of the first activity of the timeline it paid for
        # (the allocations of the timeline's activities, found by activity: never a scan of every allocation)
        paid = (sa.select(Allocation.contribution_id, sa.func.min(ActivityVisit.start_date).label("first_paid"))
                .outerjoin(ActivityVisit, ActivityVisit.activity_id == Allocation.activity_id)
                .where(Allocation.activity_id.in_(sa.select(acts.c.id)))
                .group_by(Allocation.contribution_id).subquery())
        own = outcome_money.own_date()
        arms.append(_arm(own, "contribution", Contribution.id).select_from(Contribution)
                    .join(paid, paid.c.contribution_id == Contribution.id)
                    .where(scope.contributions(), own.is_not(None), own <= as_of))
        # contributions with no date of their own take the date of the activity they paid for, and say so once: one
        # line per such date, whatever the number of donors (the seven of one para 16 mission), named by its first
        self.paid = paid
        undated = (sa.select(paid.c.first_paid.label("day"), sa.func.min(Contribution.id).label("id"))
                   .join(paid, paid.c.contribution_id == Contribution.id)
                   .where(scope.contributions(), own.is_(None), _not_after(paid.c.first_paid, as_of))
                   .group_by(paid.c.first_paid).subquery())
        arms.append(_arm(undated.c.day, "contribution", undated.c.id))
        if not scope.is_donor:
            requests = (_arm(AssistanceRequest.received_date, "request", AssistanceRequest.id)
                        .where(AssistanceRequest.state_id == state.id, scope.requests(),
                               _not_after(AssistanceRequest.received_date, as_of)))
            if self.instrument is not None:
                requests = requests.where(AssistanceRequest.id.in_(
                    sa.select(assistance_request_instruments.c.request_id)
                    .where(assistance_request_instruments.c.instrument_id == self.instrument.id)))
            arms.append(requests)
        findings = (_arm(FindingStatusChange.status_date, "finding", FindingStatusChange.id)
                    .select_from(FindingStatusChange)
                    .join(LegislativeFinding, LegislativeFinding.id == FindingStatusChange.finding_id)
                    .where(LegislativeFinding.state_id == state.id, scope.findings(),
                           _not_after(FindingStatusChange.status_date, as_of)))
        if self.instrument is not None:  # the article's first word names the instrument ("TIP art. 5")
            code, article = self.instrument.code.upper(), sa.func.upper(LegislativeIssue.article)
            findings = (findings.join(LegislativeIssue, LegislativeIssue.id == LegislativeFinding.issue_id)
                        .where(sa.or_(article == code, sa.func.substr(article, 1, len(code) + 1) == code + " ")))
        arms.append(findings)
        return sa.union_all(*arms)

    def _visits(self) -> sa.Select:
        """One row per visit of the timeline's activities: the visits in the State, or all the visits of one held
        elsewhere (`held_here`: NOT IN the State's visits made PostgreSQL read every visit); to `as_of`, or planned."""
        visit, activities = ActivityVisit, self.activities
        select = (_arm(visit.start_date, "activity", visit.activity_id, part_id=visit.id).select_from(visit)
                  .join(activities, activities.c.id == visit.activity_id)
                  .where(sa.or_(visit.country_id == self.state.id, activities.c.held_here == 0)))
        if not self.ahead:
            select = select.where(visit.start_date <= self.as_of)
        return select

    def order(self, descending: bool = False) -> list:
        """Date order, undated last, then the order of the kinds on a day and the record's id (a stable page, in
        the order things were recorded); `descending`: the latest first, undated still last."""
        c = self.union.c
        columns = (c.day, c.rank, c.record_id, c.part_id)
        return [c.day.is_(None), *(column.desc() if descending else column for column in columns)]

    def rows(self, order: list) -> sa.Select:
        """The union's rows in `order`, each with the number of rows in all (one statement for both)."""
        return sa.select(self.union, sa.func.count().over().label("total")).order_by(*order)

    def count(self) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(self.union))

    # -- the records of a page
    def events(self, rows) -> list[Event]:
        """The Events of `rows`, in their order: the page's records, one query per kind of record on the page."""
        days: dict[str, dict[int, date | None]] = defaultdict(dict)  # kind -> record id -> the row's day
        visits: dict[tuple[int, int | None], date | None] = {}  # (activity id, visit id) -> the visit's day
        for row in rows:
            if row.kind == "activity":
                visits[(row.record_id, row.part_id)] = row.day
            else:
                days["deposit" if row.kind == "signature" else row.kind][row.record_id] = row.day
        built: dict[tuple, Event] = {}
        built.update(self._activity_events(visits, days["deployment"]))
        built.update(self._contribution_events(days["contribution"]))
        built.update(self._request_events(list(days["request"])))
        built.update(self._finding_events(list(days["finding"])))
        built.update(self._treaty_events(list(days["deposit"])))
        built.update((("in_force", i), e) for i, e in self.in_force.items())
        return [self._planned(built[(row.kind, row.record_id, row.part_id) if row.kind == "activity"
                                    else (row.kind, row.record_id)]) for row in rows]

    def _planned(self, event: Event) -> Event:
        """The event marked planned when it lies after today (only shown when viewed as at today or later)."""
        if event.day is None or event.day <= self.today:
            return event
        return replace(event, planned=True, detail=_("Planned; %(detail)s", detail=event.detail) if event.detail
                       else _("Planned"))

    def _activity_events(self, visit_days: dict, deployment_days: dict) -> dict:
        """Activities, one event per visit, and deployments, dated as the union dated them (a visit by its first
        day, a deployment by its own first day or else its activity's first visit)."""
        activity_ids, deployment_ids = list(dict.fromkeys(a for a, _ in visit_days)), list(deployment_days)
        if not activity_ids and not deployment_ids:
            return {}
        deployments = list(db.session.scalars(sa.select(Deployment).where(Deployment.id.in_(deployment_ids))
                                              .options(joinedload(Deployment.expert)))) if deployment_ids else []
        wanted = set(activity_ids) | {d.activity_id for d in deployments}
        activities = {a.id: a for a in db.session.scalars(
            sa.select(Activity).where(Activity.id.in_(wanted)).options(selectinload(Activity.instruments),
                selectinload(Activity.visits).joinedload(ActivityVisit.country).selectinload(MemberState.names)))}
        roles: dict[int, str] = {}
        if activity_ids:
            for activity_id, role in db.session.execute(
                    sa.select(ActivityState.activity_id, ActivityState.role)
                    .where(ActivityState.state_id == self.state.id, ActivityState.activity_id.in_(activity_ids))
                    .order_by(ActivityState.id)):
                roles.setdefault(activity_id, role)
        out = {}
        for (activity_id, visit_id), day in visit_days.items():
            activity = activities[activity_id]
            role = roles.get(activity_id, ActivityStateRole.SERVED.value)
            detail = f"{ActivityKind.label_of(activity.kind)}; {ActivityStateRole.label_of(role).lower()}"
            if activity.status != ActivityStatus.COMPLETED.value:
                detail += f"; {ActivityStatus.label_of(activity.status).lower()}"
            detail += visit_note(activity, visit_id)
            out[("activity", activity_id, visit_id)] = Event(
                day, "activity", _codes(activity.instruments, self.instrument), activity.title,
                detail, ("activities.detail", {"activity_id": activity.id}), ("activity", activity.id))
        for deployment in deployments:
            activity = activities[deployment.activity_id]
            out[("deployment", deployment.id)] = Event(
                deployment_days[deployment.id], "deployment",
                _codes(activity.instruments, self.instrument), f"{deployment.expert.name} ({deployment.role})",
                _("On “%(title)s”", title=activity.title), ("experts.detail", {"expert_id": deployment.expert_id}),
                ("deployment", deployment.id), None if deployment.start_date else _("the activity's date"))
        return out

    def _contribution_events(self, contribution_days: dict) -> dict:
        """A contribution's line names the first PAID_NAMED activities of the timeline it paid for and counts the
        rest; its instruments are those of all of them. Dated as the union dated it; the contributions it stands
        for, its date's note and its inference mark are outcome_money's."""
        if not contribution_days:
            return {}
        acts = self.activities
        grouped = outcome_money.lines(self.scope, self.paid, acts, contribution_days)
        contribution_ids = [c.id for line in grouped.values() for c in line.contributions]
        ranked = (sa.select(Allocation.contribution_id, Activity.title,
                            sa.func.row_number().over(partition_by=Allocation.contribution_id,
                                                      order_by=(acts.c.day.is_(None), acts.c.day, Activity.title,
                                                                Activity.id)).label("n"),
                            sa.func.count().over(partition_by=Allocation.contribution_id).label("of"))
                  .join(acts, acts.c.id == Allocation.activity_id).join(Activity, Activity.id == acts.c.id)
                  .where(Allocation.contribution_id.in_(contribution_ids)).subquery())
        paid: dict[int, list] = defaultdict(list)
        for row in db.session.execute(sa.select(ranked).where(ranked.c.n <= PAID_NAMED).order_by(ranked.c.n)):
            paid[row.contribution_id].append(row)
        codes: dict[int, set[int]] = defaultdict(set)
        for contribution_id, instrument_id in db.session.execute(
                sa.select(Allocation.contribution_id, activity_instruments.c.instrument_id).distinct()
                .join(acts, acts.c.id == Allocation.activity_id)
                .join(activity_instruments, activity_instruments.c.activity_id == Allocation.activity_id)
                .where(Allocation.contribution_id.in_(contribution_ids))):
            codes[contribution_id].add(instrument_id)
        out = {}
        for head_id, line in grouped.items():
            instrument_ids = set().union(*(codes[c.id] for c in line.contributions))
            named = paid[head_id]
            more = named[0].of - len(named) if named else 0
            titles = "; ".join(r.title for r in named)
            detail = (_("Paid for %(titles)s and %(more)s more", titles=titles, more=more) if more
                      else _("Paid for %(titles)s", titles=titles))
            out[("contribution", head_id)] = FundingEvent(
                line.day, "contribution",
                _codes([i for i in self.instruments if i.id in instrument_ids], self.instrument), line.title, detail,
                ("contributions.detail", {"contribution_id": head_id}), ("contribution", head_id), line.date_note,
                inferred=line.inferred, contributions=tuple(c.id for c in line.contributions))
        return out

    def _request_events(self, request_ids: list[int]) -> dict:
        if not request_ids:
            return {}
        found = db.session.scalars(sa.select(AssistanceRequest).where(AssistanceRequest.id.in_(request_ids))
                                   .options(selectinload(AssistanceRequest.instruments)))
        return {("request", r.id): Event(r.received_date, "request", _codes(r.instruments, self.instrument),
                                         r.subject, _("Status now: %(status)s",
                                                      status=RequestStatus.label_of(r.status).lower()),
                                         ("requests.detail", {"request_id": r.id}), ("request", r.id))
                for r in found}

    def _finding_events(self, step_ids: list[int]) -> dict:
        if not step_ids:
            return {}
        known = {i.code for i in self.instruments}
        steps = db.session.scalars(sa.select(FindingStatusChange).where(FindingStatusChange.id.in_(step_ids))
                                   .options(joinedload(FindingStatusChange.finding)
                                            .joinedload(LegislativeFinding.issue)))
        out = {}
        for step in steps:
            finding = step.finding
            code = _finding_instrument(finding)
            out[("finding", step.id)] = Event(
                step.status_date, "finding", (code,) if code in known else (),
                f"{finding.issue.title}: {FindingStatus.label_of(step.status).lower()}",
                step.note or finding.issue.article, ("findings.detail", {"finding_id": finding.id}),
                ("finding", finding.id))
        return out

    def _treaty_events(self, action_ids: list[int]) -> dict:
        if not action_ids:
            return {}
        by_id = {i.id: i for i in self.instruments}
        out = {}
        for action in treaty_actions.by_ids(action_ids):
            code = by_id[action.instrument_id].code
            kind = "signature" if action.category == ActionCategory.SIGNATURE.value else "deposit"
            title = _("%(code)s: %(kind)s", code=code,
                      kind=(_("signature") if kind == "signature" else ActionKind.label_of(action.kind).lower()))
            out[(kind, action.id)] = Event(action.action_date, kind, (code,), title,
                                           _("Source: %(source)s", source=action.source),
                                           ("instruments.detail", {"code": code}), ("treaty_action", action.id))
        return out

