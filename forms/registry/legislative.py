"""Forms of legislative findings: record one (an issue raised with a State), and move its status."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms.activities import KnownChoice
from forms.base import AppForm, FilterForm, VersionField, choices, date_field, optional_int, strip
from forms.filters import text_filter
from models.enums import FindingStatus


class IssueFilterForm(FilterForm):
    """The catalogue's text filter (the catalogue is short: one page, in the report's order)."""
    q = text_filter(_l("Text"),
                    _l("Words in the issue's title, code or article, a State where it was raised (any of its "
                    "names, in part) or the issue's number (#3)."))


class FindingForm(AppForm):
    state = KnownChoice("State", "Choose the State from the list.", validators=[InputRequired(_l("Choose the State."))])
    issue = KnownChoice("Issue", "Choose the issue from the catalogue.", coerce=optional_int,
                        validators=[InputRequired(_l("Choose the issue raised."))])
    activity = KnownChoice("Raised in", "Choose the activity from the list.", coerce=optional_int,
                           description=_l("The mission, seminar or analysis where the issue came up (if any)."))
    status = SelectField(_l("Status"), choices=choices(FindingStatus.choices()), default=FindingStatus.IDENTIFIED.value)
    status_date = date_field(_l("Since"), Optional(), description=_l("The day the status took effect, if known."))
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=2000)],
                         description=_l("What was found, and where it is recorded."))

    def set_choices(self, states, issues, activities) -> None:
        self.state.choices = choices([("", _l("Choose…"))] + [(s.code, f"{s.name} ({s.code})") for s in states])
        self.issue.choices = choices([("", _l("Choose…"))] + [(i.id, f"{i.title} — {i.article}") for i in issues])
        self.activity.choices = choices([("", _l("— none —"))] + [
            (a.id, f"{a.title} ({a.start_date.isoformat() if a.start_date else 'no date'})") for a in activities])


class FindingStatusForm(AppForm):
    status = SelectField(_l("New status"), choices=choices(FindingStatus.choices()), validators=[InputRequired()])
    status_date = date_field(_l("Since"), InputRequired(_l("Give the day the status took effect.")))
    note = TextAreaField(_l("Reason or note"), filters=[strip], validators=[Optional(), Length(max=2000)],
                         description=_l("Needed when the status moves back (a draft withdrawn)."))
    #: The version of the finding the page showed: a move on a finding that changed since is refused.
    version = VersionField()
