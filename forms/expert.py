"""Forms of experts: the roster's filters (pages and API alike)."""
from wtforms.validators import Optional

from models.enums import ExpertKind, LegalTradition

from .base import FilterForm, date_field
from .filters import enum_filter, instrument_filter, not_before, state_filter, text_filter


class ExpertFilterForm(FilterForm):
    SORTS = {"name": "Name", "kind": "Kind", "id": "Number"}
    DEFAULT_SORT = "name"

    q = text_filter("Name", "Part of the expert's name.")
    kind = enum_filter("Kind", ExpertKind)
    instrument = instrument_filter("Instrument of expertise")
    nationality = state_filter("Nationality")
    topic = text_filter("Legal topic", "Part of a topic of expertise, e.g. extradition.", max_length=120)
    language = text_filter("Language", "A working language, e.g. French.", max_length=60)
    legal_tradition = enum_filter("Legal tradition", LegalTradition)
    available_from = date_field("Available from", Optional(),
                                description="Not deployed on any day of this range (an activity not cancelled).")
    available_to = date_field("Available to", Optional(),
                              not_before("available_from", "The end of the range is before its start."))
