"""`flask seed reference`: the record of report A/58/165 and the depositary's tables, loaded from the data files.

The annex of A/58/165 is kept as a source of its own (its claims); the treaty record itself is what the shipped
UN Treaty Collection tables say, loaded as `flask treaties import` would load them.

The data lives in app/data/reference/ (facts, not code). Loading is idempotent: every record has a natural key
(a code or a `reference_key`), is created when missing, updated when its file changed, and left alone
otherwise, so a second run changes nothing — not even the audit trail. Every problem in the files is collected
and reported together (file, record, field, why) before anything is committed.
"""
import csv
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy.exc import IntegrityError

from app.formats import untc
from app.seed.reference_records import load_records
from app.seed.reference_reports import load_reports
from app.services.activities import period_months
from app.services.core import audit
from app.services.treaties import outcome_facts
from app.services.treaties.treaty_import import ImportRefused, import_table
from app.services.treaties.treaty_record import SOURCE_ANNEX
from models import (
    Instrument,
    MemberState,
    MemberStateAlias,
    MemberStateName,
    TreatyActionSource,
    alias_key,
    db,
)
from models.enums import ActionKind, ParticipantKind, RegionalGroup

DATA = Path(__file__).resolve().parent.parent / "data" / "reference"
ANNEX_SOURCE = SOURCE_ANNEX
ANNEX_SECTIONS = {"UNTOC": "B", "TIP": "C", "SOM": "D", "FIREARMS": "E"}


class ReferenceDataError(ValueError):
    """The data files are inconsistent; the message lists every problem."""


class Loader:
    """Shared state of one load: the problems found, the counts, and lookups by natural key."""

    def __init__(self, data_dir: Path = DATA):
        self.data_dir = data_dir
        self.problems: list[str] = []
        self.counts: dict[str, list[int]] = {}
        self.states: dict[str, MemberState] = {}
        self.instruments: dict[str, Instrument] = {}

    # -- reading files
    def csv_rows(self, name: str):
        with open(self.data_dir / name, newline="", encoding="utf-8") as fh:
            for number, row in enumerate(csv.DictReader(fh), start=2):
                yield number, {k: (v or "").strip() for k, v in row.items()}

    def yaml(self, name: str):
        with open(self.data_dir / name, encoding="utf-8") as fh:
            return yaml.safe_load(fh)

    # -- reporting
    def problem(self, where: str, field: str, why: str) -> None:
        self.problems.append(f"{where}: {field}: {why}")

    def tally(self, table: str, created: bool, changed: bool = False) -> None:
        """Count one record of `table` as added, unchanged or updated."""
        entry = self.counts.setdefault(table, [0, 0, 0])  # added, unchanged, updated
        entry[0 if created else (2 if changed else 1)] += 1

    # -- lookups and values
    def state(self, code, where: str, field: str = "state") -> MemberState | None:
        found = self.states.get(code or "")
        if found is None:
            self.problem(where, field, f"unknown State code {code!r}")
        return found

    def instrument(self, code, where: str, field: str = "instruments") -> Instrument | None:
        found = self.instruments.get(code or "")
        if found is None:
            self.problem(where, field, f"unknown instrument {code!r}")
        return found

    def date(self, value, where: str, field: str, required: bool = True) -> date | None:
        if value in (None, ""):
            if required:
                self.problem(where, field, "a date is required")
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.problem(where, field, f"{value!r} is not a date like 2003-07-02")
            return None

    def upsert(self, model, lookup: dict, values: dict, table: str | None = None):
        """Find by `lookup` or create; set `values`; tally added / unchanged / updated."""
        obj = db.session.execute(db.select(model).filter_by(**lookup)).scalar_one_or_none()
        created, changed = obj is None, False
        if created:
            obj = model(**lookup, **values)
            db.session.add(obj)
        else:
            for key, value in values.items():
                if getattr(obj, key) != value:
                    setattr(obj, key, value)
                    changed = True
        self.tally(table or model.__tablename__, created, changed)
        return obj


def load_reference(data_dir: Path = DATA) -> dict[str, tuple[int, int, int]]:
    """Load everything: {table: (added, updated, unchanged)}. Raise ReferenceDataError on any problem (the caller
    rolls back what was flushed)."""
    loader = Loader(data_dir)
    try:
        with db.session.no_autoflush:
            _load_states(loader)
            _load_instruments(loader)
        db.session.flush()
        _load_annex(loader)
        db.session.flush()
        _load_tables(loader)
        load_records(loader)
        db.session.flush()
        load_reports(loader)
        if loader.problems:
            raise ReferenceDataError(_report(loader.problems))
        db.session.flush()
    except IntegrityError as exc:
        # Problems found before the database refused say more than the constraint's name: report them too.
        raise ReferenceDataError(_report(loader.problems + [f"database rule: {exc.orig}"])) from None
    added = sum(c[0] for c in loader.counts.values())
    updated = sum(c[2] for c in loader.counts.values())
    if added or updated:
        audit.record("import", record_type="ReferenceData", summary=(
            f"Reference record of A/58/165 loaded: {added} records added, {updated} updated"),
            after={t: {"added": c[0], "updated": c[2]} for t, c in loader.counts.items() if c[0] or c[2]},
            actor_label="seed reference")
        db.session.flush()
    # The records above are written past the services that keep the outcome figures: made again from all of it
    # (also after `db upgrade` has made the tables empty; `make serve` runs this).
    outcome_facts.rebuild()
    period_months.rebuild()  # the period report's, likewise
    return {table: (c[0], c[2], c[1]) for table, c in sorted(loader.counts.items())}


def _report(problems: list[str]) -> str:
    shown = problems[:200]
    more = f"\n… and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    return f"The reference data has {len(problems)} problem(s); nothing was loaded:\n  " + "\n  ".join(shown) + more


def _load_states(loader: Loader) -> None:
    kinds, groups = {k.value for k in ParticipantKind}, {g.value for g in RegionalGroup}
    for line, row in loader.csv_rows("states.csv"):
        where = f"states.csv line {line} ({row.get('code')})"
        if len(row["code"]) != 3 or not row["code"].isupper():
            loader.problem(where, "code", "must be three capital letters (ISO 3166-1 alpha-3)")
        if row["kind"] not in kinds:
            loader.problem(where, "kind", f"must be one of {sorted(kinds)}")
        if row["regional_group"] and row["regional_group"] not in groups:
            loader.problem(where, "regional_group", f"{row['regional_group']!r} is not a UN regional group")
        if row["un_member"] not in ("yes", "no"):
            loader.problem(where, "un_member", "must be yes or no")
        loader.states[row["code"]] = loader.upsert(MemberState, {"code": row["code"]}, {
            "name": row["name"], "kind": row["kind"], "is_un_member": row["un_member"] == "yes",
            "regional_group": row["regional_group"] or None})

    for line, row in loader.csv_rows("state_names.csv"):
        where = f"state_names.csv line {line}"
        state = loader.state(row["code"], where, "code")
        valid_from = loader.date(row["valid_from"], where, "valid_from", required=False)
        if state is None:
            continue
        existing = next((n for n in state.names if n.valid_from == valid_from), None)
        renamed = existing is not None and existing.name != row["name"]
        if existing is None:
            state.names.append(MemberStateName(name=row["name"], valid_from=valid_from))
        elif renamed:
            existing.name = row["name"]
        loader.tally("member_state_names", existing is None, renamed)
    for state in loader.states.values():
        if state.names and state.name_on(date.max) != state.name:
            loader.problem(f"state_names.csv ({state.code})", "name",
                           f"the latest name {state.name_on(date.max)!r} differs from states.csv's {state.name!r}")

    seen: dict[str, str] = {}
    for line, row in loader.csv_rows("state_aliases.csv"):
        where = f"state_aliases.csv line {line} ({row['alias']})"
        state = loader.state(row["code"], where, "code")
        key = alias_key(row["alias"])
        if key in seen and seen[key] != row["code"]:
            loader.problem(where, "alias", f"already points to {seen[key]}")
            continue
        seen[key] = row["code"]
        if state is not None:
            loader.upsert(MemberStateAlias, {"key": key}, {"alias": row["alias"], "state": state})


def _load_instruments(loader: Loader) -> None:
    records = loader.yaml("instruments.yaml")
    for item in records:
        where = f"instruments.yaml ({item.get('code')})"
        loader.instruments[item["code"]] = loader.upsert(Instrument, {"code": item["code"]}, {
            "title": item["title"], "short_title": item["short_title"], "adopted_by": item["adopted_by"],
            "adopted_date": loader.date(item.get("adopted_date"), where, "adopted_date"),
            "signature_closed_date": loader.date(item.get("signature_closed"), where, "signature_closed",
                                                 required=False),
            "threshold": item["threshold"], "days_after_threshold": item["days_after_threshold"],
            "days_after_later_deposit": item["days_after_later_deposit"], "eif_article": item.get("eif_article")})
    for item in records:
        if item.get("supplements"):
            parent = loader.instrument(item["supplements"], f"instruments.yaml ({item['code']})", "supplements")
            instrument = loader.instruments[item["code"]]
            if parent is not None and instrument.supplements is not parent:
                instrument.supplements = parent


def _load_annex(loader: Loader) -> None:
    """The ratifications of the annex, as printed (every one is a 'ratification' there): the claims of a source of
    its own, from which the figures "as printed in A/58/165" are computed (`treaties.ANNEX`). The record's actions
    are the depositary's tables' (`_load_tables`)."""
    for line, row in loader.csv_rows("annex_ratifications.csv"):
        where = f"annex_ratifications.csv line {line}"
        state = loader.state(row["code"], where, "code")
        instrument = loader.instrument(row["instrument"], where, "instrument")
        on = loader.date(row["date"], where, "date")
        if state and instrument and on:
            section = ANNEX_SECTIONS.get(instrument.code, "?")
            loader.upsert(TreatyActionSource, {"source": ANNEX_SOURCE, "state_id": state.id,
                                               "instrument_id": instrument.id, "category": "deposit"},
                          {"kind": ActionKind.RATIFICATION.value, "action_date": on,
                           "name_as_printed": row["name_as_printed"],
                           "locator": f"annex {section} no. {row['position']}"})


def _load_tables(loader: Loader) -> None:
    """The shipped UN Treaty Collection tables (untc_tables.csv names them and the day each was taken), loaded as
    the depositary's record exactly as `flask treaties import` loads a table, Convention first.

    A table is loaded unless the record already holds a more recent one: an import made since (stamped with its
    own day) is never undone, and loading the same table again changes nothing and leaves no trace.
    """
    for line, row in loader.csv_rows("untc_tables.csv"):
        where = f"untc_tables.csv line {line}"
        instrument = loader.instrument(row["instrument"], where, "instrument")
        retrieved = loader.date(row["retrieved"], where, "retrieved")
        table = untc.parse_file(loader.data_dir / "untc" / row["file"])
        for error in table.errors:
            loader.problem(f"untc/{row['file']} line {error.line}", "row", error.message)
        if instrument is None or retrieved is None or table.errors:
            continue
        if instrument.record_complete_to and instrument.record_complete_to > retrieved:
            continue
        try:
            report = import_table(table, instrument.code, filename=row["file"], complete_to=retrieved,
                                  actor_label="seed reference", trace_unchanged=False)
        except ImportRefused as exc:
            for error in exc.errors:
                loader.problem(f"untc/{row['file']} line {error.line}", "row", error.message)
            continue
        counts = loader.counts.setdefault("treaty_actions", [0, 0, 0])  # added, unchanged, updated
        counts[0] += len(report.added)
        counts[1] += report.unchanged
        counts[2] += len(report.changed) + len(report.removed)
