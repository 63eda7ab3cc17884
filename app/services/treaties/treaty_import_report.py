"""What an import of a UN Treaty Collection table says (app.services.treaties.treaty_import): its refusal, line by
line, and its report — what it adds, changes and removes — in the reader's language (the command line's: English).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from app.formats import untc
from app.formatting import format_date, format_number
from models.enums import ActionKind


class ImportRefused(ValueError):
    """The file cannot be imported; `errors` are untc.LineError, one per problem, in line order — at most
    untc.MAX_ERRORS of them, `more` counting the rest."""

    def __init__(self, errors: list[untc.LineError], more: int = 0):
        ordered = sorted(errors, key=lambda e: e.line)
        self.errors = ordered[:untc.MAX_ERRORS]
        self.more = more + len(ordered) - len(self.errors)
        super().__init__(ngettext("%(count)s problem: nothing was imported", "%(count)s problems: nothing was imported",
                                  self.total, count=format_number(self.total)))

    @property
    def total(self) -> int:
        return len(self.errors) + self.more

    def lines(self) -> list[str]:
        out = [_("line %(line)s: %(message)s", line=e.line, message=e.message) if e.line else e.message
               for e in self.errors]
        if self.more:
            out.append(ngettext("… and %(count)s more problem", "… and %(count)s more problems", self.more,
                                count=format_number(self.more)))
        return out


class ImportBusy(ImportRefused):
    """Another import of the same instrument holds the lock longer than this one may wait."""

    def __init__(self, code: str):
        super().__init__([untc.LineError(0, _("Another import of %(code)s is in progress: nothing was imported. "
                                              "Try again in a moment.", code=code))])


class MassRemovalRefused(ImportRefused):
    """The table would remove most of the instrument's record, and nobody confirmed that."""

    def __init__(self, code: str, removed: int, existing: int):
        self.removed, self.existing = removed, existing
        super().__init__([untc.LineError(0, _("The table would remove %(removed)s of the %(existing)s actions of "
                                              "%(code)s on record: nothing was imported. If the depositary really "
                                              "withdrew them, confirm the removal explicitly.",
                                              removed=format_number(removed), existing=format_number(existing),
                                              code=code))])


@dataclass(frozen=True)
class Change:
    """One action the import adds, changes or removes, described for people."""
    participant: str
    category: str
    before: str | None
    after: str | None
    line: int | None = None

    def __str__(self) -> str:
        if self.before and self.after:
            what = _("%(before)s -> %(after)s", before=self.before, after=self.after)
        else:
            what = self.after or self.before
        if self.line:
            return _("%(participant)s: %(change)s (line %(line)s)", participant=self.participant, change=what,
                     line=self.line)
        return _("%(participant)s: %(change)s", participant=self.participant, change=what)


@dataclass
class ImportReport:
    instrument: str
    dry_run: bool
    rows: int = 0
    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: The actions of the instrument on record before the import.
    existing: int = 0
    #: The table's actions that are already on record as it says (listed after the changes).
    same: list[Change] = field(default_factory=list)
    #: The day the record is complete to after the import, and before it.
    complete_to: date | None = None
    complete_before: date | None = None

    @property
    def mass_removal(self) -> bool:
        """Would this remove more than half of the instrument's record? (needs an explicit confirmation)"""
        return bool(self.removed) and len(self.removed) * 2 > self.existing

    @property
    def changes_anything(self) -> bool:
        """Whether the import changes an action or the day the record is complete to."""
        return bool(self.added or self.changed or self.removed) or self.complete_to != self.complete_before

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "added": len(self.added), "changed": len(self.changed),
                "unchanged": self.unchanged, "removed": len(self.removed), "warnings": len(self.warnings)}

    def summary(self) -> str:
        values = dict(self.counts(), instrument=self.instrument, day=format_date(self.complete_to))
        if self.dry_run:
            return _("%(instrument)s: %(added)s added, %(changed)s changed, %(unchanged)s unchanged, %(removed)s "
                     "removed, %(warnings)s warning(s); record complete to %(day)s (dry run: nothing written)",
                     **values)
        return _("%(instrument)s: %(added)s added, %(changed)s changed, %(unchanged)s unchanged, %(removed)s removed, "
                 "%(warnings)s warning(s); record complete to %(day)s", **values)


def _describe(kind: str, day) -> str:
    """"ratification 8 July 2002": the kind of action in the reader's words, and its date."""
    return _("%(kind)s %(day)s", kind=ActionKind.label_of(kind).lower(), day=format_date(day))
