"""Forms of activity reports: the report itself (rich text, counterparts as rows), the moves of its review
(submit to approvers, return with a note, approve, unlock with a reason) and the filters of the report list."""
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forms.activities import _Row
from forms.base import AppForm, FilterForm, PlainText, VersionField, empty_row, strip
from forms.filters import enum_filter, state_filter, text_filter
from forms.pickers import MultiPickerField
from forms.wording import at_most_characters, lazy_sentences
from forms.work.action_forms import MeOrAccountField
from models.enums import ActivityKind, ReportStatus

MAX_NOTE = 5000
RICH = _l("Paragraphs, lists, bold, italics and links are kept; any other markup is removed.")

class CounterpartForm(_Row):
    KEYS = ("name", "institution", "role")

    name = StringField(_l("Name"), filters=[strip], validators=[Optional(), Length(max=160), PlainText()])
    institution = StringField(_l("Institution"), filters=[strip], validators=[Optional(), Length(max=255), PlainText()])
    role = StringField(_l("Role"), filters=[strip], validators=[Optional(), Length(max=160), PlainText()])

def _rich(label: str, limit: int, description: str) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=limit, message=at_most_characters(limit))],
                         description=lazy_sentences(description, RICH), render_kw={"rows": 8, "data-rich-text": "on"})

class ReportForm(AppForm):
    """The report of an activity, saved as a draft as often as wanted."""
    summary = _rich(_l("What was done"), 50_000, _l("The activity as it took place: who met, what was discussed, "
                                                    "what was delivered."))
    counterparts = FieldList(FormField(CounterpartForm), _l("Counterparts met"), min_entries=1, max_entries=60)
    recommendations = _rich(_l("Recommendations"), 20_000, _l("What the activity recommended, to whom, by when."))
    outcome = _rich(_l("Outcome so far"), 20_000, _l("What has come of it until now."))
    version = VersionField()

    ROW_LISTS = ("counterparts",)

    def add_row(self, name: str) -> bool:
        if name not in self.ROW_LISTS or len(self[name]) >= self[name].max_entries:
            return False
        self[name].append_entry()
        return True

    def row_template(self, name: str):
        """An empty row of `name` for the page's <template> (forms.base.empty_row)."""
        return empty_row(self, name)

    def values(self) -> dict:
        return {"summary": self.summary.data, "recommendations": self.recommendations.data,
                "outcome": self.outcome.data,
                "counterparts": [{"name": r.form.name.data or None, "institution": r.form.institution.data or None,
                                  "role": r.form.role.data or None}
                                 for r in self.counterparts if not r.form.is_blank()]}

def report_data(report) -> dict:
    """A report as its form holds it."""
    return {"version": report.version, "summary": report.summary, "recommendations": report.recommendations,
            "outcome": report.outcome,
            "counterparts": [{"name": c.name, "institution": c.institution, "role": c.role}
                             for c in report.counterparts] or [{}]}

def _note(label: str, description: str, required: str | None = None) -> TextAreaField:
    validators = [DataRequired(required)] if required else [Optional()]
    return TextAreaField(label, filters=[strip], validators=[
        *validators, Length(max=MAX_NOTE, message=at_most_characters(MAX_NOTE)), PlainText()],
        description=description, render_kw={"rows": 3})

class SubmitForm(AppForm):
    approvers = MultiPickerField(_l("Approvers"), kind="users", among="approvers",
                                 unknown=_l("Send the report to active managers' accounts."),
                                 description=_l("The managers who will review the report (account ids); after a "
                                                "return, the same ones unless others are chosen."))
    note = _note(_l("Note to the approvers"), _l("After a return: your answer to the approver's note."))
    version = VersionField()

class ReturnForm(AppForm):
    note = _note(_l("What should change"), _l("The note the author answers."),
                 required=_l("Say what should change: a report is returned with a note for its author."))
    version = VersionField()

class ApproveForm(AppForm):
    note = _note(_l("Note"), _l("Optional."))
    version = VersionField()

class UnlockForm(AppForm):
    reason = _note(_l("Reason"), _l("Why the approved report must change."),
                   required=_l("Say why the approved report is unlocked."))
    version = VersionField()

class ReportFilterForm(FilterForm):
    SORTS = {"updated": _l("Last change"), "status": _l("Status"), "title": _l("Activity"),
             "submitted": _l("Submitted")}
    DEFAULT_SORT = "-updated"

    q = text_filter(_l("Text"), _l("Words in the activity's title, a State it served (any of its "
                    "names, in part) or the report's number (#16)."))
    status = enum_filter(_l("Status"), ReportStatus)
    approver = MeOrAccountField(_l("Approver"), _l("me, or an approver's account id: reports sent to them."))
    author = MeOrAccountField(_l("Author"), _l("me, or the author's account id."))
    kind = enum_filter(_l("Kind of activity"), ActivityKind)
    state = state_filter(description=_l("A State the activity served or gathered (its code or a name in full)."))

class CompleteForm(AppForm):
    """Mark the activity completed once its report is approved (the version of the activity)."""
    version = VersionField()
