"""The filters of a person's notifications (page and API) and of the administrators' outbox."""
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from forms.base import FilterForm, choices, strip
from models.mail import MailStatus
from models.notification import NotificationKind


class NotificationFilterForm(FilterForm):
    SORTS = {"created": "Date", "kind": "Kind"}
    DEFAULT_SORT = "-created"

    read = SelectField("Show", choices=choices([("", "All"), ("no", "Unread"), ("yes", "Read")]),
                       validators=[Optional()], description="no: unread only; yes: read only.")
    kind = SelectField("Kind", choices=choices([("", "Any kind")] + NotificationKind.choices()),
                       validators=[Optional()])


class OutboxFilterForm(FilterForm):
    SORTS = {"created": "Queued", "status": "Status", "to": "To", "attempts": "Attempts"}
    DEFAULT_SORT = "-created"
    DEFAULT_PER_PAGE = 50

    status = SelectField("Status", choices=choices([("", "Any")] + MailStatus.choices()), validators=[Optional()])
    q = StringField("Search", filters=[strip], validators=[Optional(), Length(max=100)],
                    description="Part of the address or the subject.")
