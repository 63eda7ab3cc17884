"""Forms of assistance activities: the list's filters."""
from wtforms.validators import Optional

from models.enums import ActivityKind, ActivityStatus

from .base import FilterForm, date_field
from .filters import enum_filter, group_filter, id_filter, instrument_filter, state_filter, text_filter


class ActivityFilterForm(FilterForm):
    SORTS = {"start_date": "Dates", "title": "Title", "kind": "Kind", "status": "Status", "id": "Number"}
    DEFAULT_SORT = "start_date"

    q = text_filter("Text", "Words in the title.")
    kind = enum_filter("Kind", ActivityKind)
    status = enum_filter("Status", ActivityStatus)
    state = state_filter(description="A State served, taking part or visited (its code).")
    regional_group = group_filter()
    instrument = instrument_filter()
    expert = id_filter("Expert", "An expert's id: the activities it was deployed on.")
    partner = id_filter("Partner", "A partner organization's id.")
    date_from = date_field("From", Optional(), description="Visits ending on or after this day.")
    date_to = date_field("To", Optional(), description="Visits starting on or before this day.")
    request = id_filter("Request", "A request's number: the activities that answer it.")
