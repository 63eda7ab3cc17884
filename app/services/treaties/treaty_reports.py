"""Read-only views of the treaty record: the annex of A/58/165 for any date, party lists, the progress chart.

Everything is computed from TreatyAction through `treaties.statuses` (the rules), never stored, so the
page, the CSV and the API agree for any "as at" date. The same annex can be built from the annex of A/58/165
alone (`source=treaties.ANNEX`); built from the record, it marks where the annex as printed says otherwise.
"""
from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

from app.formats.tables import csv_lines
from app.formatting import format_date
from app.rules import treaties as rules
from app.scoping import Scope
from app.services.registry import states as state_service
from app.services.treaties import treaty_record
from app.services.treaties.reconciliation import Claim, differences
from models import Instrument, MemberState
from models.enums import ActionCategory, ActionKind

date = datetime.date


@dataclass(frozen=True)
class Entry:
    """One ratifying participant of the annex list."""
    position: int
    participant: str
    name: str
    kind: str
    date: date
    in_force_date: date | None
    mark: str | None = None     # footnote letter, when the name changed since the deposit
    #: How the annex of A/58/165 differs about this deposit (the record's view only), for people.
    annex_differs: str | None = None
    state: MemberState | None = None


@dataclass
class Section:
    instrument: Instrument
    status: rules.Status
    #: The day up to which these figures are complete (the record's last table, or the source's date).
    complete_to: date | None = None
    entries: list[Entry] = field(default_factory=list)
    footnotes: list[tuple[str, str]] = field(default_factory=list)
    #: Deposits the annex of A/58/165 lists that the record does not hold as at the date (the record's view).
    annex_only: list[tuple[str, str, Claim]] = field(default_factory=list)

    @property
    def signatures(self) -> int:
        return len(self.status.signatories)

    @property
    def ratifications(self) -> int:
        """Parties, regional economic integration organizations included (as the annex counts them)."""
        return len(self.status.parties)


def name_change_note(state: MemberState, change) -> str:
    """ "On 4 February 2003, Yugoslavia changed its name to Serbia and Montenegro." — worded from the stored
    name history (the name in force the day before the change, and the new one)."""
    before = state.name_on(change.valid_from - datetime.timedelta(days=1))
    return f"On {format_date(change.valid_from)}, {before} changed its name to {change.name}."


#: The footnotes of the annex of A/58/165 as printed (instrument, participant, mark, words, where): the annex shown
#: alone quotes them, its own slip included (section D's "On February 2003"), instead of rewording them.
PRINTED_FOOTNOTES = Path(__file__).resolve().parents[2] / "data" / "reference" / "annex_footnotes.csv"


@cache
def printed_footnotes() -> dict[str, list[dict]]:
    """Instrument code -> its printed footnotes, in the file's order (read once per process)."""
    out: dict[str, list[dict]] = {}
    with PRINTED_FOOTNOTES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["instrument"], []).append(row)
    return out


def _quote_printed(section: Section) -> None:
    """The annex alone: its footnotes as printed, their marks on the entries they were printed beside."""
    printed = printed_footnotes().get(section.instrument.code, [])
    section.footnotes = [(f["mark"], f["as_printed"]) for f in printed]
    marks = {f["participant"]: f["mark"] for f in printed}
    section.entries = [replace(e, mark=marks.get(e.participant)) for e in section.entries]


def parties(status: rules.Status, states: dict[str, MemberState], as_of: date) -> list[dict]:
    """The parties as at `as_of`, ordered by date then name in force that day (the annex's order)."""
    rows = [{"participant": p.participant, "name": states[p.participant].name_on(as_of), "action": p.kind,
             "date": p.date, "in_force_date": p.in_force_date, "counted": p.counted, "state": states[p.participant]}
            for p in status.parties]
    rows.sort(key=lambda r: (r["date"], r["name"].casefold()))
    return rows


def visible_parties(status: rules.Status, as_of: date, scope: Scope) -> list[dict]:
    """`parties` as `scope` may list them: the whole list for staff, a donor's States only for a donor (the
    figures beside such a list stay whole: they are facts of the treaty, not of the donor's money)."""
    rows = parties(status, state_service.participants(p.participant for p in status.parties), as_of)
    visible = state_service.visible_ids(scope)
    return rows if visible is None else [r for r in rows if r["state"].id in visible]


def _describe(claim: Claim) -> str:
    return f"{ActionKind.label_of(claim.kind).lower()}, {format_date(claim.date)}"


def annex_claims(scope: Scope) -> dict[tuple[str, str], Claim | None]:
    """(instrument, State code) -> what the annex of A/58/165 says of a deposit on which it and the other sources
    disagree (None: it does not list it although it covers it). One query (the reconciliation's), made once per
    change of the treaty record for staff (a donor's scope follows its money: computed each time)."""
    def compute():
        return {(d.instrument, d.participant): d.claims[treaty_record.ANNEX.name] for d in differences(scope)
                if d.category == ActionCategory.DEPOSIT.value and treaty_record.ANNEX.name in d.claims}
    if scope.is_donor:
        return compute()
    return dict(treaty_record.FIGURES.get(("annex-claims",), compute))


def annex(as_of: date, scope: Scope, source: treaty_record.Source | None = None) -> list[Section]:
    """The annex "as at" `as_of`: per instrument the totals and the numbered list of ratifying participants,
    from the record (each deposit on which the annex of A/58/165 differs is marked) or from `source` alone.

    Three queries whatever the number of parties: the instruments, their actions, the States with names (and
    for the record one more: the annex's differences).
    """
    instruments = treaty_record.visible_instruments(scope)
    statuses = treaty_record.statuses(instruments, as_of, source)
    states = state_service.participants(p.participant for s in statuses.values() for p in s.parties)
    annex_says = annex_claims(scope) if source is None else {}
    sections = []
    for instrument in instruments:
        section = Section(instrument, statuses[instrument.code], treaty_record.complete_to(instrument, source))
        marks: dict[str, str] = {}
        for position, row in enumerate(parties(section.status, states, as_of), start=1):
            state = row["state"]
            mark = None
            for change in sorted(state.name_changes_between(row["date"], as_of), key=lambda c: c.valid_from):
                note = name_change_note(state, change)
                if note not in marks:
                    marks[note] = chr(ord("a") + len(marks))
                    section.footnotes.append((marks[note], note))
                mark = (mark or "") + marks[note]
            key = (instrument.code, row["participant"])
            differs = None
            if key in annex_says:
                claim = annex_says.pop(key)
                if claim is None:
                    differs = "not in the annex of A/58/165"
                elif (claim.kind, claim.date) != (row["action"], row["date"]):  # not when only others disagree
                    differs = f"A/58/165: {_describe(claim)}"
            section.entries.append(Entry(position, row["participant"], row["name"], row["action"], row["date"],
                                         row["in_force_date"], mark, differs, state))
        for (code, participant), claim in sorted(annex_says.items()):
            if code == instrument.code and claim is not None and claim.date <= as_of:
                section.annex_only.append((participant, claim.name_as_printed, claim))
        if source is treaty_record.ANNEX and as_of == source.as_at:  # the annex as printed, on its own date
            _quote_printed(section)
        sections.append(section)
    return sections


CSV_HEADER = ["row", "instrument", "position", "participant", "name", "action", "date", "in_force_date",
              "signatures", "ratifications", "entry_into_force", "record_complete_to", "note"]


def currency_note(complete_to: date | None, as_of: date, source: treaty_record.Source | None = None) -> str | None:
    """What a reader must know of figures asked for a day after the one their record is complete to."""
    if complete_to is None or as_of <= complete_to:
        return None
    title = str(source.title) if source else _("the record")
    return _("%(holder)s holds deposits up to %(day)s; later deposits are not recorded (asked for %(as_of)s).",
             holder=title[:1].upper() + title[1:], day=format_date(complete_to), as_of=format_date(as_of))


def annex_csv(sections: list[Section], as_of: date, source: treaty_record.Source | None = None) -> str:
    """The annex as CSV: one summary row per instrument (with the day its figures are complete to, and a note when
    `as_of` is later), then one row per ratifying participant (noting where the annex of A/58/165 differs)."""
    rows = [["summary", s.instrument.code, "", "", s.instrument.title, "", as_of, "", s.signatures,
             s.ratifications, s.status.entry_into_force, s.complete_to,
             currency_note(s.complete_to, as_of, source) or ""] for s in sections]
    rows += [["party", s.instrument.code, e.position, e.participant, e.name, e.kind, e.date, e.in_force_date, "", "",
              "", "", e.annex_differs or ""] for s in sections for e in s.entries]
    # The one CSV writer: UTF-8 with BOM once encoded, CRLF, ISO dates, formula-like text neutralised.
    return "".join(csv_lines(CSV_HEADER, rows))
