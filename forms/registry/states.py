"""Filters of the State list."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from forms.base import FilterForm, choices, strip
from forms.filters import instrument_filter
from forms.treaties.record import AsOfForm
from models.enums import ParticipantKind, RegionalGroup


class StateFilterForm(FilterForm):
    SORTS = {"name": _l("Name"), "code": _l("Code"), "group": _l("Regional group"),
             "deposits": _l("Instruments deposited")}
    DEFAULT_SORT = "name"

    q = StringField(_l("Name or code"), filters=[strip], validators=[Optional(), Length(max=120)],
                    description=_l("Any name the State bore, an alias, or its code."))
    group = SelectField(_l("Regional group"), choices=choices([("", _l("Any group"))] + RegionalGroup.choices()),
                        validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=choices([("", _l("Any kind"))] + ParticipantKind.choices()),
                       validators=[Optional()])


class StateDetailForm(AsOfForm):
    """A State's page: the date its figures are shown as at, and the instrument its outcome timeline follows."""
    instrument = instrument_filter(_l("Timeline of"))
