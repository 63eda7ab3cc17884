"""The period report's parameters: `from` and `to` (the period, both days included) and, for a CSV, the table."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from forms.base import MAX_PAGE, FilterForm, choices, date_field

#: app.services.period_report.TABLES's keys (forms do not import the app; a test keeps the two equal).
TABLE_KEYS = ["activities", "meetings", "requests", "deposits", "donors"]


def _table_page(what: str) -> IntegerField:
    return IntegerField(f"Page of the {what}", validators=[Optional(), NumberRange(1, MAX_PAGE)],
                        description=f"The report's page of its {what}, from 1 (the CSV holds them all).")


class PeriodReportForm(FilterForm):
    # `from` is a Python keyword: the fields carry the URL's names.
    date_from = date_field(_l("From"), Optional(), name="from", description=_l("First day of the period (YYYY-MM-DD)."))
    date_to = date_field(_l("To"), Optional(), name="to", description=_l("Last day of the period; empty for today."))
    table = SelectField(_l("Table"), choices=choices([("", _l("Every table"))] + [(k, k) for k in TABLE_KEYS]),
                        validators=[Optional()], description=_l("For the CSV download: which table."))

    # Issue 26: the page shows one page of each long table (app.services.overview.period_report.PAGED).
    activities_page = _table_page("activities")
    meetings_page = _table_page("meetings")
    requests_page = _table_page("requests")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The period ends before it begins: give a last day on or after the first."))
