"""Database constraints back up the form rules: the database refuses what the forms refuse."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import (
    Activity,
    ActivityVisit,
    Allocation,
    Contribution,
    Instrument,
    MemberState,
    Organization,
    TreatyAction,
    User,
    db,
)
from models.assistance_request import AssistanceRequest, IllegalTransition


def refused(*objects):
    """True when flushing `objects` violates a constraint (the session is left usable)."""
    savepoint = db.session.begin_nested()
    db.session.add_all(objects)
    try:
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return True
    savepoint.rollback()
    return False


def get(model, **by):
    return db.session.scalar(sa.select(model).filter_by(**by))


def test_visit_cannot_end_before_it_starts(session):
    activity = Activity(kind="mission", title="Test", status="completed")
    ok = ActivityVisit(activity=activity, country=get(MemberState, code="ROU"), start_date=date(2002, 1, 8),
                       end_date=date(2002, 1, 8))
    assert not refused(activity, ok)
    activity = Activity(kind="mission", title="Test", status="completed")
    bad = ActivityVisit(activity=activity, country=get(MemberState, code="ROU"), start_date=date(2002, 1, 8),
                        end_date=date(2002, 1, 7))
    assert refused(activity, bad)


def test_contribution_amount_not_negative_and_has_a_currency(session):
    donor = get(Organization, reference_key="canada")
    assert not refused(Contribution(donor_id=donor.id, amount=Decimal("0.00"), currency="USD", status="pledged"))
    assert refused(Contribution(donor_id=donor.id, amount=Decimal("-1.00"), currency="USD", status="pledged"))
    assert refused(Contribution(donor_id=donor.id, amount=Decimal("10.00"), currency=None, status="pledged"))
    assert refused(Contribution(donor_id=donor.id, amount=None, currency="USD", status="promised"))


def test_allocation_amount_not_negative(session):
    contribution = get(Contribution, reference_key="canada-pre-ratification")
    activity = Activity(kind="mission", title="Test", status="planned")
    assert refused(activity, Allocation(contribution_id=contribution.id, activity=activity, amount=Decimal("-5")))


def test_one_deposit_per_participant_and_instrument(session):
    state, untoc = get(MemberState, code="ARM"), get(Instrument, code="UNTOC")
    assert refused(TreatyAction(state=state, instrument=untoc, kind="accession", action_date=date(2004, 1, 1),
                                source="test"))


def test_action_kind_must_match_its_category(session):
    state, untoc = get(MemberState, code="CHE"), get(Instrument, code="UNTOC")
    assert refused(TreatyAction(state=state, instrument=untoc, kind="ratification", category="signature",
                                action_date=date(2004, 1, 1), source="test"))


def test_participant_codes_are_unique(session):
    assert refused(MemberState(code="ARM", name="Another Armenia", kind="state"))


def test_donor_account_needs_a_donor(session):
    user = User(email="d@example.test", name="D", role="donor", password_hash="x")
    assert refused(user)


def test_request_status_changes_are_guarded(session):
    request = get(AssistanceRequest, status="pending")
    with pytest.raises(IllegalTransition, match="needs a reason"):
        request.change_status("approved", actor=None)
    with pytest.raises(IllegalTransition, match="cannot become completed"):
        request.change_status("completed", actor=None)
    change = request.change_status("approved", actor=None, reason="Signatory with a draft law ready")
    assert (change.from_status, change.to_status, request.decision) == ("pending", "approved", "approved")
    assert request.status_changes[-1] is change
