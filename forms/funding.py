"""Forms of the donor portal, statements and IATI file: which donor (staff only) and as at which date."""
from wtforms.validators import Optional

from .base import FilterForm, date_field
from .filters import id_filter


class FundingFilterForm(FilterForm):
    """`?donor=<id>` (managers and admins; a donor always gets its own) and `?as_of=` for exchange rates."""
    donor = id_filter("Donor", "A donor organization's id; every donor when absent (staff only).")
    as_of = date_field("Rates as at", Optional(),
                       description="Convert with the latest rate on or before this day (today when absent).")
