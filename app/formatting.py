"""How values are written for people: dates in the report's style, money with its currency.

Pages (through template filters), messages raised by services and exports use the same functions, so a date
reads the same everywhere. Nothing here touches the database or the request.
"""
from datetime import date
from decimal import Decimal


def format_date(value: date | None, empty: str = "—") -> str:
    """`5 June 2001`, the report's own style."""
    if value is None:
        return empty
    return f"{value.day} {value.strftime('%B')} {value.year}"


def iso(value: date | None) -> str | None:
    """YYYY-MM-DD, or None: how dates travel in the API and exports."""
    return value.isoformat() if value else None


def format_money(amount: Decimal | None, currency: str | None, empty: str = "not recorded") -> str:
    """`USD 1,250,000.00`; amounts are Decimal and never pass through a float."""
    if amount is None:
        return empty
    return f"{currency or ''} {amount:,.2f}".strip()
