"""Type-ahead pickers: a choice among records too many to list as options (States, experts, organizations,
requests, activities, staff accounts, legislative issues).

A picker's options are only the records already chosen: the page is as big with 200,000 requests as with 20. The
app fills them (`app.pickers.bind`, one query per kind for the whole form, in the caller's scope) from what the
field holds, and the browser searches the rest through `GET /api/v1/lookup/<kind>` (app/static/pickers.js). Without
JavaScript, a text box beside the select (the same name) takes a name or a number, looked up when the form is
posted. Validation stays here and in the app: a value is valid only when the lookup found it in the caller's scope.
"""
import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import ValidationError

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


class _Picker:
    """What both pickers share: the lookup kind, the values posted (keys and typed names), the options bound."""

    @property
    def api_schema(self) -> dict:
        """What a JSON body gives for one value (app/api/common.py): a State's code, else a record's number. Its
        options are only what is chosen, so they cannot be the document's enum; the app checks each value."""
        if self.kind == "states":
            return {"type": "string", "pattern": r"^\s*[A-Za-z]{3}\s*$"}
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}

    def _setup(self, kind: str, unknown: str | None, blank: str | None):
        self.kind = kind
        self.key_of = KEYS.get(kind, record_id)
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
        options = [(k, labelled[k]) for k in dict.fromkeys(keys) if k in labelled]
        self.choices = choices(([("", self.blank)] if self.blank is not None else []) + options)
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
                 blank: str | None = _l("Choose…"), **kwargs):
        self._setup(kind, unknown, blank)
        super().__init__(label, validators, coerce=self.key_of, choices=choices([("", blank)] if blank else []),
                         **kwargs)

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

    def __init__(self, label=None, validators=None, *, kind: str, unknown: str | None = None, **kwargs):
        self._setup(kind, unknown, None)
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
