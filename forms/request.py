"""Forms of requests for assistance: the list's filters."""
from wtforms.validators import Optional

from models.enums import Priority, RequestKind, RequestStatus

from .base import FilterForm, date_field
from .filters import enum_filter, group_filter, id_filter, instrument_filter, state_filter, text_filter


class RequestFilterForm(FilterForm):
    SORTS = {"id": "Number", "received_date": "Received", "status": "Status", "priority": "Priority",
             "due_date": "Due"}
    DEFAULT_SORT = "id"

    q = text_filter("Text", "Words in the subject.")
    status = enum_filter("Status", RequestStatus)
    state = state_filter()
    regional_group = group_filter()
    instrument = instrument_filter()
    kind = enum_filter("Kind", RequestKind)
    priority = enum_filter("Priority", Priority)
    assigned_officer = id_filter("Assigned officer", "The officer's account id.")
    received_from = date_field("Received from", Optional())
    received_to = date_field("Received to", Optional())
