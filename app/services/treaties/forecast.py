"""The entry-into-force forecast of an instrument as at a date and the States most advanced toward depositing it.

The projection is `app.rules.forecast_choice` (the model chosen by the backtest, calibrated intervals), read from
the fits kept per record stamp (`forecast_store`); `app.rules.forecast` gives the recent rate shown beside it.
This module loads the actions (one query for any number of instruments) and, for the States most advanced, what
the record held on `as_of`: signatures, activities on the instrument begun by then, requests received by then, and
legislative findings whose step dated by then is "draft law" or beyond. Those are scoped: a donor sees the States
its money reached and the assistance it funded; the treaty figures stay whole (facts of the treaty).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.formatting import format_date
from app.rules import diffusion
from app.rules import forecast as model
from app.rules import forecast_backtest as backtesting
from app.rules import forecast_choice as choice
from app.scoping import Scope
from app.services.registry import states as state_service
from app.services.treaties import assistance, forecast_store, treaty_record
from models import (
    AssistanceRequest,
    FindingStatusChange,
    Instrument,
    LegislativeFinding,
    LegislativeIssue,
    MemberState,
    db,
)
from models.assistance_request import assistance_request_instruments
from models.enums import FindingStatus, RequestStatus

date = datetime.date

#: The diffusion curves' names (app.rules.diffusion names every model in English, for the API's keys' sake).
_CURVES = {"logistic": _l("Logistic diffusion, signatories as ceiling"),
           "gompertz": _l("Gompertz diffusion, signatories as ceiling"),
           "bass": _l("Bass diffusion, signatories as ceiling")}


def model_label(key: str) -> str:
    """A forecasting model's name (a key of app.rules.diffusion.MODELS) in the reader's language."""
    model_ = diffusion.MODELS.get(key)
    if isinstance(model_, diffusion.RateModel):
        return _("Recent rate (%(days)s-day window)", days=model_.window)
    if isinstance(model_, diffusion.CurveModel) and model_.kind in _CURVES:
        return str(_CURVES[model_.kind])
    return key


def model_labels() -> dict[str, str]:
    """Every model's name by key, in the order the backtest shows them."""
    return {key: model_label(key) for key in diffusion.MODELS}

#: Finding steps that count as legislation under way.
DRAFTING = (FindingStatus.DRAFT_LAW.value, FindingStatus.ENACTED.value)
#: Requests that no longer ask for anything.
CLOSED_REQUESTS = (RequestStatus.DECLINED.value, RequestStatus.WITHDRAWN.value)
#: Instruments named at the start of a legislative issue's article ("TIP art. 3(a) and 5"); others are the Convention's.
_ARTICLE_CODES = ("UNTOC", "TIP", "SOM", "FIREARMS")


@dataclass
class Candidate:
    """A State not yet party as at the date, with what brings it closer to depositing."""
    state: MemberState
    signed: date | None = None
    #: For a Protocol: the day it became party to the Convention (a Protocol's parties must be), if it has.
    convention_party: date | None = None
    first_activity: date | None = None
    activities: int = 0
    requests: int = 0
    drafting: list[str] = field(default_factory=list)

    @property
    def assisted(self) -> bool:
        """Assisted as /outcomes counts it (`assistance.assisted_select`): an activity begun by the date."""
        return bool(self.activities)

    @property
    def score(self) -> int:
        """One point each: signed, party to the Convention (Protocols), assistance under way or asked for (an
        activity begun or a request received), a draft law."""
        return ((self.signed is not None) + (self.convention_party is not None)
                + bool(self.assisted or self.requests) + bool(self.drafting))


@dataclass(frozen=True)
class InstrumentForecast:
    instrument: Instrument
    #: The recent rate (the window asked for): shown beside the forecast.
    forecast: model.Forecast
    candidates: list[Candidate]
    #: How many candidates there were before the list was cut to its length.
    candidates_total: int
    #: (date, parties, counted) after each deposit date up to the date: the chart's steps.
    points: list = field(default_factory=list)
    #: The forecast: the model chosen by the backtest as at the date, with its calibrated intervals.
    projection: choice.Projection | None = None
    #: The instrument's backtest (None when it is not in force on the record) and the whole backtest's figures.
    backtest: backtesting.InstrumentBacktest | None = None
    overall: backtesting.Figures | None = None
    #: Why the date asked for was changed or what it means (before adoption, after the record's last day).
    date_note: str = ""


def article_instrument(article: str | None) -> str:
    """The instrument a legislative issue's article names ("TIP art. 3(a)"); the Convention's by default."""
    first = (article or "").split(" ", 1)[0].upper()
    return first if first in _ARTICLE_CODES else "UNTOC"


def instrument_forecast(instrument: Instrument, as_of: date, scope: Scope, limit: int = 20,
                        window_days: int = model.WINDOW_DAYS) -> InstrumentForecast:
    """The forecast, the recent rate and the States most advanced as at `as_of` (a fixed number of queries once the
    record's fits are kept). After the day the record is complete to, the forecast is made as at that day."""
    actions = treaty_record.load_actions({instrument.id, instrument.supplements_id})
    parent_actions = actions.get(instrument.supplements_id, []) if instrument.supplements_id else []
    rate = model.forecast(treaty_record.terms_for(instrument), actions[instrument.id], as_of, parent_actions,
                          window_days)
    points = treaty_record.rules.cumulative_parties(treaty_record.terms_for(instrument), actions[instrument.id], as_of)
    made_as_at, note = as_of, ""
    complete = instrument.record_complete_to
    if as_of < instrument.adopted_date:
        note = _("The %(code)s was adopted on %(day)s: before that there is nothing to forecast.",
                 code=instrument.code, day=format_date(instrument.adopted_date))
    elif complete and as_of > complete:
        made_as_at = complete
        note = _("The record is complete to %(day)s: deposits after it are not recorded, so the forecast is the one "
                 "made as at that day.", day=format_date(complete))
    projection = forecast_store.projection(instrument.code, made_as_at)
    result, complete_to = forecast_store.backtest()
    extra = dict(projection=projection, backtest=result.of(instrument.code), overall=result.figures(),
                 date_note=note)
    if projection.reached:
        return InstrumentForecast(instrument, rate, [], 0, points, **extra)
    candidates = _candidates(instrument, actions[instrument.id], parent_actions, as_of, scope)
    ranked = sorted(candidates, key=lambda c: (-c.score, c.signed or date.max, c.state.name_on(as_of)))
    return InstrumentForecast(instrument, rate, ranked[:limit], len(ranked), points, **extra)


def _earliest(actions, as_of: date, deposits: bool) -> dict[str, date]:
    out: dict[str, date] = {}
    for a in actions:
        if a.is_deposit == deposits and a.date <= as_of and (a.participant not in out or a.date < out[a.participant]):
            out[a.participant] = a.date
    return out


def _candidates(instrument: Instrument, actions, parent_actions, as_of: date, scope: Scope) -> list[Candidate]:
    """The States not party as at `as_of` that have signed, are assisted or have a draft law, as `scope` may see
    them (no regional organization): each with what the record held on `as_of`."""
    deposited = _earliest(actions, as_of, deposits=True)
    signed = _earliest(actions, as_of, deposits=False)
    convention = _earliest(parent_actions, as_of, deposits=True) if instrument.supplements_id else {}
    activity_rows = _activities_begun(instrument, as_of, scope)
    request_rows = _open_requests(instrument, as_of, scope)
    last_step = _last_finding_steps(instrument, as_of, scope)

    codes = set(signed) | {r[0] for r in activity_rows} | {r[0] for r in request_rows} | \
        {code for code, _t, status in last_step.values() if status in DRAFTING}
    codes -= set(deposited)
    states = state_service.participants(codes)
    visible = state_service.visible_ids(scope)
    out: dict[str, Candidate] = {}
    for code in codes:
        state = states.get(code)
        if state is None or state.is_reio or (visible is not None and state.id not in visible):
            continue
        out[code] = Candidate(state, signed=signed.get(code), convention_party=convention.get(code))
    for code, count, start in activity_rows:
        if code in out:
            out[code].activities, out[code].first_activity = count, start
    for code, count in request_rows:
        if code in out:
            out[code].requests = count
    for code, title, status in sorted(last_step.values(), key=lambda s: s[1]):
        if code in out and status in DRAFTING:
            out[code].drafting.append(f"{title} ({FindingStatus.label_of(status).lower()})")
    return list(out.values())


def _activities_begun(instrument: Instrument, as_of: date, scope: Scope) -> list:
    """(State code, activities, first day) of the activities assisting a State on the instrument (as
    `assistance.assisted_select` defines it) begun by `as_of` (a written analysis has no visit: not dated, left out);
    one grouped query."""
    assisted = assistance.assisted_select(scope).subquery()
    return db.session.execute(
        sa.select(MemberState.code, sa.func.count(sa.distinct(assisted.c.id)), sa.func.min(assisted.c.day))
        .join(MemberState, MemberState.id == assisted.c.state_id)
        .where(assisted.c.instrument_id == instrument.id, assisted.c.day <= as_of)
        .group_by(MemberState.code)).all()


def _open_requests(instrument: Instrument, as_of: date, scope: Scope) -> list:
    """(State code, requests) of the requests naming the instrument received by `as_of` and not closed."""
    return db.session.execute(
        sa.select(MemberState.code, sa.func.count(AssistanceRequest.id))
        .join(MemberState, MemberState.id == AssistanceRequest.state_id)
        .where(scope.requests(), AssistanceRequest.received_date <= as_of,
               AssistanceRequest.status.not_in(CLOSED_REQUESTS),
               AssistanceRequest.id.in_(sa.select(assistance_request_instruments.c.request_id)
                                        .where(assistance_request_instruments.c.instrument_id == instrument.id)))
        .group_by(MemberState.code)).all()


def _last_finding_steps(instrument: Instrument, as_of: date, scope: Scope) -> dict[int, tuple[str, str, str]]:
    """Finding id -> (State code, issue title, status) of the findings on the instrument, as at `as_of`."""
    # Every dated step by `as_of` of every finding; the last one is the finding's status that day.
    step_rows = db.session.execute(
        sa.select(MemberState.code, LegislativeFinding.id, LegislativeIssue.title, LegislativeIssue.article,
                  FindingStatusChange.status, FindingStatusChange.status_date)
        .join(LegislativeFinding, LegislativeFinding.id == FindingStatusChange.finding_id)
        .join(LegislativeIssue, LegislativeIssue.id == LegislativeFinding.issue_id)
        .join(MemberState, MemberState.id == LegislativeFinding.state_id)
        .where(scope.findings(), FindingStatusChange.status_date <= as_of)
        .order_by(FindingStatusChange.status_date, FindingStatusChange.id)).all()
    last_step: dict[int, tuple[str, str, str]] = {}
    for code, finding_id, title, article, status, _day in step_rows:
        if article_instrument(article) == instrument.code:
            last_step[finding_id] = (code, title, status)
    return last_step
