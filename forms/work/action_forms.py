"""Forms of follow-up actions: raising or changing one (with its status move), and the filters of the actions list
and of "my actions" — the queue's filters (status, owner, State, regional group, instrument, priority, overdue,
due dates) plus the record an action was raised from."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forms.base import MAX_ID, AppForm, FilterForm, PlainText, VersionField, choices, date_field, strip
from forms.filters import (
    INSTRUMENT_CODES,
    flag_filter,
    group_filter,
    id_number_filter,
    instrument_filter,
    not_before,
    record_filter,
    state_filter,
    text_filter,
)
from forms.pickers import FilterPickerField, PickerField
from models.enums import ActionStatus, Priority

#: The owner filter's value for the caller's own account.
ME = "me"


class MeOrAccountField(FilterPickerField):
    """An account filter: `me` (the caller) or any account's id (one that is not staff lists nothing), picked
    among the staff accounts, deactivated ones too, by type-ahead on a page."""

    def __init__(self, label, description=None, **kwargs):
        super().__init__(label, description, kind="users", among="staff", fixed=[(ME, _l("Me"))],
                         refusal=_l("Give me, or an account's number from 1 to %(limit)s.", limit=MAX_ID), **kwargs)

    def resolved(self, user_id: int) -> int | None:
        """The account id asked for, `me` read as `user_id`."""
        return user_id if self.data == ME else self.data


_STATUSES = [("", _l("Any status")), ("pending", _l("Open or in progress"))] + ActionStatus.choices()


class ActionFilterForm(FilterForm):
    SORTS = {"due_date": _l("Due date"), "priority": _l("Priority"), "status": _l("Status"), "state": _l("State"),
             "owner": _l("Owner"), "created": _l("Raised")}
    DEFAULT_SORT = "due_date"
    DEFAULT_PER_PAGE = 50

    q = text_filter(_l("Text"), _l("Words in the description, its State's name (any, in part) or "
                    "the action's number (#16)."))
    status = SelectField(_l("Status"), choices=choices(_STATUSES), validators=[Optional()],
                         description=_l("pending: open or in progress."))
    owner = MeOrAccountField(_l("Owner"), _l("me, or the owner's account id."))
    state = state_filter()
    regional_group = group_filter()
    instrument = instrument_filter()
    priority = SelectField(_l("Priority"), choices=choices([("", _l("Any priority"))] + Priority.choices()),
                           validators=[Optional()])
    overdue = flag_filter(_l("Overdue only"), _l("Past the due date and not done or cancelled."))
    due_from = date_field(_l("Due from"), Optional())
    due_to = date_field(_l("Due to"), Optional(), not_before("due_from",
                                                             _l("The end of the range is before its start.")))
    activity = record_filter(_l("Activity"), "activities", _l("Raised from this activity's report (its number)."))
    request = record_filter(_l("Request"), "requests", _l("Raised from this request (its number)."))
    finding = id_number_filter(_l("Finding"), _l("Raised from this finding (its number)."))


def _optional_id(label: str, description: str):
    return IntegerField(label, validators=[Optional(), NumberRange(1, MAX_ID, _l("Not a number of a record."))],
                        description=description)


class ActionForm(AppForm):
    """Raise an action, or change one (its status move with a note)."""
    description = TextAreaField(_l("What is to be done"), filters=[strip], validators=[
        DataRequired(_l("Say what is to be done.")), Length(max=2000,
                                                            message=_l("At most 2,000 characters.")), PlainText()])
    owner = PickerField(_l("Owner"), [InputRequired(_l("Choose who will do it."))], kind="users",
                        unknown=_l("Give the action to an active colleague's account (an officer or a manager)."),
                        description=_l("The colleague who will do it (an account id)."))
    due_date = date_field(_l("Due date"), InputRequired(_l("Give the day the action is due.")))
    priority = SelectField(_l("Priority"), choices=choices(Priority.choices()), default=Priority.NORMAL.value)
    state = PickerField(_l("State concerned"), [Optional()], kind="states",
                        blank=_l("The State of the request or finding it is raised from"),
                        unknown=_l("Choose the State from the list."),
                        description=_l("Left empty, the State of the request or finding it is raised from."))
    instruments = SelectMultipleField(_l("Instruments concerned"), choices=choices([(c, c) for c in INSTRUMENT_CODES]))
    activity = PickerField(_l("Activity"), [Optional()], kind="activities", blank=_l("— none —"),
                           unknown=_l("Choose the activity from the list."),
                           description=_l("Raised from this activity's report: its number (#16) or words of its "
                                          "title."))
    request = PickerField(_l("Request"), [Optional()], kind="requests", blank=_l("— none —"),
                          unknown=_l("Choose the request from the list."),
                          description=_l("Raised from this request: its number (#16) or words of its subject."))
    finding = _optional_id(_l("Finding"), _l("Raised from this finding (its number)."))
    status = SelectField(_l("Status"), choices=choices(ActionStatus.choices()), default=ActionStatus.OPEN.value,
                         description=_l("open → in progress → done or cancelled."))
    note = TextAreaField(_l("Note"), filters=[strip], validators=[
        Optional(), Length(max=2000, message=_l("At most 2,000 characters.")), PlainText()],
        description=_l("Why: required to cancel or to reopen an action."))
    version = VersionField()

    def values(self) -> dict:
        return {"description": self.description.data, "owner_id": self.owner.data, "due_date": self.due_date.data,
                "state": (self.state.data or "").upper() or None, "priority": self.priority.data,
                "instruments": list(self.instruments.data or ()), "activity_id": self.activity.data,
                "request_id": self.request.data, "finding_id": self.finding.data, "status": self.status.data,
                "note": self.note.data or None}


def initial_data(action) -> dict:
    """An action as its form holds it (editing, and what a PATCH starts from)."""
    return {"version": action.version, "description": action.description, "owner": action.owner_id,
            "due_date": action.due_date, "priority": action.priority, "state": action.state.code,
            "instruments": [i.code for i in action.instruments], "activity": action.activity_id,
            "request": action.request_id, "finding": action.finding_id, "status": action.status, "note": None}
