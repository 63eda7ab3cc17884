"""Forms of the donor portal, statements and IATI file: which donor (staff only) and as at which date."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from forms.base import MAX_PAGE, FilterForm, date_field
from forms.pickers import FilterPickerField


def _section_page(label, description) -> IntegerField:
    # Whole sentences per section, not one pattern with the section's name in it: other languages word them apart.
    return IntegerField(label, validators=[Optional(), NumberRange(1, MAX_PAGE)], description=description)


class FundingFilterForm(FilterForm):
    """`?donor=<id>` (managers and admins; a donor always gets its own) and `?as_of=` for exchange rates."""
    # Any id passes the form: whether the caller may see that donor is the service's answer (404), not a 400.
    donor = FilterPickerField(_l("Donor"), _l("One donor (its id in URLs); every donor when none is chosen (staff "
                                              "only)."), kind="organizations", among="donors",
                              refusal=_l("A donor organization's id, a whole number."))
    as_of = date_field(_l("Rates as at"), Optional(),
                       description=_l("Convert with the latest rate on or before this day (today when absent)."))

    # The portal pages each of its lists on its own (the statement and the files list everything and ignore these).
    contributions_page = _section_page(_l("Page of the contributions"),
                                       _l("The portal's page of its contributions, from 1 (the latest first)."))
    activities_page = _section_page(_l("Page of the activities funded"),
                                    _l("The portal's page of its activities funded, from 1 (the latest first)."))
    states_page = _section_page(_l("Page of the States reached"),
                                _l("The portal's page of its States reached, from 1 (the latest first)."))
    followed_page = _section_page(
        _l("Page of the treaty actions that followed"),
        _l("The portal's page of its treaty actions that followed, from 1 (the latest first)."))
