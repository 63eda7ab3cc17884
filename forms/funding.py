"""Forms of the donor portal, statements and IATI file: which donor (staff only) and as at which date."""
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from .base import FilterForm, choices, date_field, optional_int


class FundingFilterForm(FilterForm):
    """`?donor=<id>` (managers and admins; a donor always gets its own) and `?as_of=` for exchange rates."""
    # Any id passes the form: whether the caller may see that donor is the service's answer (404), not a 400.
    donor = SelectField("Donor", coerce=optional_int, validators=[Optional()], validate_choice=False,
                        choices=choices([("", "Every donor")]),
                        description="One donor (its id in URLs); every donor when none is chosen (staff only).")
    as_of = date_field("Rates as at", Optional(),
                       description="Convert with the latest rate on or before this day (today when absent).")

    def set_donors(self, donors) -> None:
        self.donor.choices = choices([("", "Every donor")] + [(d.id, d.name) for d in donors])

    def validate_donor(self, field):
        if field.data is not None and (not isinstance(field.data, int) or not 1 <= field.data <= 2**31 - 1):
            raise ValidationError("A donor organization's id, a whole number.")
