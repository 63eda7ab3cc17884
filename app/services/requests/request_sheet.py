"""Requests for assistance from a spreadsheet: one row per request, checked by the intake form (RequestForm) and by
`request_changes` exactly as a request logged in the browser (see sheet_imports for the upload and preview)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from app.formats import sheets
from app.formats.sheets import Column
from app.formatting import format_number
from app.scoping import Scope
from app.services.core.errors import Refused
from app.services.requests import request_writes
from app.services.sheets.sheet_cells import (
    InstrumentNames,
    StateNames,
    enum_message,
    enum_value,
    form_problems,
    unknown_instrument,
)
from forms.requests import RequestForm
from models.enums import Priority, RequestChannel, RequestKind

RECORD_TYPE = "AssistanceRequest"
#: The tables an import of this kind fills (analysed after it on PostgreSQL).
TABLES = ("assistance_requests", "assistance_request_instruments", "request_status_changes")
#: How the audit trail names the rows (in the record's language).
PLURAL = "requests"
TITLE = _l("Requests")
#: What the pages and messages of this import say, in the reader's language: whole sentences, one per use.
PAGE_TITLE = _l("Import requests")
PAGE_HEADING = _l("Import requests from a spreadsheet")
PAGE_INTRO = _l("One row per request, checked by the same rules as the form. You see a preview naming every row and "
                "cell at fault before anything is written; confirming imports every row, or none.")
MISSING_COLUMNS = _l("The file has no column %(columns)s: every request needs it. Download the template to see the "
                     "columns.")
JOB_LABEL = _l("Import of %(file)s (requests)")


def confirm_label(count: int) -> str:
    return ngettext("Import %(count)s request", "Import %(count)s requests", count, count=format_number(count))


def imported_message(count: int, filename: str) -> str:
    return ngettext("Imported %(count)s request from %(file)s.", "Imported %(count)s requests from %(file)s.", count,
                    count=format_number(count), file=filename)


COLUMNS = [
    Column("State", ("Requesting State", "Country", "State code", "State name", "Participant"), required=True,
           example="Bolivia (Plurinational State of)",
           note=_l("The requesting State: its code (BOL), its name, or any name it is known by (aliases and earlier "
                   "names are recognised).")),
    Column("Instruments", ("Instrument", "Instruments concerned", "Treaties", "Treaty"), required=True,
           example="UNTOC; TIP",
           note=_l("One or more of UNTOC, TIP, SOM, FIREARMS (code or name), separated by ';'.")),
    Column("Kind", ("Kind of assistance", "Type", "Assistance", "Request kind"), required=True,
           example=RequestKind.LEGISLATIVE_REVIEW.label,
           note="; ".join(f"{m.english_label} ({m.value})" for m in RequestKind)),
    Column("Subject", ("Title", "Request subject"), required=True, example="Review of the draft penal code",
           note=_l("Plain text, at most 255 characters.")),
    Column("Received", ("Date received", "Received date", "Received on", "Date"), example=date(2003, 3, 12),
           note=_l("The day the request arrived: 2003-03-12, 12 Mar 2003 or a date cell. Not in the future.")),
    Column("Due", ("Due date", "Deadline", "Due by"), example="",
           note=_l("When the State expects an answer, if it said: a date on or after Received.")),
    # The accepted values are the English labels (and values) a cell is matched against, in any language.
    Column("Priority", (), example=Priority.NORMAL.label,
           note=_l("%(values)s. Empty: Normal.", values="; ".join(m.english_label for m in Priority))),
    Column("Channel", ("Received by", "Via"), example=RequestChannel.NOTE_VERBALE.label,
           note=_l("%(values)s. May be empty.", values="; ".join(m.english_label for m in RequestChannel))),
    Column("Requesting authority", ("Authority", "Requested by"), example="Ministry of Justice",
           note=_l("Plain text, at most 200 characters. May be empty.")),
    Column("Description", ("Details", "Notes"), example="", note=_l("At most 5,000 characters. May be empty.")),
]
#: The intake form's fields and the column each comes from.
FIELD_COLUMNS = {"state": "State", "instruments": "Instruments", "kind": "Kind", "subject": "Subject",
                 "received_date": "Received", "due_date": "Due", "priority": "Priority", "channel": "Channel",
                 "requesting_authority": "Requesting authority", "description": "Description"}


@dataclass
class Context:
    scope: Scope
    known: request_writes.Known
    states: StateNames
    instruments: InstrumentNames
    #: (code, label) of every State the scope may see: the requesting State is checked against them.
    state_choices: list
    today: date
    #: One form, processed anew for each row (its fields bound once, not once per row).
    form: RequestForm | None = None


def prepare(scope: Scope) -> Context:
    """Everything a row may name, loaded once (a fixed number of queries, whatever the rows)."""
    known = request_writes.preload(scope)
    states = sorted(known.states.values(), key=lambda s: s.name)
    return Context(scope, known, StateNames(states), InstrumentNames(known.instruments.values()),
                   [(s.code, f"{s.name} ({s.code})") for s in states], date.today())


def check_row(context: Context, columns: sheets.Columns, cells: list):
    """(the values `request_changes.create` takes, []) or (None, [(column, message), …])."""
    def cell(name):
        return columns.get(cells, name)
    problems: list[tuple[str, str]] = []
    data = MultiDict()
    state_text = sheets.text(cell("State"))
    if state_text:
        code = context.states.code(state_text)
        if code is None:
            problems.append((columns.shown("State"), StateNames.unknown(state_text)))
        data["state"] = code or ""
    codes, unknown = context.instruments.codes(cell("Instruments"))
    if unknown:
        problems.append((columns.shown("Instruments"), unknown_instrument(unknown[0])))
    data.setlist("instruments", codes)
    for name, enum_cls, default in (("Kind", RequestKind, ""), ("Priority", Priority, Priority.NORMAL.value),
                                    ("Channel", RequestChannel, "")):
        raw = cell(name)
        value = enum_value(enum_cls, raw) if sheets.text(raw) else default
        if value is None:
            problems.append((columns.shown(name), enum_message(enum_cls, raw)))
        data[name.lower()] = value or ""
    for name, field in (("Received", "received_date"), ("Due", "due_date")):
        data[field] = sheets.date_text(cell(name))
    for name, field in (("Subject", "subject"), ("Requesting authority", "requesting_authority"),
                        ("Description", "description")):
        data[field] = sheets.text(cell(name))
    form = context.form = context.form or RequestForm(formdata=None, meta={"csrf": False})
    form.process(formdata=data)
    form.state.offer(context.state_choices)
    shown = {field: columns.shown(column) for field, column in FIELD_COLUMNS.items()}
    if not form.validate():
        named = {column for column, _ in problems}
        problems += [(c, m) for c, m in form_problems(form, lambda f: shown.get(f, "")) if c not in named]
        return None, problems
    if problems:
        return None, problems
    values = form.values()
    try:
        request_writes.check(context.scope, values, context.known, context.today)
    except Refused as exc:
        return None, [(shown.get(field or "", ""), message) for field, message in exc.errors.items()]
    return values, []


def write_all(scope: Scope, context: Context, rows: list[dict], actor, source: str) -> list[int]:
    """Log every checked row as a request (each with its own audit entry, as the form's); returns their ids."""
    return [r.id for r in request_writes.create_many(scope, rows, actor, context.today, known=context.known,
                                                       source=source)]


def describe(values: dict) -> str:
    """One checked row in words, for the preview's sample."""
    received = (_("received %(day)s", day=values["received_date"].isoformat()) if values.get("received_date")
                else _("date not recorded"))
    return (f"{values['state']} · {', '.join(values['instruments'])} · {RequestKind.label_of(values['kind'])} · "
            f"{values['subject']} · {received}")


def template_rows() -> tuple[list[str], list]:
    return [c.name for c in COLUMNS], [c.example for c in COLUMNS]


def notes() -> list[tuple[str, str]]:
    return [sheets.column_note(c) for c in COLUMNS]
