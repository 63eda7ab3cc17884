"""Importing a UN Treaty Collection participant table (CONTRACT.md, `flask treaties import`).

The table is the depositary's whole record for one instrument, so the import makes the system's
TreatyActions of that instrument match it: adds, changes, and removes what the table no longer holds —
except actions entered by hand, which are kept and reported, since they may record a deposit the
table does not show yet. Every claim the table makes is also kept as a TreatyActionSource ("UNTC table",
"line N"), beside the other sources' claims, for reconciliation.

A file with any bad line (unreadable date, unknown participant, missing column...) is refused whole,
its bad lines named (the first untc.MAX_ERRORS, then how many more), nothing written. So is a table that
cannot be the depositary's record of this instrument: no participant rows at all, or a date in the future
or before the instrument was adopted (the Convention's table chosen as a Protocol's has signatures older
than the Protocol). A table that would remove more than half of the instrument's actions is refused too,
unless the person confirms that removal explicitly (`allow_mass_removal`). A dry run builds the same
report and writes nothing.

Imports of one instrument are serialised by a lock in the database (`lock_instrument`): two at once
cannot both add the same action, and the later one works from what the earlier one committed.

The import also stamps the instrument with the day the table was taken from the UN Treaty Collection
(`Instrument.record_complete_to`), but only when told that day (`complete_to`: the command line's `--as-at`, the
browser form's "record complete to"): an import never moves the record's date by itself. A table holding an action
dated after the day it says it is complete to is refused, the row named. Re-importing an unchanged table under the
same day changes nothing at all: no action, no claim, no audit entry, no new record stamp.
"""
from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app.formats import untc
from app.languages import RECORD_LANGUAGE, current_language, speaking
from app.log import log_fields, logger
from app.scoping import EVERYTHING
from app.services.core import audit, planner_statistics
from app.services.registry.state_names import local_name
from app.services.registry.states import participant_index
from app.services.treaties import treaty_locks
from app.services.treaties.treaty_import_checks import check_complete_to, check_dates
from app.services.treaties.treaty_import_report import (
    Change,
    ImportBusy,
    ImportRefused,
    ImportReport,
    MassRemovalRefused,
    _describe,
)
from app.services.treaties.treaty_record import SOURCE_HAND, SOURCE_UNTC, anomalies, get_instrument
from models import AuditEntry, Instrument, MemberState, TreatyAction, TreatyActionSource, alias_key, db
from models.enums import ActionCategory

TABLES = ("treaty_actions", "treaty_action_sources", "audit_entries")  # what an import writes (analysed after it)

SIGNATURE, DEPOSIT = ActionCategory.SIGNATURE.value, ActionCategory.DEPOSIT.value


def _name(state: MemberState) -> str:
    """How the import's report names a State: in the reader's language (the record's name in English)."""
    return local_name(state, current_language())


def _resolve(table: untc.Table, instrument_code: str, today: datetime.date | None = None,
             complete_to: datetime.date | None = None):
    """The instrument and each row's State id, or ImportRefused naming every bad line (with the parser's)."""
    errors = list(table.errors)
    instrument = get_instrument(instrument_code, EVERYTHING)
    if instrument is None:
        errors.append(untc.LineError(0, _("Unknown instrument %(code)s: choose UNTOC, TIP, SOM or FIREARMS",
                                          code=repr(instrument_code))))
    elif not table.rows and not table.errors:
        # Read as "the depositary withdrew everything" it would wipe the record: never what such a file means.
        errors.append(untc.LineError(0, _("The table has no participant rows: nothing was imported (an empty table "
                                          "would remove the whole record of the instrument)")))
    else:
        today = today or datetime.datetime.now(datetime.UTC).date()
        errors += check_dates(table, instrument, today)
        if complete_to is not None:
            errors += check_complete_to(table, complete_to, today)
    index = participant_index()
    state_of: dict[int, int] = {}
    first_line: dict[int, int] = {}
    for row in table.rows:
        state_id = index.get(alias_key(row.participant))
        if state_id is None:
            errors.append(untc.LineError(row.line, _('Participant: "%(name)s" is not a known State or alias (add the '
                                                     'alias, then import again)', name=untc.shorten(row.participant))))
        elif state_id in first_line:
            # Two spellings of one State ("Turkey" and "Türkiye"): which line is right cannot be guessed.
            errors.append(untc.LineError(row.line, _('Participant: "%(name)s" is the same State as line %(line)s',
                                                     name=untc.shorten(row.participant), line=first_line[state_id])))
        else:
            first_line[state_id] = row.line
            state_of[row.line] = state_id
    if errors:
        raise ImportRefused(errors, more=table.more_errors)
    return instrument, state_of


def _claims(table: untc.Table, state_of: dict[int, int]) -> dict[tuple[int, str], tuple[str, object, untc.Row]]:
    """(State id, category) -> (kind, date, row): what the table says, one signature and one deposit a row."""
    out = {}
    for row in table.rows:
        state_id = state_of[row.line]
        if row.signature:
            out[(state_id, SIGNATURE)] = ("signature", row.signature, row)
        if row.deposit:
            out[(state_id, DEPOSIT)] = (row.deposit_kind, row.deposit, row)
    return out


def _warnings(instrument: Instrument, table: untc.Table, state_of, states: dict[int, MemberState],
              convention_deposits: dict[int, object]) -> list[str]:
    """The table's anomalies: imported as the depositary records them, but never silently."""
    out = []
    closed = instrument.signature_closed_date
    convention_code = instrument.supplements.code if instrument.supplements_id else None
    for row in table.rows:
        state = states[state_of[row.line]]
        found = []
        if row.signature:
            found += anomalies("signature", row.signature, signature=None, convention_deposit=None,
                               convention_code=None, signature_closed=closed)
        if row.deposit:
            found += anomalies(row.deposit_kind, row.deposit, signature=row.signature,
                               convention_deposit=convention_deposits.get(state.id),
                               convention_code=convention_code, signature_closed=closed, is_reio=state.is_reio)
        out += [_('line %(line)s, %(state)s ("%(name)s"): %(warning)s', line=row.line, state=_name(state),
                  name=row.participant, warning=w) for w in found]
    return out


def lock_instrument(instrument: Instrument) -> None:
    """`treaty_locks.lock_instrument`, its refusal worded for an import (ImportBusy)."""
    try:
        treaty_locks.lock_instrument(instrument)
    except treaty_locks.InstrumentBusy:
        raise ImportBusy(instrument.code) from None


def import_table(table: untc.Table, instrument_code: str, *, dry_run: bool = False,
                 filename: str | None = None, actor=None, allow_mass_removal: bool | int = False,
                 preview_id: str | None = None, today: datetime.date | None = None,
                 complete_to: datetime.date | None = None, actor_label: str | None = None,
                 trace_unchanged: bool = True) -> ImportReport:
    """Make `instrument`'s treaty actions match the table; see the module docstring. Flushes, never commits.

    `allow_mass_removal`: True, or the number of removals the person confirmed (a larger one is refused).
    `preview_id`: the browser preview this import confirms, kept in the audit entry (see `imported_preview`).
    `complete_to`: the day the table was taken; when not given the record's day stays as it is (never today by
    default). An import that changes nothing writes no audit entry (nothing changed); it logs a line unless
    `trace_unchanged=False` (seeding, run on every start).
    """
    instrument, state_of = _resolve(table, instrument_code, today, complete_to)
    if not dry_run:
        lock_instrument(instrument)  # before reading the record, so that it is read as the last import left it
    report = ImportReport(instrument=instrument.code, dry_run=dry_run, rows=len(table.rows),
                          complete_to=complete_to or instrument.record_complete_to,
                          complete_before=instrument.record_complete_to)
    record = _read_record(instrument)
    report.existing = len(record.actions)
    report.warnings = _warnings(instrument, table, state_of, record.states, record.convention_deposits)
    wanted = _claims(table, state_of)

    # Removals first, so that a refused mass removal has written nothing at all.
    removals = _removals(report, record, wanted)
    if not dry_run and report.mass_removal and (
            allow_mass_removal is False or (allow_mass_removal is not True and len(removals) > allow_mass_removal)):
        raise MassRemovalRefused(instrument.code, len(removals), report.existing)

    for key, (kind, day, row) in wanted.items():
        _match(report, record, instrument, key, kind, day, row, dry_run)
        if not dry_run:
            _keep_claim(record, instrument, key, kind, day, row)

    if not dry_run:
        for action in removals:
            db.session.delete(action)
        # The table is this source's whole record: its claims that the table no longer makes go too
        # (other sources' claims, e.g. the annex's, stay for reconciliation).
        for key, claim in record.claims.items():
            if key not in wanted:
                db.session.delete(claim)
        if instrument.record_complete_to != report.complete_to:
            instrument.record_complete_to = report.complete_to
        if report.changes_anything:
            _trace(report, instrument, filename, actor, actor_label, preview_id)
        elif trace_unchanged:
            _log(report, instrument, filename)
        db.session.flush()
        if report.changes_anything:  # the record's pages plan from these tables' statistics (PostgreSQL)
            planner_statistics.analyze(*TABLES)
    return report


@dataclass
class _OnRecord:
    """What the import compares the table with, read once: every State, the instrument's actions and the UN
    Treaty Collection's claims on it by (State id, category), and for a Protocol each State's Convention deposit."""
    states: dict[int, MemberState]
    actions: dict[tuple[int, str], TreatyAction]
    claims: dict[tuple[int, str], TreatyActionSource]
    convention_deposits: dict[int, object]


def _read_record(instrument: Instrument) -> _OnRecord:
    states = {s.id: s for s in db.session.scalars(sa.select(MemberState))}
    actions = {(a.state_id, a.category): a for a in db.session.scalars(
        sa.select(TreatyAction).where(TreatyAction.instrument_id == instrument.id))}
    claims = {(c.state_id, c.category): c for c in db.session.scalars(sa.select(TreatyActionSource).where(
        TreatyActionSource.instrument_id == instrument.id, TreatyActionSource.source == SOURCE_UNTC))}
    convention_deposits = {}
    if instrument.supplements_id:
        convention_deposits = dict(db.session.execute(sa.select(TreatyAction.state_id, TreatyAction.action_date)
                                                      .where(TreatyAction.instrument_id == instrument.supplements_id,
                                                             TreatyAction.category == DEPOSIT)).all())
    return _OnRecord(states, actions, claims, convention_deposits)


def _removals(report: ImportReport, record: _OnRecord, wanted: dict) -> list[TreatyAction]:
    """The actions on record that the table no longer holds, reported as removed; those entered by hand are kept
    (they may record a deposit the table does not show yet) and reported as warnings."""
    removals = []
    for key, action in record.actions.items():
        if key in wanted:
            continue
        name = _name(record.states[action.state_id])
        if action.source == SOURCE_HAND:
            report.warnings.append(_("%(state)s: %(action)s entered by hand is not in the table; kept", state=name,
                                     action=_describe(action.kind, action.action_date)))
            continue
        removals.append(action)
        report.removed.append(Change(name, action.category, _describe(action.kind, action.action_date), None))
    return removals


def _match(report: ImportReport, record: _OnRecord, instrument: Instrument, key, kind, day, row, dry_run) -> None:
    """Make the action of `key` say what the table's `row` says (added when missing); report it as such."""
    state_id, category = key
    name = _name(record.states[state_id])
    action = record.actions.get(key)
    if action is None:
        report.added.append(Change(name, category, None, _describe(kind, day), row.line))
        if not dry_run:
            db.session.add(TreatyAction(state_id=state_id, instrument_id=instrument.id, kind=kind,
                                        action_date=day, source=SOURCE_UNTC))
    elif (action.kind, action.action_date) != (kind, day):
        report.changed.append(Change(name, category, _describe(action.kind, action.action_date),
                                     _describe(kind, day), row.line))
        if action.source == SOURCE_HAND:
            report.warnings.append(_("line %(line)s, %(state)s: the table's %(action)s replaces the %(before)s "
                                     "entered by hand (kept as a claim for reconciliation)", line=row.line,
                                     state=name, action=_describe(kind, day),
                                     before=_describe(action.kind, action.action_date)))
        if not dry_run:
            action.kind, action.action_date, action.source = kind, day, SOURCE_UNTC
    else:
        report.unchanged += 1
        report.same.append(Change(name, category, None, _describe(kind, day), row.line))
        if not dry_run and action.source != SOURCE_UNTC:
            # Same facts, now backed by the depositary: the record names its best source.
            action.source = SOURCE_UNTC


def _keep_claim(record: _OnRecord, instrument: Instrument, key, kind, day, row: untc.Row) -> None:
    """The table's claim kept as a TreatyActionSource ("UNTC table", "line N"), beside the other sources'."""
    claim = record.claims.get(key)
    if claim is None:
        claim = TreatyActionSource(source=SOURCE_UNTC, state_id=key[0], instrument_id=instrument.id, kind=kind)
        db.session.add(claim)
    # Only what differs is set, so that re-importing the same table leaves the record (and its stamp) as it was.
    for name, value in (("kind", kind), ("action_date", day), ("name_as_printed", row.participant[:120]),
                        ("locator", f"line {row.line}")):
        if getattr(claim, name) != value:
            setattr(claim, name, value)


def _trace(report: ImportReport, instrument: Instrument, filename, actor, actor_label, preview_id) -> None:
    """The import's log line and audit entry (the entry names the confirmed preview, see `imported_preview`)."""
    _log(report, instrument, filename)
    with speaking(RECORD_LANGUAGE):  # the audit trail is written in one language, whoever reads the preview
        summary = report.summary()
    audit.record("import", record_type="Instrument", record_id=instrument.id, actor=actor,
                 actor_label=actor_label,
                 summary=f"UN Treaty Collection table{f' {filename}' if filename else ''} imported: {summary}",
                 before={"record_complete_to": report.complete_before},
                 after={"file": filename, "record_complete_to": report.complete_to, **report.counts(),
                        **({"preview": preview_id} if preview_id else {})})


def _log(report: ImportReport, instrument: Instrument, filename) -> None:
    with speaking(RECORD_LANGUAGE):  # the log is read by whoever runs the server, in one language
        summary = report.summary()
    logger("import").info("%s table%s imported: %s", instrument.code, f" {filename}" if filename else "",
                          summary, extra=log_fields(instrument=instrument.code, file=filename,
                                                             **report.counts()))


def imported_preview(instrument: Instrument | None, preview_id: str) -> AuditEntry | None:
    """The audit entry of the import that confirmed browser preview `preview_id`, if it was confirmed.

    The audit entry is written in the same transaction as the import, so this is the one record of "this preview
    was imported" that cannot disagree with the data; read under `lock_instrument` it is also race-free."""
    query = sa.select(AuditEntry).where(AuditEntry.action == "import", AuditEntry.record_type == "Instrument",
                                        AuditEntry.after["preview"].as_string() == preview_id)
    if instrument is not None:
        query = query.where(AuditEntry.record_id == instrument.id)
    return db.session.scalars(query.limit(1)).first()


def import_file(path: str | os.PathLike, instrument_code: str, **kwargs) -> ImportReport:
    """`import_table` for a file on disk (CLI)."""
    return import_table(untc.parse_file(path), instrument_code, filename=os.path.basename(path), **kwargs)


def import_text(text: str, instrument_code: str, **kwargs) -> ImportReport:
    """`import_table` for an uploaded file's text (browser)."""
    return import_table(untc.parse(text), instrument_code, **kwargs)
