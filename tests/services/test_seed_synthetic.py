"""`flask seed synthetic`: the same seed gives the same data, in proportion, consistent with the record's rules."""
from collections import Counter
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.seed.synthetic import SYNTHETIC_TODAY, generate, sizes
from app.services.core.errors import Refused
from models import (
    Activity,
    ActivityVisit,
    Allocation,
    AssistanceRequest,
    Contribution,
    Instrument,
    RequestStatusChange,
    TreatyAction,
    db,
)


def _snapshot() -> list:
    """The synthetic rows that matter, without ids (two runs in one database get different ids)."""
    requests = db.session.execute(sa.select(
        AssistanceRequest.state_id, AssistanceRequest.kind, AssistanceRequest.received_date,
        AssistanceRequest.status, AssistanceRequest.priority, AssistanceRequest.subject)
        .where(AssistanceRequest.source.like("synthetic%")).order_by(AssistanceRequest.id)).all()
    activities = db.session.execute(sa.select(Activity.kind, Activity.status, Activity.title)
                                    .where(Activity.source.like("synthetic%")).order_by(Activity.id)).all()
    money = db.session.execute(sa.select(Contribution.amount, Contribution.currency, Contribution.status,
                                         Contribution.pledged_date)
                               .where(Contribution.source.like("synthetic%")).order_by(Contribution.id)).all()
    return [list(map(tuple, requests)), list(map(tuple, activities)), list(map(tuple, money))]


def test_the_same_seed_gives_the_same_data(app):
    counts = generate(400, seed=5)
    first = _snapshot()
    db.session.rollback()
    assert _snapshot() == [[], [], []]
    assert generate(400, seed=5) == counts
    assert _snapshot() == first
    db.session.rollback()
    generate(400, seed=6)
    assert _snapshot() != first


def test_proportions_follow_the_number_of_requests(app):
    counts = generate(800, seed=3)
    n = sizes(800)
    assert counts["assistance_requests"] == 800
    assert counts["activities"] == n["activities"] == 200
    assert counts["experts"] == n["experts"] == 20
    assert counts["contributions"] == n["contributions"] == 80
    assert counts["activity_visits"] > 0 and counts["allocations"] > 0 and counts["legislative_findings"] > 0
    assert sizes(200_000) == {"requests": 200_000, "activities": 50_000, "experts": 5_000, "donors": 50,
                                   "contributions": 20_000, "officers": 40}


def test_a_second_run_with_the_same_seed_is_refused(app):
    generate(100, seed=9)
    with pytest.raises(Refused, match="seed 9 is already loaded"):
        generate(100, seed=9)


def test_the_data_keeps_the_rules(app):
    generate(800, seed=4)
    # A request's status is the last step of its history, received on or before the synthetic day.
    last = dict(db.session.execute(
        sa.select(RequestStatusChange.request_id, RequestStatusChange.to_status)
        .order_by(RequestStatusChange.request_id, RequestStatusChange.id)).all())
    for request_id, status, received in db.session.execute(sa.select(
            AssistanceRequest.id, AssistanceRequest.status, AssistanceRequest.received_date)
            .where(AssistanceRequest.source.like("synthetic%"))):
        assert last[request_id] == status
        assert received <= SYNTHETIC_TODAY
    # Money: allocations only from committed or received money, within its amount and its earmark period.
    allocated = Counter()
    for allocation, contribution in db.session.execute(
            sa.select(Allocation, Contribution).join(Contribution)
            .where(Contribution.source.like("synthetic%"))).all():
        assert contribution.status in ("committed", "received")
        allocated[contribution.id] += allocation.amount
        for visit in db.session.scalars(sa.select(ActivityVisit).filter_by(activity_id=allocation.activity_id)):
            assert contribution.period_start <= visit.start_date and visit.end_date <= contribution.period_end
    for contribution_id, total in allocated.items():
        assert total <= db.session.get(Contribution, contribution_id).amount * Decimal("0.81")
    # Treaties: no synthetic signature (the period closed in 2002); a Protocol only on or after the Convention.
    untoc = db.session.scalar(sa.select(Instrument.id).filter_by(code="UNTOC"))
    convention = dict(db.session.execute(sa.select(TreatyAction.state_id, TreatyAction.action_date).where(
        TreatyAction.instrument_id == untoc, TreatyAction.category == "deposit")).all())
    added = db.session.scalars(sa.select(TreatyAction).where(TreatyAction.source.like("synthetic%"))).all()
    assert added and all(a.kind == "accession" for a in added)
    for action in added:
        if action.instrument_id != untoc:
            assert convention[action.state_id] <= action.action_date


def test_each_activity_stores_its_first_visit_date(app):
    """The activity list orders by the stored first visit date: the seeder writes it with the visits."""
    generate(300, seed=5)
    first = sa.select(sa.func.min(ActivityVisit.start_date)).where(
        ActivityVisit.activity_id == Activity.id).correlate(Activity).scalar_subquery()
    rows = db.session.execute(sa.select(Activity.first_visit_date, first)).all()
    assert rows and all(stored == computed for stored, computed in rows)
    assert any(stored is None for stored, _ in rows)  # written analyses: no travel

