"""Requests: the reference record of para. 19, the queue's order and buckets, and every write's rules."""
import csv
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.listing import Paging
from app.scoping import EVERYTHING
from app.seed.reference import DATA, load_reference
from app.services.core.errors import Refused
from app.services.requests import queue as queue_service
from app.services.requests import request_reads, request_writes
from models import AssistanceRequest, AuditEntry, RequestStatusChange, db
from models.enums import AgeBucket
from tests import factories

TODAY = date(2026, 11, 23)
ANNEX_DAY = date(2003, 7, 2)


def reference_requests() -> list[AssistanceRequest]:
    return list(db.session.scalars(sa.select(AssistanceRequest).where(AssistanceRequest.reference_key.is_not(None))
                                   .order_by(AssistanceRequest.id)))


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (AssistanceRequest, RequestStatusChange, AuditEntry))


# ------------------------------------------------------------------ the reference record (para. 19)
def test_no_reference_request_asks_to_ratify_what_the_annex_shows_ratified(session):
    with open(DATA / "annex_ratifications.csv", newline="", encoding="utf-8") as fh:
        party = {(row["code"], row["instrument"]) for row in csv.DictReader(fh)
                 if date.fromisoformat(row["date"]) <= ANNEX_DAY}
    rows = reference_requests()
    assert len(rows) == 15 and all(r.status == "pending" for r in rows)
    for r in rows:
        assert r.kind == "pre_ratification_advice" and r.is_subject_inferred, r.state.code
        asked = {i.code for i in r.instruments}
        assert asked and not {(r.state.code, c) for c in asked} & party, (r.state.code, asked)
    narrowed = {r.state.code: [i.code for i in r.instruments] for r in rows if len(r.instruments) < 4}
    assert narrowed == {"BIH": ["FIREARMS"], "HRV": ["FIREARMS"], "ECU": ["FIREARMS"], "GMB": ["FIREARMS"],
                        "NAM": ["FIREARMS"], "VEN": ["SOM", "FIREARMS"]}
    bih = next(r for r in rows if r.state.code == "BIH")
    assert bih.subject == "Assistance towards ratification of the Firearms Protocol"


def test_a_reference_request_people_have_changed_is_theirs(session):
    manager = factories.user("manager")
    bolivia = next(r for r in reference_requests() if r.state.code == "BOL")
    request_writes.move(bolivia, "approve", manager, "Bolivia asked again in writing", bolivia.version)
    session.flush()
    counted = load_reference()
    session.refresh(bolivia)
    assert bolivia.status == "approved" and bolivia.version == 2
    assert counted["assistance_requests"][1] == 0  # none updated


# ------------------------------------------------------------------ the queue
def _aged(days_ago, **kw):
    return factories.request(received=None if days_ago is None else TODAY - timedelta(days=days_ago), **kw)


def test_buckets_are_counted_in_sql_at_their_edges(session):
    before = queue_service.figures(EVERYTHING, queue_service.QueueFilters(), TODAY)
    assert before.buckets[AgeBucket.UNDATED] >= 15  # the reference requests have no date received
    for days in (0, 30, 31, 90, 91, 400, None):
        _aged(days)
    _aged(10, status="approved")  # decided: not in the queue
    _aged(5, due_date=TODAY - timedelta(days=1))  # overdue
    after = queue_service.figures(EVERYTHING, queue_service.QueueFilters(), TODAY)
    added = {b: after.buckets[b] - before.buckets[b] for b in AgeBucket}
    assert added == {AgeBucket.RECENT: 3, AgeBucket.MONTHS: 2, AgeBucket.OLD: 2, AgeBucket.UNDATED: 1}
    assert after.overdue - before.overdue == 1 and after.total - before.total == 8
    assert after.as_json()["buckets"][0] == {"key": "0-30", "label": "0–30 days",
                                             "count": after.buckets[AgeBucket.RECENT]}


def test_the_queue_is_ordered_by_priority_then_age_undated_last(session):
    made = [_aged(5, priority="low", subject="q-low"), _aged(100, priority="normal", subject="q-normal-old"),
            _aged(None, priority="urgent", subject="q-urgent-undated"),
            _aged(3, priority="urgent", subject="q-urgent-new"), _aged(40, priority="urgent", subject="q-urgent-old"),
            _aged(1, priority="high", subject="q-high")]
    page = queue_service.list_page(EVERYTHING, queue_service.QueueFilters(q="q-"), Paging(per_page=50), TODAY)
    assert [r.subject for r in page.items] == ["q-urgent-old", "q-urgent-new", "q-urgent-undated", "q-high",
                                               "q-normal-old", "q-low"]
    assert {r.id for r in page.items} == {r.id for r in made}


@pytest.mark.parametrize("filters, expected", [
    ({"age": "31-90"}, {"b"}), ({"overdue": True}, {"c"}), ({"kind": "training"}, {"a"}),
    ({"instrument": "FIREARMS"}, {"b"}), ({"regional_group": "Asia-Pacific"}, {"c"}), ({"q": "zz-b"}, {"b"}),
    ({"status": "under_review"}, {"c"}), ({"status": "approved"}, set()), ({"assigned_officer": "none"}, {"a", "b"}),
])
def test_queue_filters(session, filters, expected):
    officer = factories.user("officer")
    made = {"a": _aged(2, kind="training", subject="zz-a"),
            "b": _aged(60, instruments=["FIREARMS"], subject="zz-b"),
            "c": factories.request("THA", status="under_review", received=TODAY - timedelta(days=2),
                                   due_date=TODAY - timedelta(days=1), subject="zz-c", assigned_officer=officer)}
    page = queue_service.list_page(EVERYTHING, queue_service.QueueFilters(**filters), Paging(per_page=500), TODAY)
    assert {k for k, r in made.items() if r in page.items} == expected


# ------------------------------------------------------------------ writes
def _values(**kw):
    return dict({"state": "BOL", "instruments": ["UNTOC", "TIP"], "kind": "legislative_review",
                 "received_date": date(2026, 11, 1), "channel": "note_verbale", "requesting_authority": None,
                 "subject": "Review of the draft organized crime bill", "description": None, "priority": "high",
                 "due_date": date(2026, 12, 31)}, **kw)


def test_create_logs_a_pending_request_with_its_history(session):
    officer = factories.user("officer")
    request = request_writes.create(EVERYTHING, _values(), officer, TODAY)
    assert (request.status, request.logged_by, request.version, request.priority_rank) == ("pending", officer, 1, 1)
    assert [i.code for i in request.instruments] == ["UNTOC", "TIP"]
    assert request.status_changes[0].actor_id == officer.id
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(record_type="AssistanceRequest", record_id=request.id))
    assert entry.action == "create" and entry.after["instruments"] == ["UNTOC", "TIP"]


@pytest.mark.parametrize("values, field, message", [
    ({"state": "ZZZ"}, "state", "Unknown State"),
    ({"instruments": []}, "instruments", "at least one instrument"),
    ({"instruments": ["NOPE"]}, "instruments", "Unknown instrument"),
    ({"received_date": TODAY + timedelta(days=1)}, "received_date", "in the future"),
    ({"due_date": date(2026, 10, 1)}, "due_date", "before the date received"),
    ({"subject": "   "}, "subject", "Give the subject"),
    ({"subject": "x" * 256}, "subject", "At most 255"),
    ({"kind": "advice"}, "kind", "Choose one of"),
    ({"state": "BIH", "kind": "pre_ratification_advice", "received_date": date(2003, 6, 1), "due_date": None,
      "instruments": ["UNTOC", "FIREARMS"]}, "instruments", "already a party on 1 June 2003 (UNTOC since 24 April"),
])
def test_create_refuses_and_saves_nothing(session, values, field, message):
    officer = factories.user("officer")
    before = counts()
    with pytest.raises(Refused) as refused:
        request_writes.create(EVERYTHING, _values(**values), officer, TODAY)
    assert message in refused.value.errors[field]
    session.rollback()
    assert counts() == before


def test_pre_ratification_advice_on_an_instrument_not_yet_ratified_is_accepted(session):
    # Iran signed the Convention in 2000 and had not ratified it by the shipped 2014 tables.
    request = request_writes.create(EVERYTHING, _values(state="IRN", kind="pre_ratification_advice",
                                                         instruments=["UNTOC"]), factories.user(), TODAY)
    assert request.id is not None


def test_a_move_on_a_request_that_changed_since_is_refused(session):
    manager = factories.user("manager")
    request = factories.request()
    shown = request.version
    request_writes.move(request, "review", manager, None, shown)
    before = counts()
    with pytest.raises(Refused, match="changed since this page was loaded: it is now under review"):
        request_writes.move(request, "approve", manager, "Yes", shown)
    assert counts() == before and request.status == "under_review"


@pytest.mark.parametrize("start, name, role, message", [
    ("completed", "approve", "manager", "cannot be moved to approved"),
    ("pending", "complete", "manager", "cannot be moved to completed"),
    ("pending", "approve", "officer", "a manager's decision"),
    ("pending", "approve", "manager", "needs a reason"),
    ("pending", "explode", "manager", "no move called"),
])
def test_moves_the_workflow_refuses(session, start, name, role, message):
    request = factories.request(status=start)
    with pytest.raises(Refused, match=message):
        request_writes.move(request, name, factories.user(role), "", request.version)
    assert request.status == start and request.version == 1


def test_moves_offered_are_the_legal_ones_the_user_may_take(session):
    pending = factories.request()
    names = [m.name for m in request_writes.moves_for(pending, factories.user("manager"))]
    assert names == ["review", "approve", "decline", "withdraw"]
    assert [m.name for m in request_writes.moves_for(pending, factories.user("officer"))] == ["withdraw"]
    assert request_writes.moves_for(factories.request(status="withdrawn"), factories.user("manager")) == []


def test_bulk_assignment_is_all_or_nothing(session):
    officer = factories.user("officer")
    a, b = factories.request(), factories.request()
    with pytest.raises(Refused, match="#999999 does not exist"):
        request_writes.assign_many(EVERYTHING, [(a.id, 1), (999999, 1)], officer.id)
    assert a.assigned_officer_id is None
    request_writes.move(b, "review", factories.user("manager"), None, 1)
    with pytest.raises(Refused, match=f"#{b.id} has changed since the queue was loaded"):
        request_writes.assign_many(EVERYTHING, [(a.id, 1), (b.id, 1)], officer.id)
    assert a.assigned_officer_id is None and a.version == 1
    with pytest.raises(Refused, match="active officer or manager"):
        request_writes.assign_many(EVERYTHING, [(a.id, 1)], factories.user("donor").id)
    assert request_writes.assign_many(EVERYTHING, [(a.id, 1), (b.id, 2)], officer.id) == 2
    assert (a.assigned_officer, b.assigned_officer, a.version, b.version) == (officer, officer, 2, 3)


def test_my_requests_and_their_counts(session):
    officer = factories.user("officer")
    mine = [factories.request(assigned_officer=officer, due_date=date.today() - timedelta(days=1),
                              received=date.today() - timedelta(days=9)),
            factories.request(assigned_officer=officer, status="approved"),
            factories.request(assigned_officer=officer, status="completed"),
            factories.request(logged_by=officer)]
    found = request_reads.mine(EVERYTHING, officer)
    assert found.assigned == mine[:2] and found.overdue == mine[:1] and found.logged == [mine[3]]
    assert request_reads.my_counts(EVERYTHING, officer) == {"assigned": 2, "overdue": 1, "logged": 1}


# ------------------------------------------------------------------ conventions and indexes
def test_the_queue_form_and_service_name_the_same_sorts_and_filters(app):
    from forms.requests import QueueFilterForm
    assert set(QueueFilterForm.SORTS) == set(queue_service.SORTS)
    assert QueueFilterForm.DEFAULT_SORT in queue_service.SORTS
    with app.test_request_context():
        # received_by is the dashboard's "queue as at a day", not a filter of the page
        assert set(QueueFilterForm(formdata=None).filter_values()) == \
            set(queue_service.QueueFilters.__dataclass_fields__) - {"received_by"}


def test_every_filter_and_ordering_of_the_queue_and_the_list_has_an_index():
    table = AssistanceRequest.__table__
    leading = {tuple(c.name for c in index.columns)[0] for index in table.indexes}
    assert {"state_id", "status", "priority", "priority_rank", "received_date", "due_date", "assigned_officer_id",
            "logged_by_id"} <= leading
    queue_index = next(i for i in table.indexes if i.name == "ix_assistance_requests_queue")
    assert [c.name for c in queue_index.columns] == ["status", "priority_rank", "received_date"]
