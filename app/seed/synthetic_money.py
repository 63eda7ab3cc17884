"""The money of the synthetic record: contributions of the donors with their status steps and their allocations
(inside each earmark: one calendar year, committed or received money only, never more than the amount), and a
yearly exchange rate for each currency they are given in."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.seed.synthetic_rows import SYNTHETIC_START, SYNTHETIC_TODAY, at, next_ids, weighted
from models import Allocation, Contribution, ContributionStatusChange, ExchangeRate, db

CURRENCIES = [("USD", 55), ("EUR", 20), ("GBP", 8), ("JPY", 6), ("CAD", 6), ("NOK", 5)]
#: USD per unit, a round figure per currency (drifted a little each year).
BASE_RATES = {"EUR": Decimal("1.10"), "GBP": Decimal("1.30"), "JPY": Decimal("0.0085"), "CAD": Decimal("0.75"),
              "NOK": Decimal("0.10")}


class DrawsMoney:
    """Part of synthetic.Generator (its rng, sizes `n`, `day` and `write`; the donors, and the activities
    `by_year` that the allocations fund)."""

    def contributions(self) -> None:
        rng = self.rng
        ids = next_ids(Contribution.__table__, ContributionStatusChange.__table__, Allocation.__table__)
        currency_of = weighted(rng, CURRENCIES)
        status_of = weighted(rng, [("pledged", 15), ("committed", 25), ("received", 60)])
        rows, steps, allocations = [], [], []
        step_id, allocation_id = ids["contribution_status_changes"], ids["allocations"]
        years = sorted(y for y in self.by_year if y <= SYNTHETIC_TODAY.year)
        for i in range(self.n["contributions"]):
            contribution_id = ids["contributions"] + i
            year = rng.choice(years)
            period_start, period_end = date(year, 1, 1), date(year, 12, 31)
            pledged = self.day(date(year - 1, 7, 1), min(date(year, 6, 30), SYNTHETIC_TODAY))
            status = status_of()
            committed = received = None
            if status in ("committed", "received"):
                committed = min(pledged + timedelta(days=rng.randint(10, 120)), SYNTHETIC_TODAY)
            if status == "received":
                received = min(committed + timedelta(days=rng.randint(10, 120)), SYNTHETIC_TODAY)
            currency = currency_of()
            amount = Decimal(rng.randrange(20, 4000) * 500)
            if currency == "JPY":
                amount *= 100
            rows.append({"id": contribution_id, "reference_key": None, "donor_id": rng.choice(self.donors),
                         "project_id": None, "amount": amount, "currency": currency, "status": status,
                         "pledged_date": pledged, "committed_date": committed, "received_date": received,
                         "period_start": period_start, "period_end": period_end, "regions": [],
                         "source": self.source, "note": None, "created_at": at(pledged, rng),
                         "updated_at": at(received or committed or pledged, rng)})
            previous = None
            for step, on in (("pledged", pledged), ("committed", committed), ("received", received)):
                if on is None:
                    break
                steps.append({"id": step_id, "contribution_id": contribution_id, "actor_id": None,
                              "changed_at": at(on, rng), "from_status": previous, "to_status": step,
                              "on_date": on, "reason": None})
                step_id += 1
                previous = step
            if status != "pledged" and self.by_year[year]:
                chosen = {rng.choice(self.by_year[year]) for _ in range(rng.randint(1, 3))}
                share = (amount * Decimal("0.8") / len(chosen)).quantize(Decimal("0.01"))
                for activity_id in sorted(chosen):
                    allocations.append({"id": allocation_id, "contribution_id": contribution_id,
                                        "activity_id": activity_id, "amount": share, "note": None,
                                        "is_inferred": False, "basis": None})
                    allocation_id += 1
        self.write(Contribution.__table__, rows, ticks=True)
        self.write(ContributionStatusChange.__table__, steps)
        self.write(Allocation.__table__, allocations)

    def exchange_rates(self) -> None:
        """A rate for each currency on 1 January of every synthetic year, unless the record has one that day."""
        rng = self.rng
        existing = set(db.session.execute(sa.select(ExchangeRate.currency, ExchangeRate.valid_from)).all())
        rates, rate_id = [], next_ids(ExchangeRate.__table__)["exchange_rates"]
        for currency, base in BASE_RATES.items():
            for year in range(SYNTHETIC_START.year, SYNTHETIC_TODAY.year + 1):
                if (currency, date(year, 1, 1)) in existing:
                    continue
                drift = Decimal(100 + rng.randint(-8, 8)) / 100
                rates.append({"id": rate_id, "currency": currency, "rate": (base * drift).quantize(Decimal("1e-6")),
                              "valid_from": date(year, 1, 1), "source": self.source,
                              "created_at": at(date(year, 1, 1), rng), "updated_at": at(date(year, 1, 1), rng)})
                rate_id += 1
        self.write(ExchangeRate.__table__, rates)
