"""How values are written for people: dates in the report's style, money with its currency, in the reader's
language (issue 30).

Pages (through template filters), messages raised by services and exports' notes use the same functions, so a
date reads the same everywhere. In English, the report's own style ("5 June 2001", "USD 1,250,000.00"); in the
other languages, Babel's (CLDR's) long date and currency format for the locale of the page, e-mail or job
("6 décembre 2026", "1 234,50 USD"), the currency always by its ISO code, as the Centre's statements give it.
What travels as data (the API, CSV/XLSX cells, feeds) uses `iso` and plain numbers, never these. Nothing here
touches the database or the request.
"""
from datetime import date
from decimal import Decimal

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import has_app_context
from flask_babel import LazyString, get_locale, lazy_gettext

#: What a missing value reads as (translated where it is shown).
NOT_RECORDED = lazy_gettext("not recorded")


def _locale():
    """The locale of what is being written, or None for English (no app, no locale, or English itself)."""
    if not has_app_context():
        return None
    locale = get_locale()
    return None if locale is None or locale.language == "en" else locale


def format_date(value: date | None, empty: str = "—") -> str:
    """`5 June 2001`, the report's own style; `5 juin 2001`, `2001年6月5日` in other languages."""
    if value is None:
        return str(empty)
    locale = _locale()
    if locale is not None:
        return babel_dates.format_date(value, "long", locale=locale)
    return f"{value.day} {value.strftime('%B')} {value.year}"


def lazy_date(value: date | None) -> LazyString:
    """`format_date(value)` when it is made text: a date inside a lazy_gettext message written later, in another
    language (a notification is written in its recipient's)."""
    return LazyString(format_date, value)


def iso(value: date | None) -> str | None:
    """YYYY-MM-DD, or None: how dates travel in the API and exports."""
    return value.isoformat() if value else None


def format_money(amount: Decimal | None, currency: str | None, empty: str = NOT_RECORDED) -> str:
    """`USD 1,250,000.00`; `1 250 000,00 USD` in French. Amounts are Decimal and never pass through a float."""
    if amount is None:
        return str(empty)
    locale = _locale()
    if locale is not None and currency:
        pattern = locale.currency_formats["standard"].pattern
        if "¤¤" not in pattern:
            pattern = pattern.replace("¤", "¤¤")  # the ISO code (USD), not a symbol ($US, US$) that varies
        return babel_numbers.format_currency(amount, currency, pattern, locale=locale, currency_digits=False)
    if locale is not None:
        return babel_numbers.format_decimal(amount, "#,##0.00", locale=locale)
    return f"{currency or ''} {amount:,.2f}".strip()


def format_number(value, empty: str = "—") -> str:
    """A count or a quantity with the locale's grouping and decimal signs (`1,234.5`; `1 234,5` in French)."""
    if value is None:
        return str(empty)
    locale = _locale()
    if locale is None:
        return f"{value:,}"
    return babel_numbers.format_decimal(value, locale=locale)
