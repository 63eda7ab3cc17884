"""How values are written for people: dates in the report's style, money with its currency, in the reader's
language (issue 30).

Pages (through the template filters `date`, `datetime` and `month`), histories, messages raised by services and
exports for people use the same functions, so a date reads the same everywhere: "6 December 2026",
"6 December 2026, 14:05 UTC". They follow the request's language through Babel (English: the report's style) and
never touch the database. Money and numbers likewise: English keeps the report's style ("USD 1,250,000.00"), other
languages Babel's for the locale with the currency by its ISO code ("1 234,50 USD"). Files and the API keep ISO
8601 (`iso`) and plain numbers.
"""
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import has_app_context, has_request_context, request
from flask_babel import LazyString, lazy_gettext

#: What a missing amount reads as (translated where it is shown).
NOT_RECORDED = lazy_gettext("not recorded")


def _locale() -> str:
    """The request's locale (Flask-Babel), English outside the application; plain English is written the report's
    way (day month year), as British English has it. Kept on the request: Babel's own lookup costs ~15 µs a call,
    and a long list writes thousands of dates (not on `g`, which an application context shares between requests)."""
    if not has_app_context():  # a script, a unit test
        return "en_GB"
    holder = request._get_current_object() if has_request_context() else None
    name = getattr(holder, "_formatting_locale", None)
    if name is None:
        from flask_babel import get_locale
        locale = get_locale()
        name = str(locale) if locale is not None else "en"
        name = "en_GB" if name == "en" else name
        if holder is not None:
            holder._formatting_locale = name
    return name


def format_date(value: date | None, empty: str = "—") -> str:
    """`5 June 2001`, the report's own style (in the request's language)."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = value.date()
    return _long_date(value, _locale())


@lru_cache(maxsize=8192)
def _long_date(value: date, locale: str) -> str:
    # Babel takes ~40 µs a date (it parses the pattern each time); a list repeats the same few hundred days, so
    # each is written once per process and language.
    return babel_dates.format_date(value, "long", locale=locale)


def format_datetime(value: datetime | None, empty: str = "—") -> str:
    """`6 December 2026, 14:05 UTC`: an instant, always in UTC (the time zone every stored instant is in), so two
    people reading a history together read the same time."""
    if value is None:
        return empty
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{format_date(value.date())}, {value.hour:02d}:{value.minute:02d} UTC"


def format_month(value: date | None, empty: str = "—") -> str:
    """`December 2026`: a month (a calendar's page, a visit known to the month only)."""
    if value is None:
        return empty
    return _month(value.year, value.month, _locale())


@lru_cache(maxsize=1024)
def _month(year: int, month: int, locale: str) -> str:
    return babel_dates.format_date(date(year, month, 1), "LLLL y", locale=locale)


def iso(value: date | None) -> str | None:
    """YYYY-MM-DD, or None: how dates travel in the API and exports."""
    return value.isoformat() if value else None


def format_money(amount: Decimal | None, currency: str | None, empty: str = NOT_RECORDED) -> str:
    """`USD 1,250,000.00`; `1 250 000,00 USD` in French. Amounts are Decimal and never pass through a float."""
    if amount is None:
        return str(empty)
    locale = _locale()
    if locale.startswith("en"):
        return f"{currency or ''} {amount:,.2f}".strip()
    if currency:
        return babel_numbers.format_currency(amount, currency, _iso_code_pattern(locale), locale=locale,
                                             currency_digits=False)
    return babel_numbers.format_decimal(amount, "#,##0.00", locale=locale)


@lru_cache(maxsize=16)
def _iso_code_pattern(locale: str) -> str:
    """The locale's currency pattern with the ISO code (USD), not a symbol ($US, US$) that varies by language."""
    from babel import Locale
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return pattern if "¤¤" in pattern else pattern.replace("¤", "¤¤")


def format_number(value, empty: str = "—") -> str:
    """A count or a quantity with the locale's grouping and decimal signs (`1,234.5`; `1 234,5` in French)."""
    if value is None:
        return str(empty)
    locale = _locale()
    if locale.startswith("en"):
        return f"{value:,}"
    return babel_numbers.format_decimal(value, locale=locale)


def lazy_date(value: date | None) -> LazyString:
    """`format_date(value)` when it is made text: a date inside a lazy_gettext message written later, in another
    language (a notification is written in its recipient's)."""
    return LazyString(format_date, value)
