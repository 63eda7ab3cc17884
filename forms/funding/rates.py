"""Forms of the exchange-rate table kept by admins."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from forms.base import AppForm, FilterForm, date_field, strip
from forms.funding.codelists import currency_problem
from forms.funding.contributions import AmountField
from models.exchange_rate import BASE_CURRENCY


def _upper(value):
    return value.upper() if isinstance(value, str) else value


class RateFilterForm(FilterForm):
    SORTS = {"currency": _l("Currency"), "valid_from": _l("Valid from")}
    DEFAULT_SORT = "currency"

    currency = StringField(_l("Currency"), filters=[strip, _upper],
                           validators=[Optional(), Regexp(r"^[A-Z]{3}$", message=_l("An ISO 4217 code, e.g. EUR."))])


class RateForm(AppForm):
    currency = StringField(_l("Currency"), filters=[strip, _upper],
                           validators=[DataRequired(_l("Give the currency, e.g. EUR.")), Length(max=3)],
                           description=_l("ISO 4217 code."))
    rate = AmountField(_l("Value in %(currency)s", currency=BASE_CURRENCY),
                       validators=[DataRequired(_l("Give the rate."))],
                       description=_l("How many %(currency)s one unit of the currency is worth, e.g. 1.1050.",
                                      currency=BASE_CURRENCY))
    valid_from = date_field(_l("Valid from"), DataRequired(_l("Give the date the rate applies from.")))
    source = StringField(_l("Source"), filters=[strip], validators=[Optional(), Length(max=200)],
                         description=_l("e.g. UN operational rate of exchange, July 2003."))

    def validate_currency(self, field):
        if field.data == BASE_CURRENCY:
            raise ValidationError(_l("%(currency)s is the base currency: its rate is always 1.",
                                     currency=BASE_CURRENCY))
        problem = currency_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_rate(self, field):
        value = field.data
        if value is None or not value.is_finite() or value <= 0:
            raise ValidationError(_l("The rate must be a number above zero."))
        if value >= 1_000_000:
            raise ValidationError(_l("That rate is not plausible (one unit worth a million or more)."))
        if value != value.quantize(Decimal("0.00000001")):
            raise ValidationError(_l("Give at most eight decimals."))
