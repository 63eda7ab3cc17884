"""Type-ahead pickers: a choice among records too many to list as options (States, experts, organizations,
requests, activities, staff accounts, legislative issues).

A picker's options are only the records already chosen: the page is as big with 200,000 requests as with 20. The
app fills them (`app.pickers.bind`, one query per kind for the whole form, in the caller's scope) from what the
field holds, and the browser searches the rest through `GET /api/v1/lookup/<kind>` (app/static/pickers.js). Without
JavaScript, a text box beside the select (the same name) takes a name or a number, looked up when the form is
posted. Validation stays here and in the app: a value is valid only when the lookup found it in the caller's scope.
"""
import json
import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from forms.base import MAX_ID, choices

#: Most records one multiple picker takes.
MAX_PICKS = 200
#: The separator of several names typed in a multiple picker's text box (names may hold commas).
TYPED_SEPARATOR = ";"


def state_code(value) -> str | None:
    """A State's key: its three-letter code, as the select posts it."""
    text = str(value or "").strip()
    return text if len(text) == 3 and text.isalpha() and text.isupper() else None


def record_id(value) -> int | None:
    """Any other record's key: its number ("16", "#16")."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    found = re.match(r"^\s*#?\s*(\d{1,9})\s*$", str(value or ""))
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None


#: The key each kind posts.
KEYS = {"states": state_code}


def _fixed_json(fixed) -> str | None:
    """The fixed choices (not records: "Nobody", "Me") as pickers.js offers them beside what the lookup finds."""
    return json.dumps([{"id": str(k), "label": str(v)} for k, v in fixed]) if fixed else None


class _Picker:
    """What both pickers share: the lookup kind, the values posted (keys and typed names), the options bound."""

    @property
    def api_schema(self) -> dict:
        """What a JSON body gives for one value (app/api/common.py): a State's code, else a record's number. Its
        options are only what is chosen, so they cannot be the document's enum; the app checks each value."""
        if self.kind == "states":
            return {"type": "string", "pattern": r"^\s*[A-Za-z]{3}\s*$"}
        number = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        return {"anyOf": [number, {"type": "string", "enum": sorted(self.fixed_keys)}]} if self.fixed else number

    def _setup(self, kind: str, unknown: str | None, blank: str | None, among: str | None = None, fixed=()):
        self.kind = kind
        #: The narrower set of the kind the field takes (app.services.overview.lookup: `among`), if any.
        self.among = among
        #: Choices that are not records ("Nobody"), as (key, label): always offered, never looked up.
        self.fixed = list(fixed)
        self.fixed_keys = {k for k, _label in self.fixed}
        self.fixed_json = _fixed_json(self.fixed)
        key_of = KEYS.get(kind, record_id)
        self.key_of = lambda value: value if value in self.fixed_keys else key_of(value)
        self.unknown = unknown or _l("Choose from the list: that is not one you may choose.")
        self.blank = blank
        #: Set by `bind`: why a typed name found no single record.
        self.problems: list[str] = []
        self.bound = False

    def picked(self) -> list:
        """The values the field holds: keys, or names typed in the text box (resolved by `bind`)."""
        raise NotImplementedError

    def settle(self, keys: list, labelled: dict, problems: list[str]) -> None:
        """Bind the field: the keys it now holds (typed names resolved), the label of each key the caller may
        choose, and what could not be resolved. The options become exactly the chosen records."""
        self.bound = True
        self.problems = problems
        options = [(k, labelled[k]) for k in dict.fromkeys(keys) if k in labelled and k not in self.fixed_keys]
        self.choices = choices(([("", self.blank)] if self.blank is not None else []) + self.fixed + options)
        self._keep(keys)

    def offer(self, pairs) -> None:
        """Bind the field to options the caller already holds, as (key, label) pairs (the spreadsheet import
        names its records itself): what the field holds must be among them."""
        labelled = dict(pairs)
        self.settle([self.key_of(v) or v for v in self.picked()], labelled, [])

    def _offered(self) -> set:
        return {self.key_of(c.value) for c in self.choices or [] if c.value != ""}

    def _refuse(self, keys: list, offered: set) -> None:
        """Refuse what a typed name did not resolve to, and any key the binding did not find in the scope."""
        if self.problems:
            raise ValidationError(" ".join(self.problems))
        missing = [k for k in keys if not self.bound or k not in offered]
        if missing:
            shown = str(missing[0])[:40]
            raise ValidationError(str(self.unknown).format(value=f"#{shown}" if isinstance(missing[0], int) else shown))

    @staticmethod
    def _posted(valuelist) -> list[str]:
        return [str(v).strip() for v in valuelist if v is not None and str(v).strip()]


class PickerField(_Picker, SelectField):
    """One record, picked by type-ahead (see the module). `blank` is the label of "none" ("Choose…")."""

    def __init__(self, label=None, validators=None, *, kind: str, unknown: str | None = None,
                 blank: str | None = _l("Choose…"), among: str | None = None, fixed=(), **kwargs):
        self._setup(kind, unknown, blank, among, fixed)
        super().__init__(label, validators, coerce=self.key_of,
                         choices=choices(([("", blank)] if blank else []) + list(fixed)), **kwargs)

    def process_formdata(self, valuelist):
        # The select and, after it, the text box post under the same name: a name typed wins over the selection.
        posted = self._posted(valuelist)
        self.raw_data = posted[-1:]  # what InputRequired reads: the value taken, not the select's empty "Choose…"
        self.data = posted[-1] if posted else None

    def process_data(self, value):
        self.data = value if value not in ("", None) else None

    def picked(self) -> list:
        return [self.data] if self.data not in (None, "") else []

    def _keep(self, keys: list) -> None:
        self.data = keys[0] if keys else None

    def pre_validate(self, form):
        self._refuse([self.data] if self.data not in (None, "") else [], self._offered())


class MultiPickerField(_Picker, SelectMultipleField):
    """Several records, picked by type-ahead (see the module)."""

    def __init__(self, label=None, validators=None, *, kind: str, unknown: str | None = None,
                 among: str | None = None, **kwargs):
        self._setup(kind, unknown, None, among)
        super().__init__(label, validators, coerce=self.key_of, choices=[], **kwargs)

    def process_formdata(self, valuelist):
        values = []
        for value in self._posted(valuelist):
            # Keys come one per value; several names typed in the text box come separated by ";", several
            # numbers by commas too ("#12, 15").
            numbers = [part for part in re.split(r"[\s,;]+", value) if part]
            if len(numbers) > 1 and all(record_id(n) for n in numbers):
                values.extend(numbers)
            else:
                values.extend([value] if self.key_of(value) is not None else
                              [part.strip() for part in value.split(TYPED_SEPARATOR) if part.strip()])
        self.data = list(dict.fromkeys(values))

    def process_data(self, value):
        self.data = list(value or [])

    def picked(self) -> list:
        return list(self.data or [])

    def _keep(self, keys: list) -> None:
        self.data = list(dict.fromkeys(keys))

    def pre_validate(self, form):
        if len(self.data or []) > MAX_PICKS:
            raise ValidationError(_l("At most %(n)s.", n=MAX_PICKS))
        self._refuse(self.data or [], self._offered())


class FilterPickerField(StringField):
    """A list's filter naming one record of a kind too many to offer as options (a State, an expert, a partner, a
    request, an activity, an account). On a page it is a text box that pickers.js turns into a combobox searching
    `GET /api/v1/lookup/<kind>` (the record's key is what the filter sends); without JavaScript the box takes the
    key (a number; a State's code or any of its names, which the list's service resolves), or a name, which the
    page looks up (`app.pickers.bind_filters`). The API takes keys only, as its document says; `fixed` are the
    values that name no record ("me", "none"), as (key, label)."""

    widget = TextInput()
    #: The macro (templates/_macros/forms.html) draws every subclass as a filter's picker.
    is_filter_picker = True

    def __init__(self, label=None, description=None, *, kind: str, among: str | None = None, fixed=(),
                 refusal=None, **kwargs):
        super().__init__(label, description=description, **kwargs)
        self.kind, self.among = kind, among
        self.fixed = [(str(k), v) for k, v in fixed]
        self.fixed_keys = {k for k, _label in self.fixed}
        self.fixed_json = _fixed_json(self.fixed)
        self.refusal = refusal or _l("Choose from the list, or give a record's number (1 to %(limit)s).",
                                     limit=MAX_ID)
        #: Set on a page (app.pickers.bind_filters): what the chosen record is called, and why a name typed
        #: without JavaScript named no single record.
        self.shown: str | None = None
        self.problems: list[str] = []

    @property
    def api_schema(self) -> dict:
        """What the query string may hold (app/api/common.py), per kind: the API takes keys, never names."""
        if self.kind == "states":
            return {"type": "string", "maxLength": 120}
        number = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        return {"anyOf": [number, {"type": "string", "enum": sorted(self.fixed_keys)}]} if self.fixed else number

    def process_formdata(self, valuelist):
        text = str(valuelist[0]).strip() if valuelist and valuelist[0] is not None else ""
        if not text:
            self.data = None
        elif text.lower() in self.fixed_keys:
            self.data = text.lower()
        elif self.kind == "states":
            self.data = text  # a code or a name: the service resolves either (app.services.registry.states)
        else:
            number = record_id(text)
            self.data = number if number is not None else text  # a name: looked up on a page, refused by the API

    def process_data(self, value):
        self.data = value if value not in ("", None) else None

    def _value(self):
        return "" if self.data is None else str(self.data)

    def is_name(self) -> bool:
        """Whether the field holds a name typed without JavaScript, still to be looked up (never a State's:
        its list resolves names itself)."""
        return (isinstance(self.data, str) and self.kind != "states" and self.data not in self.fixed_keys
                and not re.fullmatch(r"#?\s*-?\d+", self.data))  # a number out of range is refused, not searched

    def key(self):
        """The record's key the field holds (a number, a State's code), or None (empty, fixed, or a name)."""
        if self.kind == "states":
            return state_code(self.data)
        return self.data if isinstance(self.data, int) else None

    def label_text(self) -> str:
        """The filter's value as people read it: the record's label, a fixed value's, or what was typed."""
        if self.data is None:
            return ""
        fixed = dict(self.fixed).get(self.data)
        if fixed is not None:
            return str(fixed)
        return self.shown or (f"#{self.data}" if isinstance(self.data, int) else str(self.data))

    def pre_validate(self, form):
        if self.problems:
            raise ValidationError(" ".join(self.problems))
        if self.data is None or self.data in self.fixed_keys:
            return
        if self.kind == "states":
            if len(self.data) > 120:
                raise ValidationError(_l("At most %(limit)s characters.", limit=120))
            return
        if not (isinstance(self.data, int) and 1 <= self.data <= MAX_ID):
            raise ValidationError(self.refusal)
