"""Filters of the outcome pages: a State's timeline, the analytics and the list of States behind each figure.

One declaration per parameter: the pages and /api/v1/states/<code>/timeline validate their query strings with
these classes, and the API documents the same fields."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.validators import Optional, ValidationError

from forms.base import FilterForm, choices, date_field
from forms.filters import enum_filter, instrument_filter, not_before, record_filter
from models.enums import ActivityKind, RegionalGroup

#: The regional-group filter of the analytics also names the participants of no group (the European Union).
NO_GROUP = "none"


class TimelineForm(FilterForm):
    """A State's timeline: one instrument or all, as at a date, page by page (in date order: no sort)."""
    sort = None
    instrument = instrument_filter()
    as_of = date_field(_l("As at"), Optional(),
                       description=_l("Nothing dated after this day is shown; empty for today."))


class OutcomeFilterForm(FilterForm):
    """The analytics: the date they are computed as at, and which assistance counts. `page` and `per_page` page the
    breakdown by donor, the one table that grows with the record (each row is counted for its page only)."""
    DEFAULT_PER_PAGE = 10
    as_of = date_field(_l("As at"), Optional(),
                       description=_l("Only actions and activities on or before this day count; empty for today."))
    instrument = instrument_filter()
    regional_group = SelectField(_l("Regional group"), choices=choices(
        [("", _l("Any group"))] + RegionalGroup.choices() + [(NO_GROUP, _l("No regional group"))]),
        validators=[Optional()])
    kind = enum_filter(_l("Kind of assistance"), ActivityKind, _l("Any kind"))
    donor = record_filter(_l("Donor"), "organizations", _l("Only activities this donor's contributions paid for "
                                                          "(its id)."), among="donors")
    national = BooleanField(_l("Assistance to the State itself"),
                            description=_l("Missions, national seminars and workshops, written analyses, briefings: "
                                        "not regional meetings."))
    period_from = date_field(_l("Activities from"), Optional(), description=_l("First day of the activity period."))
    period_to = date_field(_l("Activities to"), Optional(),
                           not_before("period_from", _l("The end of the period is before its start.")),
                           description=_l("Last day of the activity period."))

    def outcome_filters(self) -> dict:
        """The filters of `app.services.outcomes.OutcomeFilters` (everything but the date)."""
        values = self.filter_values()
        values.pop("as_of", None)
        values["national"] = bool(values.get("national"))
        return values


#: The figures a drill-down lists (app.services.outcomes.FIGURES names the same keys).
FIGURE_KEYS = ["assisted", "already_party", "at_risk", "deposited_after", "not_party", "within_6", "within_12",
               "within_24", "window_6", "window_12", "window_24", "with_request", "with_signature",
               "party_by_period_end", "party_after_period_end", "not_assisted", "not_assisted_party",
               "assisted_party"]


class DrillDownForm(OutcomeFilterForm):
    """The States behind one figure of the analytics, with the same filters."""
    DEFAULT_PER_PAGE = 50
    figure = SelectField(_l("Figure"), choices=choices([(k, k) for k in FIGURE_KEYS]), default="assisted",
                         validators=[Optional()])
    group = SelectField(_l("Compared group"), choices=choices([("", _l("Every group"))] + RegionalGroup.choices()),
                        validators=[Optional()],
                        description=_l("For the assisted / not-assisted figures: the regional group compared."))

    def validate_figure(self, field):
        if field.data and field.data not in FIGURE_KEYS:
            raise ValidationError(_l("Not a figure of the outcomes page."))

    def outcome_filters(self) -> dict:
        values = super().outcome_filters()
        values.pop("figure", None)
        values.pop("group", None)
        return values
