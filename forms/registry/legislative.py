"""Forms of legislative findings: record one (an issue raised with a State), and move its status."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms.base import AppForm, FilterForm, VersionField, choices, date_field, strip
from forms.filters import text_filter
from forms.pickers import PickerField
from models.enums import FindingStatus


class IssueFilterForm(FilterForm):
    """The catalogue's text filter (the catalogue is short: one page, in the report's order)."""
    q = text_filter(_l("Text"),
                    _l("Words in the issue's title, code or article, a State where it was raised (any of its "
                    "names, in part) or the issue's number (#3)."))


class FindingForm(AppForm):
    state = PickerField(_l("State"), [InputRequired(_l("Choose the State."))], kind="states",
                        unknown=_l("Choose the State from the list."))
    issue = PickerField(_l("Issue"), [InputRequired(_l("Choose the issue raised."))], kind="issues",
                        unknown=_l("Choose the issue from the catalogue."))
    activity = PickerField(_l("Raised in"), kind="activities", blank=_l("— none —"),
                           unknown=_l("Choose the activity from the list."),
                           description=_l("The mission, seminar or analysis where the issue came up (if any): type "
                                          "its number (#16) or words of its title."))
    status = SelectField(_l("Status"), choices=choices(FindingStatus.choices()), default=FindingStatus.IDENTIFIED.value)
    status_date = date_field(_l("Since"), Optional(), description=_l("The day the status took effect, if known."))
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=2000)],
                         description=_l("What was found, and where it is recorded."))


class FindingStatusForm(AppForm):
    status = SelectField(_l("New status"), choices=choices(FindingStatus.choices()), validators=[InputRequired()])
    status_date = date_field(_l("Since"), InputRequired(_l("Give the day the status took effect.")))
    note = TextAreaField(_l("Reason or note"), filters=[strip], validators=[Optional(), Length(max=2000)],
                         description=_l("Needed when the status moves back (a draft withdrawn)."))
    #: The version of the finding the page showed: a move on a finding that changed since is refused.
    version = VersionField()
