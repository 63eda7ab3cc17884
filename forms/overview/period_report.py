"""The period report's parameters: `from` and `to` (the period, both days included) and, for a CSV, the table."""
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from forms.base import FilterForm, choices, date_field

#: app.services.period_report.TABLES's keys (forms do not import the app; a test keeps the two equal).
TABLE_KEYS = ["activities", "meetings", "requests", "deposits", "donors"]


class PeriodReportForm(FilterForm):
    # `from` is a Python keyword: the fields carry the URL's names.
    date_from = date_field("From", Optional(), name="from", description="First day of the period (YYYY-MM-DD).")
    date_to = date_field("To", Optional(), name="to", description="Last day of the period; empty for today.")
    table = SelectField("Table", choices=choices([("", "Every table")] + [(k, k) for k in TABLE_KEYS]),
                        validators=[Optional()], description="For the CSV download: which table.")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The period ends before it begins: give a last day on or after the first.")
