"""Exchange rates kept by admins, and totals across currencies converted with them.

A total converts each currency with the latest rate on or before the day asked for and says which rate and
which day it used; a currency without a rate is listed apart, never converted silently. No network lookups.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from app.listing import Page, Paging, ordered, paginate
from app.services.core import audit
from app.services.core.errors import Refused
from forms.funding.codelists import currency_problem
from models import BASE_CURRENCY, ExchangeRate, db

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RateFilters:
    currency: str | None = None


#: Sort keys of the rate list (forms.rate.RateFilterForm.SORTS names the same keys).
SORTS = {"currency": ExchangeRate.currency, "valid_from": ExchangeRate.valid_from}


def list_page(filters: RateFilters, paging: Paging) -> Page:
    select = sa.select(ExchangeRate)
    if filters.currency:
        select = select.where(ExchangeRate.currency == filters.currency)
    return paginate(ordered(select.order_by(None), SORTS, paging, "currency", ExchangeRate.valid_from.desc()),
                    paging)


def get(rate_id: int) -> ExchangeRate | None:
    return db.session.get(ExchangeRate, rate_id)


def latest(currencies: Iterable[str], on: date) -> dict[str, ExchangeRate]:
    """The latest rate on or before `on` of each currency that has one (one query)."""
    wanted = sorted({c for c in currencies if c and c != BASE_CURRENCY})
    if not wanted:
        return {}
    rows = db.session.scalars(sa.select(ExchangeRate).where(ExchangeRate.currency.in_(wanted),
                                                            ExchangeRate.valid_from <= on)
                              .order_by(ExchangeRate.currency, ExchangeRate.valid_from))
    return {r.currency: r for r in rows}  # ordered by date: the last one of each currency wins


@dataclass
class Line:
    currency: str
    amount: Decimal
    rate: ExchangeRate | None = None  # None for the base currency
    converted: Decimal | None = None


@dataclass
class Total:
    """A sum in several currencies: each currency's line, their sum in the base currency where every line has a
    rate, and the currencies that have none (shown apart)."""
    on: date
    lines: list[Line] = field(default_factory=list)
    base: str = BASE_CURRENCY

    @property
    def converted(self) -> Decimal:
        return sum((line.converted for line in self.lines if line.converted is not None), Decimal("0.00"))

    @property
    def unconverted(self) -> list[Line]:
        return [line for line in self.lines if line.converted is None]

    @property
    def is_empty(self) -> bool:
        return not self.lines


def total(amounts: Iterable[tuple[str, Decimal]], on: date, rates: dict[str, ExchangeRate] | None = None) -> Total:
    """Sum (currency, amount) pairs per currency and convert each sum; `rates` from `latest` (loaded if None)."""
    sums: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for currency, amount in amounts:
        if amount is not None and currency:
            sums[currency] += amount
    if rates is None:
        rates = latest(sums, on)
    out = Total(on)
    for currency in sorted(sums):
        line = Line(currency, sums[currency])
        if currency == BASE_CURRENCY:
            line.converted = line.amount
        elif currency in rates:
            line.rate = rates[currency]
            line.converted = (line.amount * rates[currency].rate).quantize(CENT, ROUND_HALF_UP)
        out.lines.append(line)
    return out


# ------------------------------------------------------------------ writes (admins)
def _fields(r: ExchangeRate) -> dict:
    return {"currency": r.currency, "rate": r.rate, "valid_from": r.valid_from, "source": r.source}


def _check(currency: str | None, rate: Decimal | None, valid_from: date | None, current: ExchangeRate | None):
    errors = {}
    if currency == BASE_CURRENCY:
        errors["currency"] = _("%(currency)s is the base currency: its rate is always 1.", currency=BASE_CURRENCY)
    elif currency_problem(currency):
        errors["currency"] = currency_problem(currency)
    if rate is None or not rate.is_finite() or rate <= 0 or rate >= 1_000_000:
        errors["rate"] = _("The rate must be a number above zero (and below a million).")
    if valid_from is None:
        errors["valid_from"] = _("Give the date the rate applies from.")
    if not errors:
        clash = db.session.scalar(sa.select(ExchangeRate).where(ExchangeRate.currency == currency,
                                                                ExchangeRate.valid_from == valid_from))
        if clash is not None and clash is not current:
            errors["valid_from"] = _("%(currency)s already has a rate from %(day)s: edit that one.", currency=currency,
                                     day=valid_from.isoformat())
    if errors:
        raise Refused(errors)


def save(current: ExchangeRate | None, currency: str, rate: Decimal, valid_from: date,
         source: str | None) -> ExchangeRate:
    """Create (current None) or change a rate; Refused with each field's message. Flushes, audited."""
    _check(currency, rate, valid_from, current)
    before = _fields(current) if current is not None else None
    target = current or ExchangeRate()
    target.currency, target.rate, target.valid_from, target.source = currency, rate, valid_from, source or None
    db.session.add(target)
    db.session.flush()
    if before is None:
        audit.record_for(target, "create", f"Rate {currency} = {rate} {BASE_CURRENCY} from {valid_from}",
                         after=_fields(target))
    else:
        old, new = audit.changed(before, _fields(target))
        if new:
            audit.record_for(target, "update", f"Rate {currency} from {valid_from} changed", before=old, after=new)
    return target


def delete(rate: ExchangeRate) -> None:
    audit.record_for(rate, "delete", f"Rate {rate.currency} from {rate.valid_from} removed", before=_fields(rate))
    db.session.delete(rate)
    db.session.flush()
