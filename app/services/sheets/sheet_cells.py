"""What the spreadsheet imports of requests and of activities share: reading a State, an instrument or a choice
from a cell, and a form's messages as (column, message). Below `sheet_imports` (which dispatches to each kind) and
the kinds (`request_import`, `activity_import`), so that none of them imports the others back."""
from flask_babel import gettext as _

from app.formats import sheets


class StateNames:
    """A State named in a cell by its code, any name it bore or an alias (the treaty import's alias table), among
    the States of a scope. Loaded once (four queries), then no query per cell."""

    def __init__(self, states):
        from app.services.registry.states import participant_index
        self.by_code = {s.code: s for s in states}
        self.by_id = {s.id: s for s in states}
        self.index = participant_index()

    def code(self, text: str) -> str | None:
        from models import alias_key
        text = (text or "").strip()
        if len(text) == 3 and text.upper() in self.by_code:
            return text.upper()
        state = self.by_id.get(self.index.get(alias_key(text)) or 0)
        return state.code if state is not None else None

    @staticmethod
    def unknown(text: str) -> str:
        return _("Unknown State “%(name)s”: give its code (e.g. BOL), its name or a name it is known by (e.g. Bolivia "
                 "(Plurinational State of)).", name=text[:60])


def enum_value(enum_cls, raw) -> str | None:
    """An enum member's value from a cell holding its value or its label, whatever the case and spacing."""
    key = sheets.header_key(sheets.text(raw))
    for member in enum_cls:
        if key in (sheets.header_key(member.value), sheets.header_key(member.english_label),
                   sheets.header_key(member.label)):
            return member.value
    return None


def enum_message(enum_cls, raw) -> str:
    return _("“%(value)s” is not one of: %(choices)s.", value=sheets.text(raw)[:40],
             choices=", ".join(m.label for m in enum_cls))


def unknown_instrument(text: str) -> str:
    return _("Unknown instrument “%(name)s”: give UNTOC, TIP, SOM or FIREARMS (or its name), separated by ';'.",
             name=text[:60])


class InstrumentNames:
    """An instrument by code ("TIP") or by name, short or full."""

    def __init__(self, instruments):
        self.by_key = {}
        for i in instruments:
            for name in (i.code, i.short_title, i.title):
                if name:
                    self.by_key.setdefault(sheets.header_key(name), i.code)

    def code(self, text: str) -> str | None:
        return self.by_key.get(sheets.header_key(text))

    def codes(self, raw) -> tuple[list[str], list[str]]:
        """The codes a cell lists ("UNTOC; TIP", or "UNTOC, TIP" when every part is a code) and what is unknown."""
        parts = sheets.items(raw)
        if len(parts) == 1 and "," in parts[0]:
            split = sheets.items(parts[0], ",")
            if all(self.code(p) for p in split):
                parts = split
        found, unknown = [], []
        for part in parts:
            code = self.code(part)
            (found.append(code) if code else unknown.append(part))
        return list(dict.fromkeys(found)), unknown


def form_problems(form, column_of) -> list[tuple[str, str]]:
    """A validated form's messages as (column, message), each field's first message."""
    out = []
    for name, messages in form.errors.items():
        if isinstance(messages, dict) or (messages and isinstance(messages[0], dict)):
            continue  # the rows of a FieldList: the caller reads them
        out.append((column_of(name), messages[0] if messages else _("Not valid.")))
    return out
