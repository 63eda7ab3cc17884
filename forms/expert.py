"""Forms of experts: the roster's filters."""
from models.enums import ExpertKind

from .base import FilterForm
from .filters import enum_filter, instrument_filter, state_filter, text_filter


class ExpertFilterForm(FilterForm):
    SORTS = {"name": "Name", "kind": "Kind", "id": "Number"}
    DEFAULT_SORT = "name"

    q = text_filter("Name", "Part of the expert's name.")
    kind = enum_filter("Kind", ExpertKind)
    instrument = instrument_filter("Instrument of expertise")
    nationality = state_filter("Nationality")
