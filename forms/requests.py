"""Forms of requests for assistance: intake and edit (one form), the workflow's moves, assignment, and the filters
of the request list and the managers' queue.

Choices that come from the database (States, officers) are set by the view before validation; the rules that need
the database (an unknown State, a State already party to an instrument it asks to ratify) are the service's.
"""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from forms.base import MAX_ID, AppForm, FilterForm, PlainText, choices, date_field, strip
from forms.filters import (
    INSTRUMENT_CODES,
    enum_filter,
    flag_filter,
    group_filter,
    instrument_filter,
    record_filter,
    state_filter,
    text_filter,
)
from forms.pickers import FilterPickerField, PickerField
from models.assistance_request import AWAITING_DECISION, date_problems
from models.enums import AgeBucket, Priority, RequestChannel, RequestKind, RequestStatus

MAX_SUBJECT = 255
MAX_AUTHORITY = 200
MAX_DESCRIPTION = 5000
MAX_REASON = 2000
#: The value of the officer choice that removes an assignment.
NOBODY = "none"

class AtLeastOne:
    """A choice of several that needs one at least (marked required, as InputRequired marks a field)."""
    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise StopValidation(self.message)


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes (templates/_macros/forms.html renders one per choice, with an optional note)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def officer_picker(label, validators=None) -> PickerField:
    """The officer a request is assigned to: an active officer's or manager's account, picked by type-ahead, or
    "Nobody" (`none`) to remove the assignment."""
    return PickerField(label, validators, kind="users", among="assignable", blank=_l("Choose an officer…"),
                       fixed=[(NOBODY, _l("Nobody (remove the assignment)"))],
                       unknown=_l("Assign to an active officer's or manager's account, or to nobody."))


def officer_filter(label, description) -> FilterPickerField:
    """A list's filter by the assigned officer: any staff account, deactivated ones too (their requests stay), or
    `none` for the unassigned requests."""
    return FilterPickerField(label, description, kind="users", among="staff", fixed=[(NOBODY, _l("Nobody"))],
                             refusal=_l("Choose from the list: an account's number (1 to %(limit)s), or none.",
                                        limit=MAX_ID))


def _version_field():
    # The version of the request the page was rendered from: a move on a request that changed since is refused.
    return IntegerField(widget=HiddenInput(), validators=[
        InputRequired(_l("The form does not say which version of the request it was made from: reload the page.")),
        NumberRange(1, MAX_ID)])


# ------------------------------------------------------------------ intake and edit
class RequestForm(AppForm):
    state = PickerField(_l("Requesting State"), [InputRequired(_l("Choose the requesting State."))], kind="states",
                        unknown=_l("Unknown State: choose the requesting State from the list."))
    instruments = MultiCheckboxField(_l("Instruments concerned"), choices=choices([(c, c) for c in INSTRUMENT_CODES]),
                                     validate_choice=False,
                                     validators=[AtLeastOne(
                                         _l("Choose at least one instrument the request concerns."))],
                                     description=_l("One or more. The State's status as at today is shown beside "
                                                    "each."))
    kind = SelectField(_l("Kind of assistance"), choices=choices([("", _l("Choose…"))] + RequestKind.choices()),
                       validators=[InputRequired(_l("Choose the kind of assistance asked for."))])
    received_date = date_field(_l("Date received"), Optional(),
                               description=_l("The day the request reached the Centre; empty only if not known."))
    channel = SelectField(_l("Channel"), choices=choices([("", _l("Not recorded"))] + RequestChannel.choices()),
                          validators=[Optional()])
    requesting_authority = StringField(_l("Requesting authority"), filters=[strip],
                                       validators=[Optional(), Length(max=MAX_AUTHORITY), PlainText()],
                                       description=_l("e.g. Ministry of Justice, Permanent Mission in Vienna."))
    subject = StringField(_l("Subject"), filters=[strip], validators=[
        InputRequired(_l("Give the subject of the request.")), Length(max=MAX_SUBJECT), PlainText()])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional(),
                                                                                Length(max=MAX_DESCRIPTION)],
                                render_kw={"rows": 4})
    priority = SelectField(_l("Priority"), choices=choices((p.value, _l(p.english_label)) for p in sorted(Priority,
                                                                                           key=lambda p: p.rank)),
                           default=Priority.NORMAL.value, validators=[InputRequired(_l("Choose a priority."))])
    due_date = date_field(_l("Due date"), Optional(), description=_l("When the State expects an answer, if it said."))
    #: Set when editing: the version the form was rendered from.
    version = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(1, MAX_ID)])

    def validate_instruments(self, field):
        unknown = [c for c in field.data if c not in INSTRUMENT_CODES]
        if unknown:
            raise ValidationError(_l("Unknown instrument “%(code)s”: choose among %(codes)s.", code=unknown[0][:20],
                                     codes=", ".join(INSTRUMENT_CODES)))

    def validate_received_date(self, field):
        problem = date_problems(field.data, None, date.today()).get("received_date")
        if problem:
            raise ValidationError(problem)

    def validate_due_date(self, field):
        problem = date_problems(None if self.received_date.errors else self.received_date.data, field.data,
                                date.today()).get("due_date")
        if problem:
            raise ValidationError(problem)

    def values(self) -> dict:
        """What the service takes."""
        return {"state": self.state.data, "instruments": list(self.instruments.data or []), "kind": self.kind.data,
                "received_date": self.received_date.data, "channel": self.channel.data or None,
                "requesting_authority": self.requesting_authority.data or None, "subject": self.subject.data,
                "description": self.description.data or None, "priority": self.priority.data,
                "due_date": self.due_date.data}


# ------------------------------------------------------------------ the workflow
class MoveForm(AppForm):
    """One form for every move of a request; the button pressed says which (its formaction)."""
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Optional(), Length(max=MAX_REASON)],
                           render_kw={"rows": 2},
                           description=_l("Required to approve, decline, put back or withdraw."))
    version = _version_field()
    next = HiddenField()


class AssignForm(AppForm):
    officer = officer_picker(_l("Assign to"), [InputRequired(_l("Choose the officer to assign, or “Nobody”."))])
    version = _version_field()
    next = HiddenField()


class BulkSelectionForm(AppForm):
    """Which rows of the queue a bulk action takes: the ticked ones (each checkbox's value is `id:version` of the
    row as shown), or every request matching the queue's filters (`selection=matching`, as they stand now)."""
    requests = SelectMultipleField(_l("Requests"), validate_choice=False)
    selection = SelectField(_l("Apply to"), choices=choices([("ticked", _l("The ticked requests")),
                                                             ("matching", _l("Every request matching the filters"))]),
                            default="ticked", validators=[Optional()])
    next = HiddenField()
    #: The bar's one reason (one HTML form, its buttons posting to assign or to a move): a move records it; the
    #: assignment ignores it, but checks it like every field, so that what was typed is shown again, and refused
    #: beside it when it cannot be stored.
    reason = TextAreaField(_l("Reason, for every request moved"), filters=[strip],
                           validators=[Optional(), Length(max=MAX_REASON)], render_kw={"rows": 1},
                           description=_l("Needed to approve or decline."))

    @property
    def all_matching(self) -> bool:
        return self.selection.data == "matching"

    def validate_requests(self, field):
        if not field.data and not self.all_matching:
            raise ValidationError(_l("Tick at least one request, or choose every request matching the filters."))
        bad = [v for v in field.data or [] if not re.fullmatch(r"[1-9][0-9]{0,9}:[1-9][0-9]{0,9}", v or "")]
        if bad:
            raise ValidationError(_l("“%(value)s” does not name a request of the queue: reload the queue.",
                                     value=bad[0][:30]))

    def pairs(self) -> list[tuple[int, int]]:
        """(request id, version) of every ticked row (of a validated form)."""
        return [tuple(int(x) for x in v.split(":")) for v in self.requests.data or []]

    def ticked_ids(self) -> set[int]:
        """The rows to show ticked again after a refusal: those well named, whatever else was sent."""
        return {int(v.split(":")[0]) for v in self.requests.data or []
                if re.fullmatch(r"[1-9][0-9]{0,9}:[1-9][0-9]{0,9}", v or "")}


class BulkAssignForm(BulkSelectionForm):
    """The queue's assignment of many requests to one officer."""
    officer = officer_picker(_l("Assign the ticked requests to"),
                             [InputRequired(_l("Choose the officer to assign, or “Nobody”."))])


class BulkMoveForm(BulkSelectionForm):
    """The queue's start review, approve or decline of many requests, with one reason for them all (`reason`)."""
    #: The bar's officer (the same HTML form posts it to every button): a move ignores it, but checks it like every
    #: field, so that what no text may hold is refused beside it.
    officer = StringField(_l("Assign to"), filters=[strip], validators=[Optional(), Length(max=200)])


# ------------------------------------------------------------------ lists
class RequestFilterForm(FilterForm):
    SORTS = {"id": _l("Number"), "received_date": _l("Received"), "status": _l("Status"), "priority": _l("Priority"),
             "due_date": _l("Due"), "state": _l("State"), "subject": _l("Subject"), "kind": _l("Kind"),
             "assigned": _l("Assigned to")}
    DEFAULT_SORT = "-id"

    q = text_filter(_l("Text"),
                    _l("Words in the subject or the requesting authority, a State's name (today's or earlier, "
                    "in full or in part) or a request's number (#16)."))
    status = SelectField(_l("Status"), choices=choices([("", _l("Any")), ("awaiting", _l("Pending or under review"))]
                                                       + RequestStatus.choices()), validators=[Optional()],
                         description=_l("awaiting: pending or under review."))
    state = state_filter()
    regional_group = group_filter()
    instrument = instrument_filter()
    kind = enum_filter(_l("Kind"), RequestKind)
    priority = enum_filter(_l("Priority"), Priority)
    assigned_officer = officer_filter(_l("Assigned officer"),
                                      _l("The officer's account id, or none for unassigned requests."))
    logged_by = record_filter(_l("Logged by"), "users", _l("The account id of the person who logged the request."))
    age = enum_filter(_l("Age"), AgeBucket, _l("Any age"))
    overdue = flag_filter(_l("Overdue only"), _l("Past the due date and still awaiting a decision."))
    received_from = date_field(_l("Received from"), Optional())
    received_to = date_field(_l("Received to"), Optional())

    def validate_received_to(self, field):
        if field.data and self.received_from.data and field.data < self.received_from.data:
            raise ValidationError(_l("The end of the period is before its start."))


class QueueFilterForm(FilterForm):
    """The managers' queue: requests awaiting a decision, by priority then age."""
    SORTS = {"priority": _l("Priority, then age"), "received_date": _l("Received"), "due_date": _l("Due"),
             "state": _l("State"), "id": _l("Number"), "subject": _l("Subject"), "kind": _l("Kind"),
             "status": _l("Status"), "assigned": _l("Assigned to")}
    DEFAULT_SORT = "priority"
    DEFAULT_PER_PAGE = 50

    q = text_filter(_l("Text"),
                    _l("Words in the subject or the requesting authority, a State's name (today's or earlier, "
                    "in full or in part) or a request's number (#16)."))
    status = SelectField(_l("Status"), choices=choices([("", _l("Pending or under review"))] + [
        (s.value, _l(s.english_label)) for s in RequestStatus if s in AWAITING_DECISION]), validators=[Optional()])
    regional_group = group_filter()
    instrument = instrument_filter()
    kind = enum_filter(_l("Kind"), RequestKind)
    assigned_officer = officer_filter(_l("Assigned officer"),
                                      _l("The officer's account id, or none for unassigned requests."))
    age = enum_filter(_l("Age"), AgeBucket, _l("Any age"))
    overdue = flag_filter(_l("Overdue only"), _l("Past the due date."))
