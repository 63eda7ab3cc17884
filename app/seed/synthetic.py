"""`flask seed synthetic --requests N [--seed S]`: deterministic data at scale, for benchmarks.

Same seed, same data: everything is drawn from one `random.Random(seed)` and dated from a fixed day (SYNTHETIC_TODAY),
never from the clock. Proportions follow the record (A/58/165) grown to decades of work: for N requests, N/4
activities with their visits, States, instruments, experts and the requests they answer; N/40 experts; up to 50
donors; N/10 contributions with their steps and allocations (inside each earmark: one calendar year, committed or
received money only, never more than the amount); legislative findings with their history; and every State's
treaty history completed after the record's last table (accessions, the Convention before its Protocols), the
instruments' `record_complete_to` moved to the last synthetic day.

The reference record stays as it is (run `seed reference` first). Rows are written in bulk (Core executemany,
ids computed here), never through the ORM's unit of work; PostgreSQL's sequences are moved past the new ids.

This module holds the command's entry point (`generate`) and the Generator's core: the draw, the reference record
it draws from, the writes. Each kind of record it draws is a part of its own, mixed into the Generator:
synthetic_people (accounts, donors, experts), synthetic_requests, synthetic_activities, synthetic_money
(contributions, exchange rates), synthetic_findings and synthetic_treaties; synthetic_rows holds what they share.
The parts run in the order `generate` calls them, each drawing from what the earlier ones drew, so that order is
part of the seed's meaning.
"""
from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa

from app.seed.synthetic_activities import DrawsActivities
from app.seed.synthetic_findings import DrawsFindings
from app.seed.synthetic_money import DrawsMoney
from app.seed.synthetic_notifications import generate_notifications
from app.seed.synthetic_people import DrawsPeople
from app.seed.synthetic_requests import DrawsRequests
from app.seed.synthetic_rows import SYNTHETIC_START, SYNTHETIC_TODAY, insert, move_sequences
from app.seed.synthetic_treaties import DrawsTreaties
from app.seed.synthetic_work import generate_work
from app.services.activities import period_months
from app.services.core.errors import Refused
from app.services.treaties import outcome_facts
from models import Activity, Instrument, LegislativeIssue, MemberState, Organization, db

#: Marks every synthetic record (`source`, with its seed), so that a second run with one seed can be refused;
#: a run with another seed adds as much again.
SOURCE = "synthetic"

Tick = Callable[[int], None]


def sizes(requests: int) -> dict[str, int]:
    """How many of each record N requests come with (the proportions of the brief: 200,000 -> 50,000 activities,
    5,000 experts, 50 donors, 20,000 contributions)."""
    return {"requests": requests, "activities": requests // 4, "experts": max(10, requests // 40),
            "donors": max(3, min(50, requests // 4000)), "contributions": requests // 10,
            "officers": max(2, min(40, requests // 5000))}


def total_steps(requests: int) -> int:
    """The length of the progress bar: one step per record generated (requests, activities, contributions…)."""
    n = sizes(requests)
    return n["requests"] + n["activities"] + n["experts"] + n["contributions"] + 4000


class Generator(DrawsPeople, DrawsRequests, DrawsActivities, DrawsMoney, DrawsFindings, DrawsTreaties):
    def __init__(self, requests: int, seed: int, tick: Tick | None = None):
        self.n = sizes(requests)
        self.rng = random.Random(seed)
        self.seed = seed
        self.source = f"{SOURCE} (seed {seed})"
        self.tick = tick or (lambda _n: None)
        self.counts: dict[str, int] = defaultdict(int)
        self.days = (SYNTHETIC_TODAY - SYNTHETIC_START).days

    def write(self, table, rows: list[dict], ticks: bool = False) -> None:
        insert(table, rows)
        self.counts[table.name] += len(rows)
        if ticks:
            self.tick(len(rows))

    # ------------------------------------------------------------------ reference data the rows point to
    def load_context(self) -> None:
        self.states = db.session.execute(
            sa.select(MemberState.id, MemberState.code, MemberState.kind, MemberState.regional_group)
            .order_by(MemberState.id)).all()
        if not self.states:
            raise Refused({"requests": "Load the reference record first: flask seed reference."})
        self.countries = [s for s in self.states if s.kind == "state"]
        self.by_region = defaultdict(list)
        for s in self.countries:
            self.by_region[s.regional_group].append(s.id)
        self.instruments = db.session.execute(
            sa.select(Instrument.id, Instrument.code, Instrument.supplements_id, Instrument.record_complete_to)
            .order_by(Instrument.id)).all()
        self.instrument_ids = [i.id for i in self.instruments]
        self.issues = list(db.session.scalars(sa.select(LegislativeIssue.id).order_by(LegislativeIssue.id)))
        self.orgs = list(db.session.scalars(
            sa.select(Organization.id).where(Organization.kind != "donor_government").order_by(Organization.id)))

    def refuse_second_run(self) -> None:
        if db.session.execute(sa.select(Activity.id).where(Activity.source == self.source).limit(1)).first():
            raise Refused({"requests": f"Synthetic data of seed {self.seed} is already loaded: start from a fresh "
                                       "database (flask db upgrade; flask seed reference) or give another seed."})

    def day(self, start: date = SYNTHETIC_START, end: date = SYNTHETIC_TODAY) -> date:
        return start + timedelta(days=self.rng.randrange(max((end - start).days, 0) + 1))


def generate(requests: int, seed: int = 1, tick: Tick | None = None) -> dict[str, int]:
    """Add the synthetic data for `requests` requests to the session's database (the caller commits); return
    the rows added per table. Refused when the reference record is missing or synthetic data is already there."""
    if requests < 1:
        raise Refused({"requests": "Give a number of requests of at least 1."})
    generator = Generator(requests, seed, tick)
    generator.load_context()
    generator.refuse_second_run()
    generator.accounts_and_donors()
    generator.experts()
    generator.requests()
    generator.activities()
    generator.contributions()
    generator.exchange_rates()
    generator.findings()
    generator.treaties()
    generate_work(generator)  # the work loop: it reads what was written above
    generate_notifications(generator)  # issue 28: what the staff were told
    move_sequences()
    outcome_facts.rebuild()  # written in bulk, past the services that keep the outcome figures
    period_months.rebuild()  # and past the flushes that keep the period report's
    return dict(generator.counts)
