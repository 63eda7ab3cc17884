"""Which States are likely to deposit an instrument within the next 12 months, as at a date: the panel of what the
record held about every State and instrument (`app.rules.deposit_odds`), the model fitted on the months known
before the date, and its check on the record (Brier score against the base rate, a reliability table).

Loaded in a fixed number of queries; the panel's content is the key of what is computed from it (the check on the
record: a few seconds once per content; a fit as at a date: once per content and date), so a change elsewhere in
the record costs only the queries. Managers read it (`scope` narrows the assistance a donor would see; pages show
it to managers only): descriptive, never causal.
"""
from __future__ import annotations

import datetime
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from app.rules import deposit_odds as odds
from app.rules.forecast import add_months
from app.scoping import Scope
from app.services.treaties import forecast, treaty_record
from models import (
    Activity,
    ActivityState,
    ActivityVisit,
    AssistanceRequest,
    FindingStatusChange,
    Instrument,
    LegislativeFinding,
    LegislativeIssue,
    MemberState,
    OutcomeFact,
    OutcomeRequest,
    db,
)
from models.activity import activity_instruments
from models.assistance_request import assistance_request_instruments
from models.enums import ActivityStateRole, ActivityStatus, ParticipantKind
from models.outcome_fact import EVERY_DONOR

date = datetime.date

_memory: OrderedDict = OrderedDict()
_lock = threading.Lock()
#: Results kept by content (checks and fits as at a date).
MEMORY_SIZE = 32
#: The check on the record: a prediction every this many months from the first date a fit is possible.
CHECK_EVERY_MONTHS = 6


def _remember(key: tuple, compute):
    with _lock:
        if key in _memory:
            _memory.move_to_end(key)
            return _memory[key]
    value = compute()
    with _lock:
        _memory[key] = value
        while len(_memory) > MEMORY_SIZE:
            _memory.popitem(last=False)
    return value


def _first_days(rows, index: dict) -> dict[tuple[str, int], date]:
    out: dict[tuple[str, int], date] = {}
    for code, instrument_id, day in rows:
        key = (code, instrument_id)
        if day is not None and key[1] in index and (key not in out or day < out[key]):
            out[key] = day
    return out


def _activity_rows(scope: Scope) -> list:
    """(State code, instrument id, role, first day) of the dated, non-cancelled activities on each instrument.
    The whole record's are the outcome figures the writes keep (models/outcome_fact.py: every donor's rows, one
    per kind); a donor's narrower record is grouped from the activities themselves. At 200,000 requests the
    grouping read every activity's States, instruments and visits: 262 ms of an instrument page's 1.7 s."""
    return live_activity_rows(scope) if scope.is_donor else kept_activity_rows()


def kept_activity_rows() -> list:
    """The whole record's rows of `_activity_rows`, from the kept outcome figures."""
    role = sa.case((OutcomeFact.is_served, ActivityStateRole.SERVED.value), else_=ActivityStateRole.PARTICIPANT.value)
    return db.session.execute(
        sa.select(MemberState.code, OutcomeFact.instrument_id, role, sa.func.min(OutcomeFact.first_date))
        .join(MemberState, MemberState.id == OutcomeFact.state_id)
        .where(OutcomeFact.donor_id == EVERY_DONOR, OutcomeFact.first_date.is_not(None))
        .group_by(MemberState.code, OutcomeFact.instrument_id, OutcomeFact.is_served)).all()


def live_activity_rows(scope: Scope) -> list:
    """The rows of `_activity_rows` grouped from the activities within `scope`."""
    begun = (sa.select(ActivityVisit.activity_id, sa.func.min(ActivityVisit.start_date).label("start"))
             .group_by(ActivityVisit.activity_id).subquery())
    return db.session.execute(
        sa.select(MemberState.code, activity_instruments.c.instrument_id, ActivityState.role,
                  sa.func.min(begun.c.start))
        .select_from(ActivityState).join(Activity, Activity.id == ActivityState.activity_id)
        .join(begun, begun.c.activity_id == Activity.id)
        .join(activity_instruments, activity_instruments.c.activity_id == Activity.id)
        .join(MemberState, MemberState.id == ActivityState.state_id)
        .where(scope.activities(), Activity.status != ActivityStatus.CANCELLED.value)
        .group_by(MemberState.code, activity_instruments.c.instrument_id, ActivityState.role)).all()


def _request_rows(scope: Scope) -> list:
    """(State code, instrument id, first day received) of the dated requests: the whole record's kept by the
    writes (outcome_requests; 265 ms of grouping at 200,000 requests), a donor's grouped from its requests."""
    return live_request_rows(scope) if scope.is_donor else kept_request_rows()


def kept_request_rows() -> list:
    return db.session.execute(
        sa.select(MemberState.code, OutcomeRequest.instrument_id, OutcomeRequest.first_received_date)
        .join(MemberState, MemberState.id == OutcomeRequest.state_id)).all()


def live_request_rows(scope: Scope) -> list:
    return db.session.execute(
        sa.select(MemberState.code, assistance_request_instruments.c.instrument_id,
                  sa.func.min(AssistanceRequest.received_date))
        .join(assistance_request_instruments, assistance_request_instruments.c.request_id == AssistanceRequest.id)
        .join(MemberState, MemberState.id == AssistanceRequest.state_id)
        .where(scope.requests()).group_by(MemberState.code, assistance_request_instruments.c.instrument_id)).all()


def _assistance(scope: Scope, instruments: list[Instrument], index: dict) -> tuple[dict, dict, dict, dict]:
    """The first day each State was served by, or took part in, an activity on each instrument, asked for
    assistance on it, and had a legislative finding on it at "draft law" or beyond (three grouped queries)."""
    activity_rows, request_rows = _activity_rows(scope), _request_rows(scope)
    codes = {i.code: i.id for i in instruments}
    step_rows = db.session.execute(
        sa.select(MemberState.code, LegislativeIssue.article, sa.func.min(FindingStatusChange.status_date))
        .join(LegislativeFinding, LegislativeFinding.id == FindingStatusChange.finding_id)
        .join(LegislativeIssue, LegislativeIssue.id == LegislativeFinding.issue_id)
        .join(MemberState, MemberState.id == LegislativeFinding.state_id)
        .where(scope.findings(), FindingStatusChange.status.in_(forecast.DRAFTING))
        .group_by(MemberState.code, LegislativeIssue.article)).all()
    served = ActivityStateRole.SERVED.value
    return (_first_days([(c, i, d) for c, i, role, d in activity_rows if role == served], index),
            _first_days([(c, i, d) for c, i, role, d in activity_rows if role != served], index),
            _first_days(request_rows, index),
            _first_days([(code, codes.get(forecast.article_instrument(article)), day)
                         for code, article, day in step_rows], index))


def load_panel(scope: Scope) -> tuple[odds.Panel, date]:
    """Every State and instrument with the first day of each fact (a fixed number of queries), and the day the
    record is complete to (the earliest of the instruments': outcomes after it are not recorded)."""
    instruments = list(db.session.scalars(sa.select(Instrument).order_by(Instrument.id)))
    index = {i.id: n for n, i in enumerate(instruments)}
    states = db.session.execute(sa.select(MemberState.code, MemberState.regional_group)
                                .where(MemberState.kind == ParticipantKind.STATE.value)
                                .order_by(MemberState.code)).all()
    actions = treaty_record.load_actions(index)
    signed, deposited = {}, {}
    for instrument_id, listed in actions.items():
        for a in listed:
            target = deposited if a.is_deposit else signed
            key = (a.participant, instrument_id)
            if key not in target or a.date < target[key]:
                target[key] = a.date
    served, took_part, requested, drafting = _assistance(scope, instruments, index)
    groups = {g: n for n, g in enumerate(odds.GROUPS)}
    pairs = [(s, i) for s in range(len(states)) for i in instruments]
    facts = np.array([[odds.day_number(table.get((states[s].code, i.id))) for table in (
        signed, {}, served, took_part, requested, drafting)] for s, i in pairs], dtype=np.int64).reshape(-1, 6)
    for row, (s, i) in enumerate(pairs):  # a Protocol's parties must be party to the Convention
        if i.supplements_id:
            facts[row, 1] = odds.day_number(deposited.get((states[s].code, i.supplements_id)))
    panel = odds.Panel(
        tuple(s.code for s in states), tuple(i.code for i in instruments),
        np.array([s for s, _i in pairs], dtype=np.int64), np.array([index[i.id] for _s, i in pairs], dtype=np.int64),
        np.array([groups.get(states[s].regional_group, -1) for s, _i in pairs], dtype=np.int64), facts,
        np.array([odds.day_number(deposited.get((states[s].code, i.id))) for s, i in pairs], dtype=np.int64),
        np.array([i.adopted_date.toordinal() for i in instruments], dtype=np.int64),
        np.array([i.supplements_id is not None for i in instruments]))
    known = [i.record_complete_to for i in instruments if i.record_complete_to]
    return panel, min(known) if known else date.today()


def _content(panel: odds.Panel, complete_to: date) -> str:
    digest = hashlib.sha256(repr((panel.states, panel.instruments, complete_to)).encode())
    for array in (panel.group, panel.facts, panel.deposited, panel.adopted):
        digest.update(array.tobytes())
    return digest.hexdigest()


def check_origins(panel: odds.Panel, complete_to: date) -> list[date]:
    """The dates of the check: every CHECK_EVERY_MONTHS months from 18 months after the first adoption (a year of
    outcomes to learn from, and some months of them) to a year before the record's last day."""
    first = date.fromordinal(int(panel.adopted.min()))
    day, out = add_months(date(first.year, first.month, 1), 18), []
    while day <= add_months(complete_to, -odds.HORIZON):
        out.append(day)
        day = add_months(day, CHECK_EVERY_MONTHS)
    return out


@dataclass(frozen=True)
class Likely:
    """One State not party on the date, with its probability of depositing within 12 months and what it had."""
    code: str
    probability: float
    facts: dict[str, date | None]


@dataclass(frozen=True)
class Outlook:
    instrument: str
    as_of: date
    #: The fit's date: `as_of`, or the record's last day when `as_of` is later.
    fitted_as_at: date
    fit: odds.Fit | None
    ranked: tuple[Likely, ...]
    calibration: odds.Calibration
    calibration_instrument: odds.Calibration


def outlook(instrument: Instrument, as_of: date, scope: Scope) -> Outlook:
    """The States not party to `instrument` on `as_of`, ranked by their probability of depositing within 12
    months, from the model fitted on what was known by then; with the model's check on the record."""
    panel, complete_to = load_panel(scope)
    content = _content(panel, complete_to)
    day = min(as_of, complete_to)
    predictions = _remember(("check", content), lambda: odds.replay(panel, check_origins(panel, complete_to)))
    model = _remember(("fit", content, day), lambda: odds.fit(panel, day))
    number = panel.instruments.index(instrument.code)
    ranked: list[Likely] = []
    if model is not None:
        risk = panel.at_risk(as_of) & (panel.instrument == number)
        probability = model.probabilities(panel.features(day))
        for row in np.flatnonzero(risk):
            facts = {name: (date.fromordinal(int(v)) if v <= as_of.toordinal() else None)
                     for name, v in zip(odds.FACTS, panel.facts[row], strict=True)}
            ranked.append(Likely(panel.states[panel.state[row]], float(probability[row]), facts))
    ranked.sort(key=lambda r: (-r.probability, r.code))
    return Outlook(instrument.code, as_of, day, model, tuple(ranked), odds.calibration(predictions),
                   odds.calibration(predictions, number))
