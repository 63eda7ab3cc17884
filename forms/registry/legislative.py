"""Forms of legislative findings: record one (an issue raised with a State), and move its status."""
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms.base import AppForm, FilterForm, VersionField, choices, date_field, strip
from forms.filters import text_filter
from forms.pickers import PickerField
from models.enums import FindingStatus


class IssueFilterForm(FilterForm):
    """The catalogue's text filter (the catalogue is short: one page, in the report's order)."""
    q = text_filter("Text", "Words in the issue's title, code or article, a State where it was raised (any of its "
                    "names, in part) or the issue's number (#3).")


class FindingForm(AppForm):
    state = PickerField("State", [InputRequired("Choose the State.")], kind="states",
                        unknown="Choose the State from the list.")
    issue = PickerField("Issue", [InputRequired("Choose the issue raised.")], kind="issues",
                        unknown="Choose the issue from the catalogue.")
    activity = PickerField("Raised in", kind="activities", blank="— none —",
                           unknown="Choose the activity from the list.",
                           description="The mission, seminar or analysis where the issue came up (if any): type its "
                                       "number (#16) or words of its title.")
    status = SelectField("Status", choices=choices(FindingStatus.choices()), default=FindingStatus.IDENTIFIED.value)
    status_date = date_field("Since", Optional(), description="The day the status took effect, if known.")
    note = TextAreaField("Note", filters=[strip], validators=[Optional(), Length(max=2000)],
                         description="What was found, and where it is recorded.")


class FindingStatusForm(AppForm):
    status = SelectField("New status", choices=choices(FindingStatus.choices()), validators=[InputRequired()])
    status_date = date_field("Since", InputRequired("Give the day the status took effect."))
    note = TextAreaField("Reason or note", filters=[strip], validators=[Optional(), Length(max=2000)],
                         description="Needed when the status moves back (a draft withdrawn).")
    #: The version of the finding the page showed: a move on a finding that changed since is refused.
    version = VersionField()
