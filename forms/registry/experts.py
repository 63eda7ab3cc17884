"""Forms of experts: the roster's filters (pages and API alike), and the one form that adds or edits an expert."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms.activities import ListText, _EachAtMost
from forms.base import (
    AppForm,
    EmailAddress,
    FilterForm,
    PlainText,
    VersionField,
    choices,
    date_field,
    strip,
)
from forms.filters import INSTRUMENT_CODES, enum_filter, instrument_filter, not_before, state_filter, text_filter
from forms.pickers import PickerField
from models.enums import ExpertKind, LegalTradition


class ExpertFilterForm(FilterForm):
    SORTS = {"name": _l("Name"), "kind": _l("Kind"), "id": _l("Number")}
    DEFAULT_SORT = "name"

    q = text_filter(_l("Name"),
                    _l("Part of the expert's name, the name of its nationality's State (any, in part) or its "
                    "number (#16)."))
    kind = enum_filter(_l("Kind"), ExpertKind)
    instrument = instrument_filter(_l("Instrument of expertise"))
    nationality = state_filter(_l("Nationality"))
    topic = text_filter(_l("Legal topic"), _l("Part of a topic of expertise, e.g. extradition."), max_length=120)
    language = text_filter(_l("Language"), _l("A working language, e.g. French."), max_length=60)
    legal_tradition = enum_filter(_l("Legal tradition"), LegalTradition)
    available_from = date_field(_l("Available from"), Optional(),
                                description=_l("Not deployed on any day of this range (an activity not cancelled)."))
    available_to = date_field(_l("Available to"), Optional(),
                              not_before("available_from", _l("The end of the range is before its start.")))


class ExpertForm(AppForm):
    """Add an expert to the roster, or edit one (the affiliation and nationality choices come from the view)."""
    name = StringField(_l("Name"), filters=[strip], validators=[
        DataRequired(_l("Give the expert's name.")), Length(max=160,
                                                            message=_l("At most 160 characters.")), PlainText()])
    kind = SelectField(_l("Kind"), choices=choices([("", _l("Choose…"))] + ExpertKind.choices()),
                       validators=[InputRequired(_l("Choose the kind of expert."))])
    affiliation = PickerField(_l("Affiliation"), kind="organizations", blank=_l("— none —"),
                              unknown=_l("Choose the organization from the list."),
                              description=_l("The organization the expert works for, if any."))
    nationality = PickerField(_l("Nationality"), kind="states", blank=_l("— not recorded —"),
                              unknown=_l("Choose the State from the list."))
    instruments = SelectMultipleField(_l("Instruments of expertise"), choices=choices((c, c) for c in INSTRUMENT_CODES),
                                      validators=[Optional()])
    topics = ListText(_l("Legal topics"), separator=",", validators=[_EachAtMost(
        120, _l("Each topic has at most %(limit)s characters: “%(item)s…” is longer."))],
                      description=_l("Separated by commas, e.g. extradition, money-laundering."))
    languages = ListText(_l("Working languages"), separator=",", validators=[_EachAtMost(
        60, _l("Each language has at most %(limit)s characters: “%(item)s…” is longer."))],
                         description=_l("Separated by commas, e.g. English, French."))
    legal_tradition = SelectField(_l("Legal tradition"), choices=choices([("", _l("Not recorded"))]
                                                                     + LegalTradition.choices()),
                                  validators=[Optional()])
    email = StringField(_l("Email"), filters=[strip], validators=[Optional(), Length(max=254), EmailAddress()],
                        description=_l("Never shown to donors."))
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), Length(max=40), PlainText()])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=4000)])
    #: Set when editing: the version the form was rendered from.
    version = VersionField()

    def values(self) -> dict:
        """What the service takes."""
        return {"name": self.name.data, "kind": self.kind.data, "affiliation_id": self.affiliation.data,
                "nationality": self.nationality.data or None, "instruments": list(self.instruments.data or []),
                "topics": list(self.topics.data), "languages": list(self.languages.data),
                "legal_tradition": self.legal_tradition.data or None, "email": self.email.data or None,
                "phone": self.phone.data or None, "note": self.note.data or None}


def expert_data(expert) -> dict:
    """An expert as the form's data (for editing, and what an API PATCH starts from)."""
    return {"name": expert.name, "kind": expert.kind, "affiliation": expert.affiliation_id,
            "nationality": expert.nationality.code if expert.nationality else None,
            "instruments": [i.code for i in expert.instruments], "topics": list(expert.topics or []),
            "languages": list(expert.languages or []), "legal_tradition": expert.legal_tradition,
            "email": expert.email, "phone": expert.phone, "note": expert.note, "version": expert.version}
