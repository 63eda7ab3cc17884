"""Read-only views of the treaty record: the annex of A/58/165 for any date, party lists, the progress chart.

Everything is computed from TreatyAction through `treaties.statuses` (the rules), never stored, so the
page, the CSV and the API agree for any "as at" date.
"""
from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from models import Instrument, MemberState

from ..formatting import format_date
from ..rules import treaties as rules
from ..scoping import Scope
from . import states as state_service
from . import treaties

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


@dataclass
class Section:
    instrument: Instrument
    status: rules.Status
    entries: list[Entry] = field(default_factory=list)
    footnotes: list[tuple[str, str]] = field(default_factory=list)

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


def annex(as_of: date, scope: Scope) -> list[Section]:
    """The annex "as at" `as_of`: per instrument the totals and the numbered list of ratifying participants.

    Three queries whatever the number of parties: the instruments, their actions, the States with names.
    """
    instruments = treaties.visible_instruments(scope)
    statuses = treaties.statuses(instruments, as_of)
    states = state_service.participants(p.participant for s in statuses.values() for p in s.parties)
    sections = []
    for instrument in instruments:
        section = Section(instrument, statuses[instrument.code])
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
            section.entries.append(Entry(position, row["participant"], row["name"], row["action"], row["date"],
                                         row["in_force_date"], mark))
        sections.append(section)
    return sections


CSV_HEADER = ["row", "instrument", "position", "participant", "name", "action", "date", "in_force_date",
              "signatures", "ratifications", "entry_into_force"]


def annex_csv(sections: list[Section], as_of: date) -> str:
    """The annex as CSV: one summary row per instrument, then one row per ratifying participant."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    iso = lambda d: d.isoformat() if d else ""  # noqa: E731
    for s in sections:
        writer.writerow(["summary", s.instrument.code, "", "", s.instrument.title, "", as_of.isoformat(), "",
                         s.signatures, s.ratifications, iso(s.status.entry_into_force)])
    for s in sections:
        for e in s.entries:
            writer.writerow(["party", s.instrument.code, e.position, e.participant, e.name, e.kind, iso(e.date),
                             iso(e.in_force_date), "", "", ""])
    return out.getvalue()
