"""The request model: the guarded workflow, the priority rank the queue orders by, optimistic locking, and the
migration that carries the earlier kinds and channels over."""
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import create_app
from models import AssistanceRequest, db
from models.assistance_request import REASON_REQUIRED, TRANSITIONS, IllegalTransition, date_problems
from models.enums import Priority, RequestStatus
from tests import factories
from tests.test_migrations import MIGRATIONS, empty_database_url  # noqa: F401  (a fixture)

S = RequestStatus


def test_every_illegal_move_is_refused_and_changes_nothing(session):
    for start in S:
        for to in S:
            if to in TRANSITIONS[start]:
                continue
            request = factories.request(status=start.value)
            with pytest.raises(IllegalTransition, match="cannot become"):
                request.change_status(to, actor=None, reason="because")
            assert request.status == start.value and len(request.status_changes) == 1


@pytest.mark.parametrize("to, start", [(S.APPROVED, S.PENDING), (S.DECLINED, S.UNDER_REVIEW),
                                       (S.WITHDRAWN, S.APPROVED), (S.PENDING, S.DECLINED)])
def test_decisions_putting_back_and_withdrawing_need_a_reason(session, to, start):
    assert to in REASON_REQUIRED
    request = factories.request(status=start.value)
    with pytest.raises(IllegalTransition, match="needs a reason"):
        request.change_status(to, actor=None, reason="   ")
    assert request.status == start.value and request.decision is None


def test_a_move_records_who_when_from_to_and_why(session):
    officer = factories.user("manager")
    request = factories.request(status="pending")
    change = request.change_status("under_review", actor=officer)  # no reason needed to start a review
    assert (change.actor_id, change.from_status, change.to_status, change.reason) == (officer.id, "pending",
                                                                                      "under_review", None)
    change = request.change_status("declined", actor=officer, reason="Outside the mandate")
    session.flush()
    assert change.changed_at is not None and request.decision == "declined"
    assert request.decision_reason == "Outside the mandate" and request.decided_at is not None


def test_the_priority_rank_follows_the_priority_and_the_database_checks_it(session):
    ranks = {}
    for priority in Priority:
        ranks[priority.value] = factories.request(priority=priority.value).priority_rank
    assert ranks == {"urgent": 0, "high": 1, "normal": 2, "low": 3}
    request = factories.request(priority="low")
    savepoint = session.begin_nested()
    with pytest.raises(IntegrityError):
        session.execute(sa.update(AssistanceRequest).where(AssistanceRequest.id == request.id)
                        .values(priority_rank=0))
    savepoint.rollback()


def test_an_update_of_a_request_changed_behind_the_session_fails(session):
    request = factories.request()
    session.commit()
    # Someone else saves version 2 in the meantime …
    session.execute(sa.update(AssistanceRequest).where(AssistanceRequest.id == request.id)
                    .values(version=2, subject="Changed elsewhere").execution_options(synchronize_session=False))
    # … and this session, still holding version 1, tries to save over it.
    request.subject = "Mine"
    request.version = 2
    with pytest.raises(StaleDataError):
        session.flush()
    session.rollback()


def test_the_date_rule_forms_and_services_share():
    today = date(2003, 7, 4)
    assert date_problems(date(2003, 7, 4), date(2003, 7, 4), today) == {}
    assert set(date_problems(date(2003, 7, 5), None, today)) == {"received_date"}
    assert set(date_problems(date(2003, 7, 1), date(2003, 6, 30), today)) == {"due_date"}


def test_the_migration_carries_earlier_kinds_and_channels_over(empty_database_url):  # noqa: F811
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0001")
        old = [("legislative_assistance", "permanent_mission", "urgent"), ("advisory_mission", "field_office", "low"),
               ("institution_building", "letter", "high"), ("training", None, "normal")]
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO member_states (id, code, name, kind, is_un_member, created_at, "
                                 "updated_at) VALUES (1, 'BOL', 'Bolivia', 'state', true, CURRENT_TIMESTAMP, "
                                 "CURRENT_TIMESTAMP)"))
            for n, (kind, channel, priority) in enumerate(old, start=1):
                conn.execute(sa.text(
                    "INSERT INTO assistance_requests (id, state_id, kind, channel, subject, priority, status, "
                    "created_at, updated_at) VALUES (:id, 1, :kind, :channel, 'S', :priority, 'pending', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"id": n, "kind": kind, "channel": channel,
                                                               "priority": priority})
        upgrade(directory=MIGRATIONS)
        query = "SELECT kind, channel, priority_rank, version, is_subject_inferred FROM assistance_requests ORDER BY id"
        with db.engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(sa.text(query))]
        assert rows == [("legislative_review", "note_verbale", 0, 1, False),
                        ("pre_ratification_advice", "email", 3, 1, False),
                        ("implementation_support", "letter", 1, 1, False), ("training", None, 2, 1, False)]
        downgrade(directory=MIGRATIONS, revision="0001")
        with db.engine.connect() as conn:
            kinds = [r[0] for r in conn.execute(sa.text("SELECT kind FROM assistance_requests ORDER BY id"))]
        assert kinds == ["legislative_review", "advisory_mission", "institution_building", "training"]
        downgrade(directory=MIGRATIONS, revision="base")
        db.engine.dispose()
