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
"""
from __future__ import annotations

import bisect
import csv
import io
import json
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.services.core.errors import Refused
from models import (
    Activity,
    ActivityState,
    ActivityVisit,
    Allocation,
    AssistanceRequest,
    Contribution,
    ContributionStatusChange,
    Deployment,
    ExchangeRate,
    Expert,
    FindingStatusChange,
    Instrument,
    LegislativeFinding,
    LegislativeIssue,
    MemberState,
    Organization,
    RequestStatusChange,
    TreatyAction,
    User,
    db,
)
from models.activity import activity_instruments, activity_requests
from models.assistance_request import assistance_request_instruments
from models.enums import (
    ActivityKind,
    ExpertKind,
    FindingStatus,
    LegalTradition,
    Priority,
    RequestChannel,
    RequestKind,
)
from models.expert import expert_instruments
from models.record_version import bump

#: The day the synthetic record is "as at": requests are received up to it, planned activities run a year past it.
SYNTHETIC_TODAY = date(2026, 6, 30)
#: The first day of the synthetic record (the Convention's adoption).
SYNTHETIC_START = date(2000, 11, 15)
#: Marks every synthetic record (`source`, with its seed), so that a second run with one seed can be refused;
#: a run with another seed adds as much again.
SOURCE = "synthetic"
#: One password hash for every synthetic account: they cannot sign in (not a valid hash of anything typed).
_NO_PASSWORD = "synthetic:no-password"

Tick = Callable[[int], None]
_NULL = "\\N"

ACTIVITY_KINDS = [  # (kind, weight): missions dominate, as in the report
    (ActivityKind.MISSION, 45), (ActivityKind.NATIONAL_SEMINAR, 15), (ActivityKind.WORKSHOP, 12),
    (ActivityKind.REGIONAL_MEETING, 6), (ActivityKind.SUBREGIONAL_MEETING, 5),
    (ActivityKind.EXPERT_GROUP_MEETING, 3), (ActivityKind.WRITTEN_ANALYSIS, 7), (ActivityKind.PRESENTATION, 3),
    (ActivityKind.BRIEFING, 2), (ActivityKind.PANEL, 1), (ActivityKind.TREATY_EVENT, 1)]
MEETINGS = {ActivityKind.REGIONAL_MEETING, ActivityKind.SUBREGIONAL_MEETING, ActivityKind.EXPERT_GROUP_MEETING}
#: Over decades nearly every request has been answered, declined or withdrawn: the queue (pending, under review)
#: holds the last months' arrivals, about 1% of the record; work under way, the last two years'.
REQUEST_STATUSES = [("completed", 830), ("in_progress", 30), ("approved", 10), ("declined", 80), ("withdrawn", 40),
                    ("pending", 6), ("under_review", 4)]
#: How far back a request of each status may have arrived (days before SYNTHETIC_TODAY); others: the whole record.
RECENT = {"pending": 180, "under_review": 180, "approved": 365, "in_progress": 730}
#: The workflow path that leads to each status (from the request's creation).
PATHS = {
    "pending": ["pending"],
    "under_review": ["pending", "under_review"],
    "approved": ["pending", "under_review", "approved"],
    "in_progress": ["pending", "under_review", "approved", "in_progress"],
    "completed": ["pending", "under_review", "approved", "in_progress", "completed"],
    "declined": ["pending", "under_review", "declined"],
    "withdrawn": ["pending", "withdrawn"],
}
ANSWERED = ("approved", "in_progress", "completed")
PRIORITIES = [(Priority.LOW, 15), (Priority.NORMAL, 60), (Priority.HIGH, 20), (Priority.URGENT, 5)]
SUBJECTS = ["Review of draft legislation on {}", "Assistance in ratifying {}", "Training of judges on {}",
            "Needs assessment for implementing {}", "Advice on the criminalization provisions of {}",
            "Seminar for parliamentarians on {}"]
TOPICS = ["extradition", "mutual legal assistance", "money-laundering", "corruption", "witness protection",
          "liability of legal persons", "jurisdiction", "border control", "victim support", "confiscation"]
LANGUAGES = ["English", "French", "Spanish", "Arabic", "Russian", "Chinese", "Portuguese"]
GIVEN = ["Amina", "Carlos", "Dmitri", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jean", "Kofi", "Lena",
         "Mateo", "Nadia", "Olu", "Priya", "Quentin", "Rosa", "Samir", "Tanya", "Umar", "Vera", "Wei", "Yusuf", "Zora"]
FAMILY = ["Abebe", "Bianchi", "Chen", "Diallo", "Eriksen", "Fernandes", "Garcia", "Haddad", "Ivanova", "Jensen",
          "Kowalski", "Lopez", "Mensah", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Silva", "Tanaka",
          "Usman", "Varga", "Weber", "Yilmaz"]
ROLES = ["lead expert", "legal expert", "resource person", "facilitator"]
CURRENCIES = [("USD", 55), ("EUR", 20), ("GBP", 8), ("JPY", 6), ("CAD", 6), ("NOK", 5)]
#: USD per unit, a round figure per currency (drifted a little each year).
BASE_RATES = {"EUR": Decimal("1.10"), "GBP": Decimal("1.30"), "JPY": Decimal("0.0085"), "CAD": Decimal("0.75"),
              "NOK": Decimal("0.10")}


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


def _next_ids(*tables) -> dict[str, int]:
    return {t.name: (db.session.execute(sa.select(sa.func.max(t.c.id))).scalar() or 0) + 1 for t in tables}


def _insert(table, rows: list[dict]) -> None:
    """Bulk insert: COPY on PostgreSQL (several times faster than multi-row INSERTs), executemany elsewhere."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        _copy(table, rows)
        return
    for start in range(0, len(rows), 20000):
        db.session.execute(sa.insert(table), rows[start:start + 20000])


def _copy(table, rows: list[dict]) -> None:
    """COPY ... FROM STDIN (CSV, NULL written as \\N)."""
    columns = list(rows[0])
    json_columns = {c for c in columns if isinstance(table.c[c].type, sa.JSON)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([json.dumps(row[c]) if c in json_columns else
                         (_NULL if row[c] is None else row[c]) for c in columns])
    buffer.seek(0)
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.copy_expert(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
    finally:
        cursor.close()


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 8 + rng.randrange(10), rng.randrange(60), tzinfo=UTC)


def _weighted(rng: random.Random, pairs: list) -> Callable[[], object]:
    values = [v for v, _ in pairs]
    cumulative, total = [], 0
    for _, weight in pairs:
        total += weight
        cumulative.append(total)
    return lambda: values[bisect.bisect_right(cumulative, rng.random() * total)]


class Generator:
    def __init__(self, requests: int, seed: int, tick: Tick | None = None):
        self.n = sizes(requests)
        self.rng = random.Random(seed)
        self.seed = seed
        self.source = f"{SOURCE} (seed {seed})"
        self.tick = tick or (lambda _n: None)
        self.counts: dict[str, int] = defaultdict(int)
        self.days = (SYNTHETIC_TODAY - SYNTHETIC_START).days

    def write(self, table, rows: list[dict], ticks: bool = False) -> None:
        _insert(table, rows)
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

    # ------------------------------------------------------------------ people and organizations
    def accounts_and_donors(self) -> None:
        rng, ids = self.rng, _next_ids(User.__table__, Organization.__table__)
        users = []
        for i in range(self.n["officers"]):
            role = "manager" if i % 5 == 4 else "officer"
            users.append({"id": ids["users"] + i, "email": f"synthetic-{role}-{self.seed}-{i + 1}@synthetic.test",
                          "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "role": role, "donor_id": None,
                          "password_hash": _NO_PASSWORD, "is_active": True, "last_login_at": None,
                          "session_token": f"{rng.getrandbits(128):032x}",
                          "created_at": _at(SYNTHETIC_START, rng), "updated_at": _at(SYNTHETIC_START, rng)})
        self.officers = [u["id"] for u in users if u["role"] == "officer"]
        self.write(User.__table__, users)
        donors = list(db.session.scalars(sa.select(Organization.id).where(
            Organization.kind == "donor_government").order_by(Organization.id)))
        western = self.by_region.get("Western European and Others") or [s.id for s in self.countries]
        orgs = []
        for i in range(max(0, self.n["donors"] - len(donors))):
            orgs.append({"id": ids["organizations"] + i, "reference_key": None,
                         "name": f"Synthetic donor {self.seed}-{i + 1:03d}", "acronym": None,
                         "kind": "donor_government",
                         "state_id": rng.choice(western), "city": None, "source": self.source,
                         "created_at": _at(SYNTHETIC_START, rng), "updated_at": _at(SYNTHETIC_START, rng)})
        self.write(Organization.__table__, orgs)
        self.donors = donors + [o["id"] for o in orgs]

    def experts(self) -> None:
        rng, ids = self.rng, _next_ids(Expert.__table__)
        kind = _weighted(rng, [(k.value, w) for k, w in zip(ExpertKind, (10, 50, 30, 10), strict=True)])
        tradition = [t.value for t in LegalTradition]
        rows, links = [], []
        for i in range(self.n["experts"]):
            expert_id = ids["experts"] + i
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            rows.append({"id": expert_id, "reference_key": None, "name": f"{given} {family}", "kind": kind(),
                         "affiliation_id": rng.choice(self.orgs) if self.orgs and rng.random() < 0.4 else None,
                         "nationality_id": rng.choice(self.countries).id,
                         "email": f"expert-{self.seed}-{i + 1}@synthetic.test",
                         "phone": f"+41 22 {rng.randrange(10**6):06d}",
                         "topics": rng.sample(TOPICS, rng.randint(1, 3)),
                         "languages": rng.sample(LANGUAGES, rng.randint(1, 3)),
                         "legal_tradition": rng.choice(tradition), "note": None,
                         "created_at": _at(SYNTHETIC_START, rng), "updated_at": _at(SYNTHETIC_START, rng)})
            for instrument_id in sorted(rng.sample(self.instrument_ids, rng.randint(1, 4))):
                links.append({"expert_id": expert_id, "instrument_id": instrument_id})
        self.expert_ids = [r["id"] for r in rows]
        self.write(Expert.__table__, rows, ticks=True)
        self.write(expert_instruments, links)

    # ------------------------------------------------------------------ requests
    def requests(self) -> None:
        rng, ids = self.rng, _next_ids(AssistanceRequest.__table__, RequestStatusChange.__table__)
        status_of, priority_of = _weighted(rng, REQUEST_STATUSES), _weighted(rng, PRIORITIES)
        kinds, channels = [k.value for k in RequestKind], [c.value for c in RequestChannel]
        codes = [i.code for i in self.instruments]
        rows, links, changes = [], [], []
        change_id = ids["request_status_changes"]
        self.answerable: dict[int, list[tuple[date, int]]] = defaultdict(list)
        for i in range(self.n["requests"]):
            request_id = ids["assistance_requests"] + i
            state = rng.choice(self.countries)
            status = status_of()
            received = self.day(SYNTHETIC_TODAY - timedelta(days=RECENT[status]) if status in RECENT
                                else SYNTHETIC_START, SYNTHETIC_TODAY)
            priority = priority_of()
            chosen = sorted(rng.sample(range(len(codes)), rng.randint(1, 3)))
            decided = status in ("approved", "in_progress", "completed", "declined")
            when = _at(received, rng)
            steps = PATHS[status]
            decided_at = None
            previous = None
            for step in steps:
                reason = None
                if step in ("approved", "declined", "withdrawn"):
                    reason = {"approved": "Within the Centre's mandate and funded.",
                              "declined": "Outside the Centre's mandate.",
                              "withdrawn": "Withdrawn by the requesting State."}[step]
                changes.append({"id": change_id, "request_id": request_id, "actor_id": None, "changed_at": when,
                                "from_status": previous, "to_status": step, "reason": reason})
                if step in ("approved", "declined"):
                    decided_at = when
                change_id += 1
                previous = step
                when = min(when + timedelta(days=rng.randint(1, 40)), _at(SYNTHETIC_TODAY, rng))
            due = received + timedelta(days=rng.choice((30, 60, 90, 180))) if rng.random() < 0.6 else None
            rows.append({
                "id": request_id, "reference_key": None, "state_id": state.id, "kind": rng.choice(kinds),
                "received_date": received, "channel": rng.choice(channels),
                "requesting_authority": "Ministry of Justice" if rng.random() < 0.6 else "Ministry of Foreign Affairs",
                "subject": rng.choice(SUBJECTS).format(codes[chosen[0]]), "description": None,
                "is_subject_inferred": False, "priority": priority.value, "priority_rank": priority.rank,
                "status": status,
                "assigned_officer_id": rng.choice(self.officers) if status != "pending" and self.officers else None,
                "logged_by_id": None, "due_date": due, "version": len(steps),
                "decision": status if status in ("approved", "declined") else ("approved" if decided else None),
                "decision_reason": "Within the Centre's mandate and funded." if decided and status != "declined"
                else ("Outside the Centre's mandate." if status == "declined" else None),
                "decided_at": decided_at, "source": self.source,
                "created_at": _at(received, rng), "updated_at": when})
            for index in chosen:
                links.append({"request_id": request_id, "instrument_id": self.instrument_ids[index]})
            if status in ANSWERED:
                self.answerable[state.id].append((received, request_id))
            if len(rows) >= 20000:
                self.flush_requests(rows, links, changes)
                rows, links, changes = [], [], []
        self.flush_requests(rows, links, changes)
        for entries in self.answerable.values():
            entries.sort()

    def flush_requests(self, rows, links, changes) -> None:
        self.write(AssistanceRequest.__table__, rows, ticks=True)
        self.write(assistance_request_instruments, links)
        self.write(RequestStatusChange.__table__, changes)

    # ------------------------------------------------------------------ activities
    def activities(self) -> None:
        rng = self.rng
        ids = _next_ids(Activity.__table__, ActivityVisit.__table__, ActivityState.__table__, Deployment.__table__)
        kind_of = _weighted(rng, ACTIVITY_KINDS)
        rows, visits, states, instruments, answers, deployments = [], [], [], [], [], []
        visit_id, state_row_id, deployment_id = (ids["activity_visits"], ids["activity_states"],
                                                 ids["deployments"])
        self.by_year: dict[int, list[int]] = defaultdict(list)
        self.served: dict[int, list[int]] = defaultdict(list)
        horizon = SYNTHETIC_TODAY + timedelta(days=365)
        for i in range(self.n["activities"]):
            activity_id = ids["activities"] + i
            kind = kind_of()
            start = self.day(SYNTHETIC_START, horizon)
            host = rng.choice(self.countries)
            if kind in MEETINGS:
                region = self.by_region[host.regional_group] or [host.id]
                served = sorted({host.id, *rng.sample(region, min(len(region), rng.randint(3, 12)))})
                role = "participant" if kind is ActivityKind.EXPERT_GROUP_MEETING else "served"
            else:
                served, role = [host.id], "served"
            status = ("planned" if start > SYNTHETIC_TODAY else
                      ("cancelled" if rng.random() < 0.03 else "completed"))
            end = start
            if kind is not ActivityKind.WRITTEN_ANALYSIS:
                trips = 2 if kind is ActivityKind.MISSION and rng.random() < 0.15 else 1
                day = start
                for _ in range(trips):
                    end = day + timedelta(days=rng.randint(0, 4))
                    visits.append({"id": visit_id, "activity_id": activity_id, "city": None,
                                   "country_id": host.id, "start_date": day, "end_date": end,
                                   "date_precision": "day"})
                    visit_id += 1
                    day = end + timedelta(days=rng.randint(20, 200))
            rows.append({"id": activity_id, "reference_key": None, "kind": kind.value, "status": status,
                         "title": f"{kind.label}, {host.code} {start.year} (no. {i + 1})",
                         "description": None, "outcome": "Recommendations delivered." if status == "completed"
                         else None, "topics": rng.sample(TOPICS, rng.randint(0, 2)), "source": self.source,
                         "project_id": None, "first_visit_date": None if kind is ActivityKind.WRITTEN_ANALYSIS
                         else start, "created_at": _at(min(start, SYNTHETIC_TODAY), rng),
                         "updated_at": _at(min(end, SYNTHETIC_TODAY), rng)})
            for state_id in served:
                states.append({"id": state_row_id, "activity_id": activity_id, "state_id": state_id, "role": role})
                state_row_id += 1
                if role == "served":
                    self.served[state_id].append(activity_id)
            for instrument_id in sorted(rng.sample(self.instrument_ids, rng.randint(1, 4))):
                instruments.append({"activity_id": activity_id, "instrument_id": instrument_id})
            if kind not in MEETINGS and rng.random() < 0.5:  # answers requests of its State received before it
                pool = self.answerable.get(host.id, [])
                upto = bisect.bisect_right(pool, (start, 1 << 62))
                if upto:
                    for k in sorted({rng.randrange(max(0, upto - 20), upto) for _ in range(rng.randint(1, 2))}):
                        answers.append({"activity_id": activity_id, "request_id": pool[k][1]})
            if kind is not ActivityKind.WRITTEN_ANALYSIS or rng.random() < 0.5:
                for expert_id in sorted(rng.sample(self.expert_ids, rng.randint(1, 3))):
                    deployments.append({"id": deployment_id, "expert_id": expert_id, "activity_id": activity_id,
                                        "role": rng.choice(ROLES), "start_date": None, "end_date": None})
                    deployment_id += 1
            if status != "cancelled" and start.year == end.year:
                self.by_year[start.year].append(activity_id)
            if len(rows) >= 20000:
                self.flush_activities(rows, visits, states, instruments, answers, deployments)
                rows, visits, states, instruments, answers, deployments = [], [], [], [], [], []
        self.flush_activities(rows, visits, states, instruments, answers, deployments)

    def flush_activities(self, rows, visits, states, instruments, answers, deployments) -> None:
        self.write(Activity.__table__, rows, ticks=True)
        self.write(ActivityVisit.__table__, visits)
        self.write(ActivityState.__table__, states)
        self.write(activity_instruments, instruments)
        # One request may be answered twice by the same activity draw: keep pairs unique.
        self.write(activity_requests, [dict(t) for t in {tuple(a.items()) for a in answers}])
        self.write(Deployment.__table__, deployments)

    # ------------------------------------------------------------------ money
    def contributions(self) -> None:
        rng = self.rng
        ids = _next_ids(Contribution.__table__, ContributionStatusChange.__table__, Allocation.__table__)
        currency_of = _weighted(rng, CURRENCIES)
        status_of = _weighted(rng, [("pledged", 15), ("committed", 25), ("received", 60)])
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
                         "source": self.source, "note": None, "created_at": _at(pledged, rng),
                         "updated_at": _at(received or committed or pledged, rng)})
            previous = None
            for step, on in (("pledged", pledged), ("committed", committed), ("received", received)):
                if on is None:
                    break
                steps.append({"id": step_id, "contribution_id": contribution_id, "actor_id": None,
                              "changed_at": _at(on, rng), "from_status": previous, "to_status": step,
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
        existing = set(db.session.execute(sa.select(ExchangeRate.currency, ExchangeRate.valid_from)).all())
        rates, rate_id = [], _next_ids(ExchangeRate.__table__)["exchange_rates"]
        for currency, base in BASE_RATES.items():
            for year in range(SYNTHETIC_START.year, SYNTHETIC_TODAY.year + 1):
                if (currency, date(year, 1, 1)) in existing:
                    continue
                drift = Decimal(100 + rng.randint(-8, 8)) / 100
                rates.append({"id": rate_id, "currency": currency, "rate": (base * drift).quantize(Decimal("1e-6")),
                              "valid_from": date(year, 1, 1), "source": self.source,
                              "created_at": _at(date(year, 1, 1), rng), "updated_at": _at(date(year, 1, 1), rng)})
                rate_id += 1
        self.write(ExchangeRate.__table__, rates)

    # ------------------------------------------------------------------ findings
    def findings(self) -> None:
        rng = self.rng
        ids = _next_ids(LegislativeFinding.__table__, FindingStatusChange.__table__)
        taken = set(db.session.execute(sa.select(LegislativeFinding.state_id, LegislativeFinding.issue_id)).all())
        pairs = [(s.id, issue) for s in self.countries for issue in self.issues if (s.id, issue) not in taken]
        wanted = min(len(pairs), max(1, self.n["requests"] // 20))
        order = [s.value for s in FindingStatus]
        rows, history = [], []
        history_id = ids["finding_status_changes"]
        for i, (state_id, issue_id) in enumerate(sorted(rng.sample(pairs, wanted))):
            finding_id = ids["legislative_findings"] + i
            raised = self.served.get(state_id)
            status = order[rng.randrange(len(order))]
            day = self.day(SYNTHETIC_START, SYNTHETIC_TODAY - timedelta(days=800))
            for step in order[:order.index(status) + 1]:
                history.append({"id": history_id, "finding_id": finding_id, "status": step, "status_date": day,
                                "actor_id": None, "recorded_at": _at(day, rng), "note": None})
                history_id += 1
                day += timedelta(days=rng.randint(30, 200))
            rows.append({"id": finding_id, "state_id": state_id, "issue_id": issue_id,
                         "activity_id": rng.choice(raised) if raised else None, "status": status, "note": None,
                         "created_at": _at(SYNTHETIC_START, rng), "updated_at": _at(SYNTHETIC_START, rng)})
        self.write(LegislativeFinding.__table__, rows)
        self.write(FindingStatusChange.__table__, history)
        self.tick(2000)

    # ------------------------------------------------------------------ treaty history
    def treaties(self) -> None:
        """Complete every State's history after the last depositary table: the States that had not deposited
        accede, the Convention first, each Protocol on or after the Convention (UNTOC art. 37(2)); no signature
        (the signature period closed in 2002). `record_complete_to` moves to the last synthetic day."""
        rng = self.rng
        deposits = {(r.state_id, r.instrument_id): r.action_date for r in db.session.execute(
            sa.select(TreatyAction.state_id, TreatyAction.instrument_id, TreatyAction.action_date)
            .where(TreatyAction.category == "deposit"))}
        rows, action_id = [], _next_ids(TreatyAction.__table__)["treaty_actions"]
        complete = max((i.record_complete_to for i in self.instruments if i.record_complete_to),
                       default=date(2014, 7, 1))
        for state in self.states:
            for instrument in self.instruments:  # the Convention comes first (lowest id)
                if (state.id, instrument.id) in deposits or rng.random() < 0.25:
                    continue
                earliest = (instrument.record_complete_to or complete) + timedelta(days=1)
                if instrument.supplements_id:
                    convention = deposits.get((state.id, instrument.supplements_id))
                    if convention is None:
                        continue
                    earliest = max(earliest, convention)
                if earliest >= SYNTHETIC_TODAY:
                    continue
                day = self.day(earliest, SYNTHETIC_TODAY)
                deposits[(state.id, instrument.id)] = day
                rows.append({"id": action_id, "state_id": state.id, "instrument_id": instrument.id,
                             "kind": "accession", "category": "deposit", "action_date": day, "source": self.source,
                             "note": None, "created_at": _at(day, rng), "updated_at": _at(day, rng)})
                action_id += 1
        self.write(TreatyAction.__table__, rows)
        db.session.execute(sa.update(Instrument).values(record_complete_to=SYNTHETIC_TODAY))
        bump(db.session.connection())  # Core writes: the figures cached for the old record are stale
        self.tick(2000)

    def move_sequences(self) -> None:
        """PostgreSQL: explicit ids do not advance a serial's sequence; move each past the largest id."""
        if db.session.get_bind().dialect.name != "postgresql":
            return
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key:
                db.session.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


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
    generator.findings()
    generator.treaties()
    from app.seed.synthetic_work import generate_work  # the work loop (issue 27): it reads what was written above
    generate_work(generator)
    generator.move_sequences()
    return dict(generator.counts)
