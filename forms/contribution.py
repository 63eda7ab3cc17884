"""Forms of donor contributions: the list's filters."""
from wtforms import StringField
from wtforms.validators import Optional, Regexp

from models.enums import ContributionStatus

from .base import FilterForm, strip
from .filters import enum_filter, text_filter


class ContributionFilterForm(FilterForm):
    SORTS = {"id": "Number", "date": "Date", "amount": "Amount", "status": "Status"}
    DEFAULT_SORT = "id"

    status = enum_filter("Status", ContributionStatus)
    donor = text_filter("Donor", "Part of the donor's name, or its acronym.", max_length=120)
    currency = StringField("Currency", filters=[strip, lambda v: v.upper() if isinstance(v, str) else v],
                           validators=[Optional(), Regexp(r"^[A-Z]{3}$", message="An ISO 4217 code, e.g. USD.")])
