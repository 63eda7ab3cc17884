"""Forms of legislative findings: record one (an issue raised with a State), and move its status."""
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms.activities import KnownChoice
from forms.base import AppForm, FilterForm, VersionField, choices, date_field, optional_int, strip
from forms.filters import text_filter
from models.enums import FindingStatus


class IssueFilterForm(FilterForm):
    """The catalogue's text filter (the catalogue is short: one page, in the report's order)."""
    q = text_filter("Text", "Words in the issue's title, code or article, a State where it was raised (any of its "
                    "names, in part) or the issue's number (#3).")


class FindingForm(AppForm):
    state = KnownChoice("State", "Choose the State from the list.", validators=[InputRequired("Choose the State.")])
    issue = KnownChoice("Issue", "Choose the issue from the catalogue.", coerce=optional_int,
                        validators=[InputRequired("Choose the issue raised.")])
    activity = KnownChoice("Raised in", "Choose the activity from the list.", coerce=optional_int,
                           description="The mission, seminar or analysis where the issue came up (if any).")
    status = SelectField("Status", choices=choices(FindingStatus.choices()), default=FindingStatus.IDENTIFIED.value)
    status_date = date_field("Since", Optional(), description="The day the status took effect, if known.")
    note = TextAreaField("Note", filters=[strip], validators=[Optional(), Length(max=2000)],
                         description="What was found, and where it is recorded.")

    def set_choices(self, states, issues, activities) -> None:
        self.state.choices = choices([("", "Choose…")] + [(s.code, f"{s.name} ({s.code})") for s in states])
        self.issue.choices = choices([("", "Choose…")] + [(i.id, f"{i.title} — {i.article}") for i in issues])
        self.activity.choices = choices([("", "— none —")] + [
            (a.id, f"{a.title} ({a.start_date.isoformat() if a.start_date else 'no date'})") for a in activities])


class FindingStatusForm(AppForm):
    status = SelectField("New status", choices=choices(FindingStatus.choices()), validators=[InputRequired()])
    status_date = date_field("Since", InputRequired("Give the day the status took effect."))
    note = TextAreaField("Reason or note", filters=[strip], validators=[Optional(), Length(max=2000)],
                         description="Needed when the status moves back (a draft withdrawn).")
    #: The version of the finding the page showed: a move on a finding that changed since is refused.
    version = VersionField()
