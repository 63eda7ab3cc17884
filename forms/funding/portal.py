"""Forms of the donor portal, statements and IATI file: which donor (staff only) and as at which date."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from forms.base import MAX_PAGE, FilterForm, choices, date_field, optional_int


def _section_page(what: str) -> IntegerField:
    return IntegerField(f"Page of the {what}", validators=[Optional(), NumberRange(1, MAX_PAGE)],
                        description=f"The portal's page of its {what}, from 1 (the latest first).")


class FundingFilterForm(FilterForm):
    """`?donor=<id>` (managers and admins; a donor always gets its own) and `?as_of=` for exchange rates."""
    # Any id passes the form: whether the caller may see that donor is the service's answer (404), not a 400.
    donor = SelectField(_l("Donor"), coerce=optional_int, validators=[Optional()], validate_choice=False,
                        choices=choices([("", _l("Every donor"))]),
                        description=_l("One donor (its id in URLs); every donor when none is chosen (staff only)."))
    as_of = date_field(_l("Rates as at"), Optional(),
                       description=_l("Convert with the latest rate on or before this day (today when absent)."))

    # The portal pages each of its lists on its own (the statement and the files list everything and ignore these).
    contributions_page = _section_page("contributions")
    activities_page = _section_page("activities funded")
    states_page = _section_page("States reached")
    followed_page = _section_page("treaty actions that followed")

    def set_donors(self, donors) -> None:
        self.donor.choices = choices([("", _l("Every donor"))] + [(d.id, d.name) for d in donors])

    def validate_donor(self, field):
        if field.data is not None and (not isinstance(field.data, int) or not 1 <= field.data <= 2**31 - 1):
            raise ValidationError(_l("A donor organization's id, a whole number."))
