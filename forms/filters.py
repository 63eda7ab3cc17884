"""Fields that several lists' filters share (instrument, State, regional group, record ids)."""
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, Regexp

from models.enums import RegionalGroup

from .base import MAX_ID, choices, strip

INSTRUMENT_CODES = ["UNTOC", "TIP", "SOM", "FIREARMS"]


def instrument_filter(label: str = "Instrument") -> SelectField:
    return SelectField(label, choices=choices([("", "Any instrument")] + [(c, c) for c in INSTRUMENT_CODES]),
                       validators=[Optional()])


def state_filter(label: str = "State", description: str = "The State's three-letter code, e.g. BOL.") -> StringField:
    return StringField(label, filters=[strip, lambda v: v.upper() if isinstance(v, str) else v],
                       validators=[Optional(), Regexp(r"^[A-Z]{3}$", message="A three-letter State code, e.g. BOL.")],
                       description=description)


def group_filter(label: str = "Regional group") -> SelectField:
    return SelectField(label, choices=choices([("", "Any group")] + RegionalGroup.choices()), validators=[Optional()])


def enum_filter(label: str, enum_cls, any_label: str = "Any") -> SelectField:
    return SelectField(label, choices=choices([("", any_label)] + enum_cls.choices()), validators=[Optional()])


def id_filter(label: str, description: str | None = None) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(1, MAX_ID)], description=description)


def text_filter(label: str = "Text", description: str | None = None, max_length: int = 200) -> StringField:
    return StringField(label, filters=[strip], validators=[Optional(), Length(max=max_length)],
                       description=description)
