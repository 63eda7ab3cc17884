"""Exchange rates that admins keep, so that totals across currencies can be given without a network lookup."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import TimestampMixin, db

#: Every total is converted into this currency; it needs no rate of its own.
BASE_CURRENCY = "USD"


class ExchangeRate(TimestampMixin, db.Model):
    """How many units of the base currency one unit of `currency` was worth from `valid_from` on (until the
    currency's next rate). A total converts each amount with the latest rate on or before its date."""
    __tablename__ = "exchange_rates"
    __table_args__ = (
        sa.UniqueConstraint("currency", "valid_from", name="uq_exchange_rates_currency_valid_from"),
        sa.CheckConstraint("rate > 0", name="rate_positive"),
        sa.CheckConstraint("rate < 1000000", name="rate_not_absurd"),
        sa.CheckConstraint("length(currency) = 3", name="currency_iso4217"),
        sa.CheckConstraint(f"currency <> '{BASE_CURRENCY}'", name="not_the_base_currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3), nullable=False, index=True)
    #: Units of BASE_CURRENCY for one unit of `currency`.
    rate: Mapped[Decimal] = mapped_column(sa.Numeric(18, 8), nullable=False)
    valid_from: Mapped[date] = mapped_column(sa.Date, nullable=False)
    #: Where the rate comes from (e.g. "UN operational rate of exchange, July 2003").
    source: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
