"""Forms of the treaty pages: the UN Treaty Collection upload, a treaty action entered by hand, list filters.

Choices that come from the database (instruments, States) are filled in by the view; the rules of the treaty
(what may be recorded, what deserves a warning) are the service's, so that the CLI and the form agree.
"""
import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forms.base import AppForm, FilterForm, choices, date_field, strip
from forms.filters import INSTRUMENT_CODES
from forms.pickers import PickerField
from models.enums import ActionKind


class ImportUploadForm(AppForm):
    instrument = SelectField(_l("Instrument"), choices=choices([(c, c) for c in INSTRUMENT_CODES]),
                             validators=[DataRequired()])
    file = FileField(_l("UN Treaty Collection table (CSV)"), validators=[
        FileRequired(_l("Choose the CSV file to import.")),
        FileAllowed(["csv", "txt"], _l("The table must be a .csv file."))],
        description=_l("Columns Participant, Signature and the deposit column, as the UN Treaty Collection "
                    "publishes them. Nothing is written before you confirm the preview."))
    complete_to = date_field(
        _l("Record complete to"), InputRequired(_l("Give the day the table was taken from the UN Treaty Collection.")),
        description=_l("The day the table was taken from the UN Treaty Collection (YYYY-MM-DD): the record will hold "
                    "deposits up to that day, no later. No default: an import never moves the record's date by "
                    "itself."))

    def validate_complete_to(self, field):
        if field.data and field.data > datetime.datetime.now(datetime.UTC).date():
            raise ValidationError(_l("The day the table was taken cannot be in the future."))


class ImportConfirmForm(AppForm):
    """Confirm a stored preview. When the import would remove most of the instrument's record, the person
    must also tick the box that names how many actions go (the view words its label)."""
    allow_mass_removal = BooleanField(_l("Yes, remove these actions"))
    #: The number of removals the preview showed: a confirmation covers that many, not more.
    removals = HiddenField()

    def confirmed_removals(self) -> bool | int:
        """For the service: False, or the number of removals the ticked box covered."""
        if not self.allow_mass_removal.data:
            return False
        text = (self.removals.data or "").strip()
        return int(text) if text.isdigit() and len(text) < 7 else False


class TreatyActionForm(AppForm):
    participant = PickerField(_l("Participant"), [DataRequired(_l("Choose the participant."))], kind="states",
                              unknown=_l("Choose the participant from the list."))
    instrument = SelectField(_l("Instrument"), choices=choices([(c, c) for c in INSTRUMENT_CODES]),
                             validators=[DataRequired(_l("Choose the instrument."))])
    kind = SelectField(_l("Action"), choices=choices(ActionKind.choices()),
                       validators=[DataRequired(_l("Choose the action."))])
    action_date = date_field(_l("Date of the action"), InputRequired(_l("Give the date of the action.")),
                             description=_l("The date of signature, or of deposit with the Secretary-General."))
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=2000)],
                         description=_l("Where the information comes from (a note verbale, a depositary "
                                        "notification…)."))


class AsOfForm(FilterForm):
    as_of = date_field(_l("As at"), Optional(), description=_l("Empty for today."))


#: The `source` parameter: the record (empty) or one source alone (app.services.treaties.SOURCES).
SOURCE_CHOICES = [("", _l("The depositary's record (its tables and entries by hand)")),
                  ("annex", _l("The annex of A/58/165 as printed (2 July 2003)"))]


def source_field() -> SelectField:
    return SelectField(_l("Source"), choices=choices(SOURCE_CHOICES), validators=[Optional()],
                       description=_l("Empty for the record; annex for the annex of A/58/165 alone."))


class RatificationStatusForm(AsOfForm):
    """The ratification-status report: the date, and the record or the annex as printed."""
    source = source_field()


class ReconciliationFilterForm(FilterForm):
    instrument = SelectField(_l("Instrument"),
                             choices=choices([("", _l("All instruments"))] + [(c, c) for c in INSTRUMENT_CODES]),
                             validators=[Optional()])


class PartyListForm(AsOfForm):
    """An instrument's page: the date, and the order of its list of parties."""
    SORTS = {"date": _l("Date"), "name": _l("Name"), "in_force": _l("In force")}
    DEFAULT_SORT = "date"
    DEFAULT_PER_PAGE = 50
