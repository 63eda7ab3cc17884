"""Forms of assistance activities: the list's and the calendar's filters, and the officers' one form that logs
or edits an activity of any kind with its visits, States, instruments, partners, requests and experts.

Choices that come from the database (States, instruments, organizations, requests, experts) are set by the view
through `ActivityForm.set_choices`, from the services; the form only validates what was typed and chosen. The
rules that join several fields (a written analysis has no visit, a regional meeting has States) are the write
service's, so that every caller meets them.
"""

from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from forms.base import (
    MARKUP,
    AppForm,
    FilterForm,
    PlainText,
    VersionField,
    choices,
    date_field,
    empty_row,
    optional_int,
    strip,
)
from forms.filters import (
    enum_filter,
    flag_filter,
    group_filter,
    instrument_filter,
    not_before,
    record_filter,
    state_filter,
    text_filter,
)
from forms.pickers import MultiPickerField, PickerField
from models.enums import ActivityKind, ActivityStatus, DatePrecision

#: Rows one form may carry (visits, partners, experts): more is a mistake or a probe.
MAX_ROWS = 40


class ActivityFilterForm(FilterForm):
    SORTS = {"start_date": _l("Dates"), "title": _l("Title"), "kind": _l("Kind"), "status": _l("Status"),
             "id": _l("Number")}
    DEFAULT_SORT = "start_date"

    q = text_filter(_l("Text"), _l("Words in the title, a State served, taking part or visited (any of its names, in "
                    "part) or the activity's number (#16)."))
    kind = enum_filter(_l("Kind"), ActivityKind)
    status = enum_filter(_l("Status"), ActivityStatus)
    state = state_filter(description=_l("A State served, taking part or visited (its code or a name in full)."))
    regional_group = group_filter()
    instrument = instrument_filter()
    expert = record_filter(_l("Expert"), "experts",
                           _l("An expert's number (#12; an expert's page links here): the activities it "
                              "was deployed on."))
    partner = record_filter(_l("Partner"), "organizations", _l("A partner organization's id."))
    date_from = date_field(_l("From"), Optional(), description=_l("A visit ending on or after this day …"))
    date_to = date_field(_l("To"), Optional(), not_before("date_from", _l("The end of the range is before its start.")),
                         description=_l("… and starting on or before this day."))
    request = record_filter(_l("Request"), "requests", _l("A request's number (#12): the activities that answer it."))
    donor = record_filter(_l("Funded by"), "organizations", _l("A donor organization's id: the activities its "
                                                               "contributions fund."), among="donors")
    funded = flag_filter(_l("Funded"), _l("Only the activities a contribution pays for."))


class CalendarFilterForm(FilterForm):
    """The calendar's month and filters (pages only; it shares the list's query)."""
    month = StringField(_l("Month"), filters=[strip], validators=[
        Optional(), Regexp(r"^(19\d\d|2[01]\d\d)-(0[1-9]|1[0-2])$", message=_l("A month like 2002-11 (YYYY-MM)."))],
        render_kw={"type": "month"}, description=_l("YYYY-MM; empty for this month."))
    regional_group = group_filter()
    instrument = instrument_filter()


# --- the officers' form ---------------------------------------------------------------------------------------

class _Row(Form):
    """A repeated row; a row left entirely empty is no row (that is how one is removed), and is not validated."""

    #: The fields whose emptiness makes the row empty.
    KEYS: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        for name in self.KEYS:
            field = self[name]
            if field.raw_data is not None:  # submitted: what was typed, even if it did not parse
                if any(str(value).strip() for value in field.raw_data):
                    return False
            elif field.data not in (None, ""):
                return False
        return True

    def validate(self, extra_validators=None):
        if self.is_blank():
            return True
        return super().validate(extra_validators)


class VisitForm(_Row):
    KEYS = ("city", "country", "start_date", "end_date")

    id = HiddenField(filters=[optional_int])
    city = StringField(_l("City"), filters=[strip],
                       validators=[Optional(), Length(max=80, message=_l("At most 80 characters.")), PlainText()])
    country = PickerField(_l("Country"), [InputRequired(_l("Choose the country of the visit."))], kind="states",
                          unknown=_l("That country is not one the record knows: choose it from the list."))
    start_date = date_field(_l("First day"), InputRequired(_l("Give the first day of the visit.")))
    end_date = date_field(_l("Last day"), InputRequired(_l("Give the last day of the visit.")),
                          not_before("start_date", _l("The visit ends before it starts.")))
    date_precision = SelectField(_l("Dates known to"), choices=choices(DatePrecision.choices()),
                                 default=DatePrecision.DAY.value)


class PartnerForm(_Row):
    KEYS = ("organization", "role")

    organization = PickerField(_l("Organization"), [InputRequired(_l("Choose the partner organization."))],
                               kind="organizations", unknown=_l("Choose the organization from the list."))
    role = StringField(_l("Role"), filters=[strip], validators=[
        DataRequired(_l("Say what the partner did (host, organizer, co-operating organization…).")),
        Length(max=80, message=_l("At most 80 characters.")), PlainText()])


class DeploymentForm(_Row):
    KEYS = ("expert", "role", "start_date", "end_date")

    expert = PickerField(_l("Expert"), [InputRequired(_l("Choose the expert."))], kind="experts",
                         unknown=_l("Choose the expert from the roster."))
    role = StringField(_l("Role"), filters=[strip], validators=[
        DataRequired(_l("Give the expert's role (legal adviser, lecturer…).")),
        Length(max=120, message=_l("At most 120 characters.")), PlainText()])
    start_date = date_field(_l("From"), Optional(), description=_l("Empty: the activity's dates."))
    end_date = date_field(_l("To"), Optional(), not_before("start_date", _l("The deployment ends before it starts.")))


def _lines(value):
    """Filter: one entry per line, blanks dropped."""
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value or []


def _words(value):
    """Filter: comma-separated entries, blanks dropped."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value or []


class _EachAtMost:
    """Each entry of a list at most `limit` characters; `message` names the entries, with %(limit)s and %(item)s."""

    def __init__(self, limit: int, message: str):
        self.limit, self.message = limit, message

    def __call__(self, form, field):
        for item in field.data or []:
            if len(item) > self.limit:
                raise ValidationError(str(self.message) % {"limit": self.limit, "item": item[:40]})
            if MARKUP.search(item):
                raise ValidationError(_l("Write plain text: markup such as <b> or <script> is not allowed here "
                                      "(it would be shown as typed, not interpreted)."))


class ListText(TextAreaField):
    """A list typed one entry per line (or, with `separator=','`, separated by commas)."""

    def __init__(self, label, separator="\n", **kwargs):
        self.separator = separator
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        self.data = _words(raw) if self.separator == "," else _lines(raw)

    def _value(self):
        return (", " if self.separator == "," else "\n").join(self.data or [])


class ActivityForm(AppForm):
    kind = SelectField(_l("Kind"), choices=choices(ActivityKind.choices()), validators=[InputRequired()])
    status = SelectField(_l("Status"), choices=choices(ActivityStatus.choices()), default=ActivityStatus.PLANNED.value,
                         validators=[InputRequired()])
    title = StringField(_l("Title"), filters=[strip], validators=[
        DataRequired(_l("Give the activity a title.")), Length(max=255,
                                                               message=_l("At most 255 characters.")), PlainText()])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[
        Optional(), Length(max=5000, message=_l("At most 5,000 characters."))])
    visits = FieldList(FormField(VisitForm), _l("Visits"), min_entries=1, max_entries=MAX_ROWS)
    served = MultiPickerField(_l("States served"), kind="states",
                              description=_l("The beneficiary States; for a meeting, the States of the region "
                                             "there."))
    participants = MultiPickerField(_l("States taking part"), kind="states",
                                    description=_l("Other States that took part (whose experts came)."))
    instruments = SelectMultipleField(_l("Instruments covered"), coerce=str)
    other_instruments = ListText(_l("Other instruments dealt with jointly"), validators=[_EachAtMost(
        255, _l("Each instrument has at most %(limit)s characters: “%(item)s…” is longer."))],
                                 description=_l("One per line, e.g. the universal instruments against terrorism."))
    topics = ListText(_l("Topics"), separator=",", validators=[_EachAtMost(
        120, _l("Each topic has at most %(limit)s characters: “%(item)s…” is longer."))],
                      description=_l("Subjects dealt with besides the instruments, separated by commas."))
    partners = FieldList(FormField(PartnerForm), _l("Partner organizations"), min_entries=1, max_entries=MAX_ROWS)
    requests = MultiPickerField(_l("Requests it answers"), kind="requests",
                                unknown=_l("No request {value} that you may see: give its number, e.g. #12."),
                                description=_l("Type a request's number (#12) or words of its subject."))
    deployments = FieldList(FormField(DeploymentForm), _l("Experts deployed"), min_entries=1, max_entries=MAX_ROWS)
    outcome = TextAreaField(_l("Outcome report"), filters=[strip], validators=[
        Optional(), Length(max=10000, message=_l("At most 10,000 characters."))],
        description=_l("What came of it: declarations, recommendations, drafts delivered."))
    source = StringField(_l("Source"), filters=[strip], validators=[
        Optional(), Length(max=120, message=_l("At most 120 characters.")), PlainText()],
        description=_l("Where the record comes from, e.g. a mission report or A/58/165 para. 16."))

    #: Set when editing: the version the form was rendered from (a save against a newer one is refused).
    version = VersionField()

    #: The buttons that add an empty row instead of saving (no script needed): name "add", value the list.
    ROW_LISTS = ("visits", "partners", "deployments")

    def set_instruments(self, instruments) -> None:
        """The instruments the caller may see (a handful: a plain multiple select). States, organizations,
        experts and requests are pickers, bound by the app (app.pickers.bind) to the records they hold."""
        self.instruments.choices = choices([(i.code, f"{i.code} — {i.short_title}") for i in instruments])

    def set_choices(self, states, instruments, organizations, experts) -> None:
        """Every option given by the caller, who already holds the records (the spreadsheet import: only those its
        row names). The requests are offered as numbered: the write service finds them in the scope."""
        self.set_instruments(instruments)
        state_pairs = [(s.code, f"{s.name} ({s.code})") for s in states]
        offered = {"country": state_pairs, "organization": [(o.id, o.display_name) for o in organizations],
                   "expert": [(e.id, e.name) for e in experts]}
        self.served.offer(state_pairs)
        self.participants.offer(state_pairs)
        numbers = [n for n in map(self.requests.key_of, self.requests.data or []) if n is not None]
        self.requests.offer([(n, f"#{n}") for n in numbers])
        for rows in (self.visits, self.partners, self.deployments):
            for row in rows:
                for name, pairs in offered.items():
                    if name in row.form._fields:
                        row.form[name].offer(pairs)

    def add_row(self, name: str) -> bool:
        """Append an empty row to `name` (one of ROW_LISTS); False when the list is full. Its pickers are bound
        with the rest of the form (app.pickers.bind), after this."""
        rows = self[name]
        if name not in self.ROW_LISTS or len(rows) >= MAX_ROWS:
            return False
        rows.append_entry()
        return True

    def row_template(self, name: str):
        """An empty row of `name` for the page's <template> (forms.base.empty_row)."""
        return empty_row(self, name)

    def filled(self, name: str) -> list[Form]:
        """The rows of `name` that are not left empty."""
        return [row.form for row in self[name] if not row.form.is_blank()]

    def values(self) -> dict:
        """What the service takes (rows left empty are no rows)."""
        return {
            "kind": self.kind.data, "status": self.status.data, "title": self.title.data,
            "description": self.description.data or None, "outcome": self.outcome.data or None,
            "source": self.source.data or None, "topics": list(self.topics.data),
            "visits": [{"country": r.country.data, "start_date": r.start_date.data, "end_date": r.end_date.data,
                        "city": r.city.data or None, "date_precision": r.date_precision.data, "id": r.id.data}
                       for r in self.filled("visits")],
            "served": list(self.served.data or ()), "participants": list(self.participants.data or ()),
            "instruments": list(self.instruments.data or ()), "other_instruments": list(self.other_instruments.data),
            "partners": [{"organization_id": r.organization.data, "role": r.role.data}
                         for r in self.filled("partners")],
            "requests": list(self.requests.data or ()),
            "deployments": [{"expert_id": r.expert.data, "role": r.role.data, "start_date": r.start_date.data,
                             "end_date": r.end_date.data} for r in self.filled("deployments")],
        }


def initial_data(activity) -> dict:
    """An activity as the form's data (for editing)."""
    from models.enums import ActivityStateRole
    return {
        "version": activity.version, "kind": activity.kind, "status": activity.status, "title": activity.title,
        "description": activity.description, "outcome": activity.outcome, "source": activity.source,
        "topics": list(activity.topics or []),
        "visits": [{"id": v.id, "city": v.city, "country": v.country.code, "start_date": v.start_date,
                    "end_date": v.end_date, "date_precision": v.date_precision} for v in activity.visits] or [{}],
        "served": [s.state.code for s in activity.states if s.role == ActivityStateRole.SERVED.value],
        "participants": [s.state.code for s in activity.states if s.role == ActivityStateRole.PARTICIPANT.value],
        "instruments": [i.code for i in activity.instruments],
        "other_instruments": [o.name for o in activity.other_instruments],
        "partners": [{"organization": p.organization_id, "role": p.role} for p in activity.partners] or [{}],
        "requests": [r.id for r in activity.requests],
        "deployments": [{"expert": d.expert_id, "role": d.role, "start_date": d.start_date,
                         "end_date": d.end_date} for d in activity.deployments] or [{}],
    }
