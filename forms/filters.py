"""Fields that several lists' filters share (instrument, State, regional group, record ids)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import TextInput

from forms.base import MAX_ID, choices, optional_int, strip
from forms.pickers import FilterPickerField
from models.enums import RegionalGroup

INSTRUMENT_CODES = ["UNTOC", "TIP", "SOM", "FIREARMS"]


def instrument_filter(label: str = _l("Instrument")) -> SelectField:
    return SelectField(label, choices=choices([("", _l("Any instrument"))] + [(c, c) for c in INSTRUMENT_CODES]),
                       validators=[Optional()])


def _upper(value):
    return value.upper() if isinstance(value, str) else value


class CodeField(StringField):
    """A three-letter code (a State's, a currency's), stripped and upper-cased before it is checked: `bol` and
    ` BOL ` are BOL. Documented in the API as what the query string may hold."""
    api_schema = {"type": "string", "pattern": r"^\s*[A-Za-z]{3}\s*$"}

    def __init__(self, label, message: str, **kwargs):
        super().__init__(label, filters=[strip, _upper],
                         validators=[Optional(), Regexp(r"^[A-Z]{3}$", message=message)], **kwargs)


class StateField(FilterPickerField):
    """A State as people name it: its code ("BOL") or any of its names, today's or earlier, in full ("Bolivia",
    "Yugoslavia"), picked by type-ahead on a page. The service resolves it
    (`app.services.registry.states.ids_named`); a name that designates no State narrows the list to nothing
    rather than refusing the request."""

    def __init__(self, label, **kwargs):
        super().__init__(label, kind="states", **kwargs)


STATE_FILTER_DESCRIPTION = _l("The State's code (BOL) or one of its names, today's or earlier, in full (Bolivia).")


def state_filter(label: str = _l("State"), description: str = STATE_FILTER_DESCRIPTION) -> StateField:
    return StateField(label, description=description)


def record_filter(label: str, kind: str, description: str | None = None, among: str | None = None,
                  fixed=()) -> FilterPickerField:
    """A filter naming one record (an expert, a partner, a request, an activity, an account), picked by type-ahead:
    forms.pickers.FilterPickerField."""
    return FilterPickerField(label, description, kind=kind, among=among, fixed=fixed)


def group_filter(label: str = _l("Regional group")) -> SelectField:
    return SelectField(label, choices=choices([("", _l("Any group"))] + RegionalGroup.choices()),
                       validators=[Optional()])


def enum_filter(label: str, enum_cls, any_label: str = _l("Any")) -> SelectField:
    return SelectField(label, choices=choices([("", any_label)] + enum_cls.choices()), validators=[Optional()])


def id_filter(label: str, description: str | None = None) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(1, MAX_ID)], description=description)


def text_filter(label: str = _l("Text"), description: str | None = None, max_length: int = 200) -> StringField:
    return StringField(label, filters=[strip], validators=[Optional(), Length(max=max_length)],
                       description=description)


class IdChoiceField(SelectField):
    """A record chosen by its id: on pages a select whose options come from the database (the view sets them with
    `set_choices`), in the API an integer (any id: the service narrows by the caller's scope)."""

    #: Read by the OpenAPI builder: the parameter is an id, whatever options a page offers.
    api_schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

    def __init__(self, label: str, description: str | None = None, any_label: str = _l("Any"), **kwargs):
        self.any_label = any_label
        super().__init__(label, coerce=optional_int, choices=choices([("", any_label)]), validate_choice=False,
                         validators=[Optional()], description=description, **kwargs)

    def pre_validate(self, form):
        if self.data is not None and not (isinstance(self.data, int) and 1 <= self.data <= MAX_ID):
            raise ValidationError(_l("Not a valid number: a record's id from 1 to %(max)s.", max=MAX_ID))

    def set_choices(self, pairs) -> None:
        """(id, label) pairs; an id asked for that is not among them (a link from elsewhere) stays shown."""
        pairs = list(pairs)
        if isinstance(self.data, int) and self.data not in {p[0] for p in pairs}:
            pairs.append((self.data, f"#{self.data}"))
        self.choices = choices([("", self.any_label)] + pairs)


class IdNumberField(IdChoiceField):
    """A record by its number, typed (with or without its #): for records too many to offer as options."""
    widget = TextInput()

    def process_formdata(self, valuelist):
        if valuelist:
            raw = str(valuelist[0]).strip().lstrip("#")
            self.data = optional_int(raw)

    def _value(self):
        return "" if self.data is None else str(self.data)


def id_number_filter(label: str, description: str | None = None) -> IdNumberField:
    return IdNumberField(label, description)


def not_before(start_name: str, message: str):
    """Validator of an end date: not before the form's field `start_name` (when both are given)."""
    def check(form, field):
        start = form[start_name].data
        if field.data and start and field.data < start:
            raise ValidationError(message)
    return check


class FlagFilter(BooleanField):
    """A yes/no filter: the page's checkbox sends `y`, an API client `true` or `false`; empty or absent is no.
    Anything else is a 400 (a plain BooleanField takes any text for yes: `?overdue=no` would have meant yes)."""

    TRUE, FALSE = ("y", "true"), ("", "false")
    raw = None
    #: Read by the OpenAPI builder.
    api_schema = {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["y"]}]}

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else None
        self.data = bool(valuelist) and valuelist[0] in self.TRUE

    def pre_validate(self, form):
        if self.raw is not None and self.raw not in self.TRUE + self.FALSE:
            raise ValidationError(_l("Give true or false (or leave it out)."))


def flag_filter(label: str, description: str | None = None) -> FlagFilter:
    return FlagFilter(label, description=description)
