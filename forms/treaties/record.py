"""Forms of the treaty pages: the UN Treaty Collection upload, a treaty action entered by hand, list filters.

Choices that come from the database (instruments, States) are filled in by the view; the rules of the treaty
(what may be recorded, what deserves a warning) are the service's, so that the CLI and the form agree.
"""
import datetime

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forms.base import AppForm, FilterForm, choices, date_field, strip
from forms.filters import INSTRUMENT_CODES
from forms.pickers import PickerField
from models.enums import ActionKind


class ImportUploadForm(AppForm):
    instrument = SelectField("Instrument", choices=choices([(c, c) for c in INSTRUMENT_CODES]),
                             validators=[DataRequired()])
    file = FileField("UN Treaty Collection table (CSV)", validators=[
        FileRequired("Choose the CSV file to import."),
        FileAllowed(["csv", "txt"], "The table must be a .csv file.")],
        description="Columns Participant, Signature and the deposit column, as the UN Treaty Collection "
                    "publishes them. Nothing is written before you confirm the preview.")
    complete_to = date_field(
        "Record complete to", InputRequired("Give the day the table was taken from the UN Treaty Collection."),
        description="The day the table was taken from the UN Treaty Collection (YYYY-MM-DD): the record will hold "
                    "deposits up to that day, no later. No default: an import never moves the record's date by itself.")

    def validate_complete_to(self, field):
        if field.data and field.data > datetime.datetime.now(datetime.UTC).date():
            raise ValidationError("The day the table was taken cannot be in the future.")


class ImportConfirmForm(AppForm):
    """Confirm a stored preview. When the import would remove most of the instrument's record, the person
    must also tick the box that names how many actions go (the view words its label)."""
    allow_mass_removal = BooleanField("Yes, remove these actions")
    #: The number of removals the preview showed: a confirmation covers that many, not more.
    removals = HiddenField()

    def confirmed_removals(self) -> bool | int:
        """For the service: False, or the number of removals the ticked box covered."""
        if not self.allow_mass_removal.data:
            return False
        text = (self.removals.data or "").strip()
        return int(text) if text.isdigit() and len(text) < 7 else False


class TreatyActionForm(AppForm):
    participant = PickerField("Participant", [DataRequired("Choose the participant.")], kind="states",
                              unknown="Choose the participant from the list.")
    instrument = SelectField("Instrument", choices=choices([(c, c) for c in INSTRUMENT_CODES]),
                             validators=[DataRequired("Choose the instrument.")])
    kind = SelectField("Action", choices=choices(ActionKind.choices()),
                       validators=[DataRequired("Choose the action.")])
    action_date = date_field("Date of the action", InputRequired("Give the date of the action."),
                             description="The date of signature, or of deposit with the Secretary-General.")
    note = TextAreaField("Note", filters=[strip], validators=[Optional(), Length(max=2000)],
                         description="Where the information comes from (a note verbale, a depositary notification…).")


class AsOfForm(FilterForm):
    as_of = date_field("As at", Optional(), description="Empty for today.")


#: The `source` parameter: the record (empty) or one source alone (app.services.treaties.SOURCES).
SOURCE_CHOICES = [("", "The depositary's record (its tables and entries by hand)"),
                  ("annex", "The annex of A/58/165 as printed (2 July 2003)")]


def source_field() -> SelectField:
    return SelectField("Source", choices=choices(SOURCE_CHOICES), validators=[Optional()],
                       description="Empty for the record; annex for the annex of A/58/165 alone.")


class RatificationStatusForm(AsOfForm):
    """The ratification-status report: the date, and the record or the annex as printed."""
    source = source_field()


class ReconciliationFilterForm(FilterForm):
    instrument = SelectField("Instrument",
                             choices=choices([("", "All instruments")] + [(c, c) for c in INSTRUMENT_CODES]),
                             validators=[Optional()])


class PartyListForm(AsOfForm):
    """An instrument's page: the date, and the order of its list of parties."""
    SORTS = {"date": "Date", "name": "Name", "in_force": "In force"}
    DEFAULT_SORT = "date"
    DEFAULT_PER_PAGE = 50
