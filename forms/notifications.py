"""The filters of a person's notifications (page and API) and of the administrators' outbox."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from forms.base import FilterForm, choices, strip
from models.mail import MailStatus
from models.notification import NotificationKind


class NotificationFilterForm(FilterForm):
    SORTS = {"created": _l("Date"), "kind": _l("Kind")}
    DEFAULT_SORT = "-created"

    read = SelectField(_l("Show"), choices=choices([("", _l("All")), ("no", _l("Unread")), ("yes", _l("Read"))]),
                       validators=[Optional()], description=_l("no: unread only; yes: read only."))
    kind = SelectField(_l("Kind"), choices=choices([("", _l("Any kind"))] + NotificationKind.choices()),
                       validators=[Optional()])


class OutboxFilterForm(FilterForm):
    SORTS = {"created": _l("Queued"), "status": _l("Status"), "to": _l("To"), "attempts": _l("Attempts")}
    DEFAULT_SORT = "-created"
    DEFAULT_PER_PAGE = 50

    status = SelectField(_l("Status"), choices=choices([("", _l("Any"))] + MailStatus.choices()),
                         validators=[Optional()])
    q = StringField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=100)],
                    description=_l("Part of the address or the subject."))
