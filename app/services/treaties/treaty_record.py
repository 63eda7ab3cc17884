"""Treaty status read from the database, and treaty actions entered by hand.

The rules themselves live in `app.rules.treaties` (plain Python, no database): this module only turns
TreatyAction rows — the record — into `rules.Action` lists — one query for any number of instruments — and
applies the rules to them, so every page, the API and the CSV compute the same figures the same way. The same
figures can be computed from one source's claims alone (`source=ANNEX`: the annex of A/58/165 as printed).
Importing depositary tables is `treaty_import.py`; comparing sources is `reconciliation.py`.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.formatting import format_date  # messages use the report's date style, as pages do
from app.languages import current_language
from app.rules import treaties as rules
from app.scoping import EVERYTHING, Scope
from app.services.core import audit, record_cache
from app.services.core.errors import Refused
from app.services.registry.state_names import local_name
from app.services.registry.states import find_participant
from app.services.treaties import treaty_locks
from models import Instrument, MemberState, TreatyAction, TreatyActionSource, db
from models.enums import ActionCategory, ActionKind, ParticipantKind
from models.record_version import TREATIES

date = datetime.date

#: `TreatyAction.source` / `TreatyActionSource.source` values this module writes or recognises.
SOURCE_HAND = "entered by hand"
SOURCE_UNTC = "UNTC table"
SOURCE_ANNEX = "A/58/165 annex"

_SIGN_FIRST = ("ratification", "acceptance", "approval")


@dataclass(frozen=True)
class Source:
    """A source whose figures can be shown apart from the record (the `source` parameter of the report and API).

    A snapshot: it holds actions up to `as_at`. It lists the actions of the categories in `lists`; for the
    others it prints totals only, and those totals are the record's actions up to `as_at` (the annex prints
    "147 signatures" and lists only ratifications)."""
    key: str
    name: str
    title: str
    as_at: date
    lists: frozenset[str]


#: The annex of A/58/165, "as at 2 July 2003": its 99 ratifications, and the signature totals of its summary.
ANNEX = Source("annex", SOURCE_ANNEX, _l("the annex of A/58/165 as printed"), date(2003, 7, 2),
               frozenset({ActionCategory.DEPOSIT.value}))
SOURCES = {ANNEX.key: ANNEX}


def complete_to(instrument: Instrument, source: Source | None = None) -> date | None:
    """The day up to which the figures of `instrument` are complete: the source's date, or the record's (the day
    its last depositary table was taken)."""
    return source.as_at if source is not None else instrument.record_complete_to


# ------------------------------------------------------------------ instruments and their status
def visible_instruments(scope: Scope) -> list[Instrument]:
    """The instruments `scope` may see (a donor: those its money touches), Convention first."""
    query = (sa.select(Instrument).where(scope.instruments(Instrument.id))
             .order_by(Instrument.supplements_id.is_not(None), Instrument.id))
    return list(db.session.scalars(query))


def get_instrument(code: str, scope: Scope) -> Instrument | None:
    """One instrument by code (case-insensitive), or None if unknown or outside `scope`."""
    # The Convention comes in the same query: a Protocol's status needs its terms.
    query = (sa.select(Instrument).where(sa.func.upper(Instrument.code) == (code or "").upper()[:12],
                                         scope.instruments(Instrument.id))
             .options(joinedload(Instrument.supplements)))
    return db.session.scalars(query).first()


def terms_for(instrument: Instrument) -> rules.Terms:
    """The entry-into-force terms of `instrument` as stored (threshold, days), with its Convention's."""
    parent = None
    if instrument.supplements_id is not None:
        # session.get answers from the identity map when the Convention is already loaded: no query.
        parent = terms_for(db.session.get(Instrument, instrument.supplements_id))
    return rules.Terms(code=instrument.code, threshold=instrument.threshold,
                       days_after_threshold=instrument.days_after_threshold,
                       days_after_later_deposit=instrument.days_after_later_deposit, parent=parent)


def load_actions(instrument_ids: Iterable[int], source: Source | None = None) -> dict[int, list[rules.Action]]:
    """Every recorded action of these instruments as rules.Action (participant = State code), one query.

    With a `source`: its claims of the categories it lists, and the record's other actions up to its date."""
    ids = sorted({i for i in instrument_ids if i is not None})
    out: dict[int, list[rules.Action]] = {i: [] for i in ids}
    if not ids:
        return out
    recorded = (sa.select(TreatyAction.instrument_id, MemberState.code, MemberState.kind, TreatyAction.kind,
                          TreatyAction.action_date)
                .join(MemberState, MemberState.id == TreatyAction.state_id)
                .where(TreatyAction.instrument_id.in_(ids)))
    if source is None:
        rows = db.session.execute(recorded)
    else:
        claimed = (sa.select(TreatyActionSource.instrument_id, MemberState.code, MemberState.kind,
                             TreatyActionSource.kind, TreatyActionSource.action_date)
                   .join(MemberState, MemberState.id == TreatyActionSource.state_id)
                   .where(TreatyActionSource.instrument_id.in_(ids), TreatyActionSource.source == source.name,
                          TreatyActionSource.category.in_(sorted(source.lists))))
        totals_only = recorded.where(TreatyAction.category.not_in(sorted(source.lists)),
                                     TreatyAction.action_date <= source.as_at)
        rows = db.session.execute(sa.union_all(claimed, totals_only))
    for instrument_id, code, participant_kind, kind, day in rows:
        out[instrument_id].append(rules.Action(code, kind, day, participant_kind == ParticipantKind.REIO.value))
    return out


@dataclass(frozen=True)
class Progress:
    """An instrument's status as at a date and the cumulative count behind its chart."""
    instrument: Instrument
    status: rules.Status
    points: list[tuple[date, int, int]]


# ------------------------------------------------------------------ computed once per change of the record
#: Statuses and charts per record stamp, instruments, date and source (one entry per page and date asked).
FIGURES = record_cache.cache(TREATIES, 512)


def _terms_key(instrument: Instrument) -> tuple:
    return (instrument.id, instrument.supplements_id)


def statuses(instruments: Iterable[Instrument], as_of: date, source: Source | None = None
             ) -> dict[str, rules.Status]:
    """rules.Status per instrument code, from one query however many instruments (Protocols need their
    Convention's actions, which are loaded with them); from the record, or from `source` alone. Computed once per
    change of the record and date: otherwise one query (the record's stamp)."""
    instruments = list(instruments)
    key = ("statuses", tuple(_terms_key(i) for i in instruments), as_of, source.key if source else None)
    return dict(FIGURES.get(key, lambda: _statuses(instruments, as_of, source)))


def _statuses(instruments: list[Instrument], as_of: date, source: Source | None) -> dict[str, rules.Status]:
    wanted = {i.id for i in instruments} | {i.supplements_id for i in instruments}
    actions = load_actions(wanted, source)
    out = {}
    for instrument in instruments:
        parent_actions = actions.get(instrument.supplements_id, []) if instrument.supplements_id else ()
        out[instrument.code] = rules.status(terms_for(instrument), actions[instrument.id], as_of, parent_actions)
    return out


def instrument_status(instrument: Instrument, as_of: date, source: Source | None = None) -> rules.Status:
    """Signatories, parties, 40th deposit and entry into force of one instrument as at `as_of` (one query)."""
    return statuses([instrument], as_of, source)[instrument.code]


def progress(instrument: Instrument, as_of: date) -> Progress:
    """Status and cumulative parties over time (for the chart), from the same single load (or the cache)."""
    return progresses([instrument], as_of)[0]


def progresses(instruments: list[Instrument], as_of: date) -> list[Progress]:
    """`progress` of each instrument, the actions of all of them loaded at most once (one query; none for those the
    cache holds)."""
    loaded: dict[int, list[rules.Action]] = {}

    def compute(instrument: Instrument):
        if not loaded:
            loaded.update(load_actions({i.id for i in instruments} | {i.supplements_id for i in instruments}))
        terms = terms_for(instrument)
        parent_actions = loaded.get(instrument.supplements_id, []) if instrument.supplements_id else ()
        status = rules.status(terms, loaded[instrument.id], as_of, parent_actions)
        return status, tuple(rules.cumulative_parties(terms, loaded[instrument.id], as_of))
    out = []
    for instrument in instruments:
        status, points = FIGURES.get(("progress", _terms_key(instrument), as_of),
                                     lambda instrument=instrument: compute(instrument))
        out.append(Progress(instrument, status, list(points)))
    return out


# ------------------------------------------------------------------ judging an action
def anomalies(kind: str, day: date, *, signature: date | None, convention_deposit: date | None,
              convention_code: str | None, signature_closed: date | None, is_reio: bool = False) -> list[str]:
    """What is irregular about a deposit or signature, given the participant's other actions.

    Shared by the hand-entry form and the import, so both warn about the same things. `convention_code`
    is set only for a Protocol. Returns messages without the participant's name (callers add it).
    """
    out = []
    word = ActionKind.label_of(kind).lower()  # "ratification", in the reader's language
    if kind == "signature":
        if signature_closed and day > signature_closed:
            out.append(_("signature on %(day)s, after the signature period closed (%(closed)s)",
                         day=format_date(day), closed=format_date(signature_closed)))
        return out
    if kind in _SIGN_FIRST:
        if signature is None:
            out.append(_("%(kind)s on %(day)s with no signature on record (a ratification, acceptance or approval "
                         "follows a signature; was it an accession?)", kind=word, day=format_date(day)))
        elif signature > day:
            out.append(_("%(kind)s on %(day)s, before its signature of %(signature)s", kind=word,
                         day=format_date(day), signature=format_date(signature)))
    if kind == "accession" and signature is not None:
        out.append(_("accession on %(day)s by a signatory (signed %(signature)s); a signatory normally ratifies, "
                     "accepts or approves", day=format_date(day), signature=format_date(signature)))
    if convention_code and (convention_deposit is None or convention_deposit > day):
        out.append(_("%(kind)s on %(day)s while not party to the Convention (%(convention)s) on that date (UNTOC "
                     "art. 37(2): a Protocol's parties must be parties to the Convention)", kind=word,
                     day=format_date(day), convention=convention_code))
    if is_reio:
        out.append(_("a regional economic integration organization: a party, but its instrument does not count "
                     "toward the 40 (UNTOC art. 38(1))"))
    return out


def recorded_warnings(state: MemberState, instrument: Instrument,
                      recorded: dict[tuple[int, str], TreatyAction]) -> list[str]:
    """The import's warnings about `state`'s recorded actions on `instrument` (a ratification with no signature on
    record, say: imported as the depositary records it, never silently), as `anomalies` words them, for the pages
    that show those actions. `recorded` maps (instrument id, category) to the State's actions, as `_existing`."""
    signature = recorded.get((instrument.id, "signature"))
    deposit = recorded.get((instrument.id, "deposit"))
    convention = recorded.get((instrument.supplements_id, "deposit")) if instrument.supplements_id else None
    convention_code = instrument.supplements.code if instrument.supplements_id else None
    out = []
    if signature is not None:
        out += anomalies("signature", signature.action_date, signature=None, convention_deposit=None,
                         convention_code=None, signature_closed=instrument.signature_closed_date)
    if deposit is not None:
        out += anomalies(deposit.kind, deposit.action_date,
                         signature=signature.action_date if signature is not None else None,
                         convention_deposit=convention.action_date if convention is not None else None,
                         convention_code=convention_code, signature_closed=instrument.signature_closed_date,
                         is_reio=state.is_reio)
    return out


def _existing(state: MemberState, instrument: Instrument) -> dict[tuple[int, str], TreatyAction]:
    """The State's recorded actions on `instrument` and on its Convention, by (instrument id, category)."""
    ids = [instrument.id] + ([instrument.supplements_id] if instrument.supplements_id else [])
    rows = db.session.scalars(sa.select(TreatyAction).where(
        TreatyAction.state_id == state.id, TreatyAction.instrument_id.in_(ids)))
    return {(a.instrument_id, a.category): a for a in rows}


def check_action(state: MemberState | None, instrument: Instrument | None, kind: str | None,
                 day: date | None, *, today: date | None = None) -> list[str]:
    """Refuse an action that cannot be right (Refused), or return the warnings an odd one deserves.

    Refused: an unknown participant, instrument or kind, a date in the future, a signature after the
    signature period closed, a second signature or a second deposit. Accepted with a warning: see anomalies().
    """
    today = today or date.today()
    errors: dict[str, str] = {}
    if state is None:
        errors["participant"] = _("Unknown participant: give a State's code or a name it is known by.")
    if instrument is None:
        errors["instrument"] = _("Unknown instrument: choose UNTOC, TIP, SOM or FIREARMS.")
    if kind not in rules.ACTION_KINDS:
        errors["kind"] = _("Unknown kind of action: choose one of %(kinds)s.", kinds=", ".join(rules.ACTION_KINDS))
    if day is None:
        errors["action_date"] = _("Give the date of the action.")
    elif day > today:
        errors["action_date"] = _("%(day)s is in the future: record an action once it has been deposited.",
                                  day=format_date(day))
    if errors:
        raise Refused(errors)

    closed = instrument.signature_closed_date
    if kind == "signature" and closed and day > closed:
        raise Refused({"action_date": _(
            "%(instrument)s closed for signature on %(closed)s: after that a State can only accede.",
            instrument=instrument.code, closed=format_date(closed))})
    existing = _existing(state, instrument)
    category = ActionKind(kind).category.value
    same = existing.get((instrument.id, category))
    if same is not None:
        facts = dict(state=state.name, instrument=instrument.code, kind=same.kind,
                     day=format_date(same.action_date), source=same.source)
        # Two whole sentences: "signature" and "deposit" take other genders and articles in other languages.
        if category == ActionCategory.SIGNATURE.value:
            message = _("%(state)s already has a signature of %(instrument)s on record (%(kind)s, %(day)s, source: "
                        "%(source)s): correct that record rather than adding a second one.", **facts)
        else:
            message = _("%(state)s already has a deposit of %(instrument)s on record (%(kind)s, %(day)s, source: "
                        "%(source)s): correct that record rather than adding a second one.", **facts)
        raise Refused({"kind": message})

    signature = existing.get((instrument.id, ActionCategory.SIGNATURE.value))
    deposit = existing.get((instrument.id, ActionCategory.DEPOSIT.value))
    convention = existing.get((instrument.supplements_id, ActionCategory.DEPOSIT.value))
    warnings = anomalies(
        kind, day, signature=signature.action_date if signature else None,
        convention_deposit=convention.action_date if convention else None,
        convention_code=instrument.supplements.code if instrument.supplements_id else None,
        signature_closed=None,  # a late signature was refused above
        is_reio=state.is_reio)
    if kind == "signature" and deposit is not None:
        if deposit.kind == "accession":
            warnings.append(_("signature by a participant that acceded (%(day)s)",
                              day=format_date(deposit.action_date)))
        elif deposit.action_date < day:
            warnings.append(_("signature after its %(kind)s of %(day)s", kind=deposit.kind,
                              day=format_date(deposit.action_date)))
    return warnings


def record_action(participant: MemberState | str | None, instrument: Instrument | str | None, kind: str | None,
                  day: date | None, *, note: str | None = None, today: date | None = None
                  ) -> tuple[TreatyAction, list[str]]:
    """Validate and record a hand-entered treaty action; returns it with its warnings (flushed, not committed).

    Writes the action (source "entered by hand"), the same claim as a TreatyActionSource so that
    reconciliation can compare it with the depositary's table, and an audit entry.
    """
    state = participant if isinstance(participant, MemberState) else find_participant(participant or "")
    if isinstance(instrument, str) or instrument is None:
        instrument = get_instrument(instrument or "", EVERYTHING)
    if instrument is not None:
        # The import's lock: two people entering the same action at once (or an import running) cannot both
        # pass the "already on record" check and then collide on the unique action; the later one is told.
        try:
            treaty_locks.lock_instrument(instrument)
        except treaty_locks.InstrumentBusy:
            raise Refused({"instrument": _("An import of %(instrument)s is in progress: try again in a moment.",
                                           instrument=instrument.code)}) from None
    warnings = check_action(state, instrument, kind, day, today=today)
    category = ActionKind(kind).category.value
    # A claim by hand can outlive its action (an import may have replaced the action): update it, not add one.
    claim = db.session.scalars(sa.select(TreatyActionSource).filter_by(
        source=SOURCE_HAND, state_id=state.id, instrument_id=instrument.id, category=category)).first()
    if claim is None:
        claim = TreatyActionSource(source=SOURCE_HAND, state_id=state.id, instrument_id=instrument.id, kind=kind,
                                   action_date=day, name_as_printed=state.name_on(day))
        db.session.add(claim)
    claim.kind, claim.action_date, claim.name_as_printed = kind, day, state.name_on(day)
    action = TreatyAction(state_id=state.id, instrument_id=instrument.id, kind=kind, action_date=day,
                          source=SOURCE_HAND, note=(note or "").strip() or None)
    db.session.add(action)
    audit.record_for(action, "create",
                     f"{state.name}: {kind} of {instrument.code} on {day.isoformat()} entered by hand"
                     + (f" ({len(warnings)} warning(s))" if warnings else ""),
                     after={"participant": state.code, "instrument": instrument.code, "kind": kind,
                            "action_date": day, "warnings": warnings})
    db.session.flush()
    name = local_name(state, current_language())
    return action, [_("%(state)s: %(warning)s", state=name, warning=w) for w in warnings]
