"""Activities from a spreadsheet: one row per activity — its visits as numbered city / country / start / end
columns, several States or instruments separated by ";", experts and partners by name with their role in
brackets, requests by number. Each row goes through the officers' ActivityForm and `activity_writes`' rules
exactly as an activity logged in the browser (see sheet_imports for the upload and preview)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from app.formats import sheets
from app.formats.sheets import Column
from app.formatting import format_number
from app.scoping import Scope
from app.services.activities import activity_writes
from app.services.core.errors import Refused
from app.services.sheets.sheet_cells import (
    InstrumentNames,
    StateNames,
    enum_message,
    enum_value,
    form_problems,
    unknown_instrument,
)
from forms.activities import ActivityForm
from models.enums import ActivityKind, ActivityStatus

RECORD_TYPE = "Activity"
#: The tables an import of this kind fills (analysed after it on PostgreSQL).
TABLES = ("activities", "activity_visits", "activity_states", "activity_instruments", "activity_requests",
          "activity_partners", "activity_other_instruments")
#: How the audit trail names the rows (in the record's language).
PLURAL = "activities"
TITLE = _l("Activities")
#: What the pages and messages of this import say, in the reader's language: whole sentences, one per use.
PAGE_TITLE = _l("Import activities")
PAGE_HEADING = _l("Import activities from a spreadsheet")
PAGE_INTRO = _l("One row per activity, checked by the same rules as the form. You see a preview naming every row and "
                "cell at fault before anything is written; confirming imports every row, or none.")
MISSING_COLUMNS = _l("The file has no column %(columns)s: every activity needs it. Download the template to see the "
                     "columns.")
JOB_LABEL = _l("Import of %(file)s (activities)")


def confirm_label(count: int) -> str:
    return ngettext("Import %(count)s activity", "Import %(count)s activities", count, count=format_number(count))


def imported_message(count: int, filename: str) -> str:
    return ngettext("Imported %(count)s activity from %(file)s.", "Imported %(count)s activities from %(file)s.",
                    count, count=format_number(count), file=filename)

#: Visits one row may carry (Visit 1 city … Visit 5 end); more are entered in the form.
REPEATS = 5

COLUMNS = [
    Column("Kind", ("Type", "Activity kind", "Kind of activity"), required=True,
           example=ActivityKind.MISSION.label, note="; ".join(f"{m.english_label} ({m.value})" for m in ActivityKind)),
    Column("Title", ("Activity", "Name", "Activity title"), required=True,
           example="Advisory mission on the draft law against organized crime",
           note=_l("Plain text, at most 255 characters.")),
    # The accepted values are the English labels (and values) a cell is matched against, in any language.
    Column("Status", ("Activity status",), example=ActivityStatus.COMPLETED.label,
           note=_l("%(values)s. Empty: Planned.", values="; ".join(m.english_label for m in ActivityStatus))),
    Column("Description", ("Details",), note=_l("At most 5,000 characters.")),
    Column("States served", ("Served", "Beneficiary States", "Beneficiaries", "States", "State"), example="BOL",
           note=_l("The beneficiary States, by code or any name, separated by ';'.")),
    Column("States taking part", ("Participants", "Participating States", "States participating"),
           note=_l("Other States that took part, separated by ';'.")),
    Column("Instruments", ("Instrument", "Instruments covered", "Treaties"), example="UNTOC; TIP",
           note=_l("UNTOC, TIP, SOM, FIREARMS (code or name), separated by ';'.")),
    Column("Other instruments", ("Other instruments dealt with",),
           note=_l("Other instruments dealt with jointly, separated by ';'.")),
    Column("Topics", ("Topic", "Subjects"), note=_l("Subjects dealt with besides the instruments, separated by ';'.")),
    Column("Experts", ("Expert", "Experts deployed"),
           note=_l("Experts of the roster by name, each with the role in brackets: “Jane Doe (legal adviser); "
                   "John Roe (lecturer)”.")),
    Column("Partners", ("Partner", "Partner organizations", "Organizations"),
           note=_l("Organizations by name or acronym, each with its role in brackets: “IMF (co-operating "
                   "organization)”.")),
    Column("Requests", ("Request", "Requests answered", "Request number", "Request id"),
           note=_l("The requests it answers, by number (#12 or 12) or reference, separated by ';'.")),
    Column("Outcome", ("Outcome report", "Result"), note=_l("At most 10,000 characters.")),
    Column("Source", (), example="Mission report", note=_l("Where the record comes from; at most 120 characters.")),
]
REPEATED = [
    Column("Visit city", ("City",), note=_l("The city of the visit (may be empty).")),
    Column("Visit country", ("Country", "Visit State"), note=_l("The country visited, by code or any name.")),
    Column("Visit start", ("Start", "Start date", "Visit start date", "From", "First day"),
           note=_l("The first day: 2003-03-10, 10 Mar 2003 or a date cell.")),
    Column("Visit end", ("End", "End date", "Visit end date", "To", "Last day"),
           note=_l("The last day, on or after the first.")),
]
_VISIT_FIELDS = {"Visit city": "city", "Visit country": "country", "Visit start": "start_date",
                 "Visit end": "end_date"}
_FIELDS = {"kind": "Kind", "title": "Title", "status": "Status", "description": "Description",
           "served": "States served", "participants": "States taking part", "instruments": "Instruments",
           "other_instruments": "Other instruments", "topics": "Topics", "deployments": "Experts",
           "partners": "Partners", "requests": "Requests", "outcome": "Outcome", "source": "Source",
           "visits": "Visit country 1"}
_NAMED = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<role>[^()]*)\))?\s*$")
_REQUEST = re.compile(r"^(?:request\s*)?#?\s*(\d{1,9})$", re.I)


@dataclass
class Context:
    scope: Scope
    known: activity_writes.Known
    states: StateNames
    instruments: InstrumentNames
    experts: dict          # header_key(name) -> [Expert]
    organizations: dict    # header_key(name or acronym) -> [Organization]
    today: date
    references: dict       # a request's reference key (casefolded) -> AssistanceRequest
    #: One form, processed anew for each row: binding its fields once, not once per row, halves a preview's time.
    form: ActivityForm | None = None


def prepare(scope: Scope) -> Context:
    """Everything a row may name, loaded once (a fixed number of queries, whatever the rows)."""
    known = activity_writes.preload(scope)
    from app.services.registry import states as state_service
    visible = state_service.choices(scope)
    experts: dict = {}
    for expert in known.experts.values():
        experts.setdefault(sheets.header_key(expert.name), []).append(expert)
    organizations: dict = {}
    for org in known.organizations.values():
        for name in {org.name, org.acronym, org.display_name} - {None, ""}:
            organizations.setdefault(sheets.header_key(name), []).append(org)
    return Context(scope, known, StateNames(visible), InstrumentNames(known.instruments.values()),
                   experts, organizations, date.today(),
                   {r.reference_key.casefold(): r for r in known.requests.values() if r.reference_key})


#: What a name that finds no record, or several, is told, by the kind of record it names.
_EXPERT = {"unknown": _l("Unknown expert “%(name)s”: give the name as the record has it."),
           "ambiguous": _l("“%(name)s” names %(count)s experts: enter the activity in the form.")}
_ORGANIZATION = {"unknown": _l("Unknown organization “%(name)s”: give the name as the record has it."),
                 "ambiguous": _l("“%(name)s” names %(count)s organizations: enter the activity in the form.")}


def _named(raw, index: dict, what: dict, column: str, problems: list) -> list[tuple[object, str]]:
    """(record, role) for each "Name (role)" of a cell; an unknown or ambiguous name goes to `problems`."""
    out = []
    for part in sheets.items(raw):
        match = _NAMED.match(part)
        name, role = match.group("name"), (match.group("role") or "").strip()
        found = list({id(r): r for r in index.get(sheets.header_key(name), [])}.values())
        if len(found) == 1:
            out.append((found[0], role))
        elif found:
            problems.append((column, str(what["ambiguous"]) % {"name": name[:60], "count": len(found)}))
        else:
            problems.append((column, str(what["unknown"]) % {"name": name[:60]}))
    return out


@dataclass
class _SheetRow:
    """One row of the sheet on its way to the ActivityForm: its cells, the form data made of them, and the problems
    found so far as (column as the sheet shows it, message)."""
    columns: sheets.Columns
    cells: list
    data: MultiDict = field(default_factory=MultiDict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    #: The form's visit index -> the number of that visit's columns in the sheet ("Visit country 2").
    visit_columns: dict[int, int] = field(default_factory=dict)

    def cell(self, name: str):
        return self.columns.get(self.cells, name)

    def problem(self, column: str, message: str) -> None:
        self.problems.append((self.columns.shown(column), message))


def check_row(context: Context, columns: sheets.Columns, cells: list):
    """(ActivityData, []) or (None, [(column, message), …])."""
    row = _SheetRow(columns, cells)
    _activity_fields(row, context)
    _visits(row, context)
    experts = _named(row.cell("Experts"), context.experts, _EXPERT, columns.shown("Experts"), row.problems)
    for n, (expert, role) in enumerate(experts):
        row.data[f"deployments-{n}-expert"] = str(expert.id)
        row.data[f"deployments-{n}-role"] = role
    partners = _named(row.cell("Partners"), context.organizations, _ORGANIZATION, columns.shown("Partners"),
                      row.problems)
    for n, (org, role) in enumerate(partners):
        row.data[f"partners-{n}-organization"] = str(org.id)
        row.data[f"partners-{n}-role"] = role
    _requests(row, context)
    form = context.form = context.form or ActivityForm(formdata=None, meta={"csrf": False})
    form.process(formdata=row.data)
    # The choices are what the row names (each found above, or named as a problem): the form's choice checks
    # then cost a few comparisons, not one per State of the record, row after row.
    named_states = {code: context.states.by_code[code] for code in row.data.getlist("served")
                    + row.data.getlist("participants")
                    + [row.data[f"visits-{n}-country"] for n in row.visit_columns] if code}
    form.set_choices(list(named_states.values()), context.known.instruments.values(), [o for o, _ in partners],
                     [e for e, _ in experts])
    if not form.validate():
        return None, _with_form_problems(row, form)
    if row.problems:
        return None, row.problems
    values = activity_writes.ActivityData.of(form.values())
    try:
        activity_writes.check(context.scope, values, context.known)
    except Refused as exc:
        return None, [(_shown(columns, field or ""), message) for field, message in exc.errors.items()]
    return values, []


def _shown(columns: sheets.Columns, field_name: str) -> str:
    """The sheet's column for a field of the form ("" for a field no column fills)."""
    return columns.shown(_FIELDS.get(field_name, "")) if field_name in _FIELDS else ""


def _activity_fields(row: _SheetRow, context: Context) -> None:
    """Kind, status, texts, States, instruments and topics: the cells one field of the form each."""
    for name, enum_cls, default in (("Kind", ActivityKind, ""), ("Status", ActivityStatus,
                                                                 ActivityStatus.PLANNED.value)):
        raw = row.cell(name)
        value = enum_value(enum_cls, raw) if sheets.text(raw) else default
        if value is None:
            row.problem(name, enum_message(enum_cls, raw))
        row.data[name.lower()] = value or ""
    for name in ("Title", "Description", "Outcome", "Source"):
        row.data[name.lower()] = sheets.text(row.cell(name))
    for name, field_name in (("States served", "served"), ("States taking part", "participants")):
        for part in sheets.items(row.cell(name)):
            code = context.states.code(part)
            if code is None:
                row.problem(name, StateNames.unknown(part))
            else:
                row.data.add(field_name, code)
    codes, unknown = context.instruments.codes(row.cell("Instruments"))
    if unknown:
        row.problem("Instruments", unknown_instrument(unknown[0]))
    row.data.setlist("instruments", codes)
    row.data["other_instruments"] = "\n".join(sheets.items(row.cell("Other instruments")))
    row.data["topics"] = ", ".join(sheets.items(row.cell("Topics")))


def _visits(row: _SheetRow, context: Context) -> None:
    """Each numbered visit the row fills (Visit city 1 … Visit end 5) as the form's next visit."""
    for n in range(1, REPEATS + 1):
        values = {field_name: row.cell(f"{name} {n}") for name, field_name in _VISIT_FIELDS.items()}
        if all(not sheets.text(v) for v in values.values()):
            continue
        index = len(row.visit_columns)
        row.visit_columns[index] = n
        row.data[f"visits-{index}-city"] = sheets.text(values["city"])
        country = sheets.text(values["country"])
        code = context.states.code(country) if country else ""
        if code is None:
            row.problem(f"Visit country {n}", StateNames.unknown(country))
        row.data[f"visits-{index}-country"] = code or ""
        row.data[f"visits-{index}-start_date"] = sheets.date_text(values["start_date"])
        row.data[f"visits-{index}-end_date"] = sheets.date_text(values["end_date"])
        row.data[f"visits-{index}-date_precision"] = "day"


def _requests(row: _SheetRow, context: Context) -> None:
    """The requests the row answers, by number or reference, among those the person may see."""
    for part in sheets.items(row.cell("Requests")):
        match = _REQUEST.match(part)
        found = context.known.requests.get(int(match.group(1))) if match else \
            context.references.get(part.strip().casefold())
        if found is None:
            row.problem("Requests", _("No request “%(value)s” among those you may see: give its number, e.g. 12 or "
                                      "#12.", value=part[:30]))
        else:
            row.data.add("requests", str(found.id))


def _with_form_problems(row: _SheetRow, form: ActivityForm) -> list[tuple[str, str]]:
    """The row's problems and then the form's, each under its sheet column; the form's on a column that already
    has a problem are left out (they say the same thing again)."""
    named = {column for column, _ in row.problems}
    found = form_problems(form, lambda field_name: _shown(row.columns, field_name))
    for index, errors in enumerate(form.visits.errors or []):
        for field_name, messages in (errors or {}).items():
            name = next(k for k, v in _VISIT_FIELDS.items() if v == field_name) \
                if field_name in _VISIT_FIELDS.values() else "Visit country"
            found.append((row.columns.shown(f"{name} {row.visit_columns.get(index, 1)}"), messages[0]))
    for field_name in ("partners", "deployments"):
        for errors in form[field_name].errors or []:
            for messages in (errors or {}).values():
                found.append((_shown(row.columns, field_name), messages[0]))
    return row.problems + [(c, m) for c, m in found if c not in named] or [("", _("The row is not valid."))]


def write_all(scope: Scope, context: Context, rows: list, actor, source: str) -> list[int]:
    """Log every checked row as an activity (each with its own audit entry, as the form's); returns their ids."""
    rows = [r if r.source else activity_writes.ActivityData(**{**r.__dict__, "source": source[:120]}) for r in rows]
    return [a.id for a in activity_writes.create_many(scope, rows, context.known)]


def describe(values) -> str:
    """One checked row in words, for the preview's sample."""
    visits = "; ".join(f"{v.city or '—'}, {v.country}, {v.start_date.isoformat()} – {v.end_date.isoformat()}"
                       for v in values.visits) or _("no visit")
    return f"{ActivityKind.label_of(values.kind)} · {values.title} · {visits}"


def template_rows() -> tuple[list[str], list]:
    visits = [(f"Visit {n} {w}", example) for n in (1, 2) for w, example in zip(
        ("city", "country", "start", "end"),
        ("La Paz", "Bolivia", date(2003, 3, 10), date(2003, 3, 12)) if n == 1 else ("", "", "", ""), strict=True)]
    pairs = [(c.name, c.example) for c in COLUMNS[:4]] + visits + [(c.name, c.example) for c in COLUMNS[4:]]
    return [name for name, _ in pairs], [example for _, example in pairs]


def notes() -> list[tuple[str, str]]:
    return [sheets.column_note(c) for c in COLUMNS[:4] + [Column(f"{c.name} 1, {c.name} 2 … {REPEATS}", c.synonyms,
                                                                 note=c.note) for c in REPEATED] + COLUMNS[4:]]
