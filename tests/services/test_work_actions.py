"""Follow-up actions: raised with an owner, a due date not before today, a State (named or taken from the record it
is raised from); moved open → in progress → done or cancelled (with a note), reopened with a note; overdue marked;
the lists' filters and the dashboard's counts."""
from datetime import date, timedelta

import pytest

from app import scoping
from app.listing import Paging
from app.services.core.errors import Refused
from app.services.work import action_reads, action_writes
from tests import factories

TODAY = date.today()


def _data(owner, **kw):
    return action_writes.ActionData(**{"description": "Send the legislative guide", "owner_id": owner.id,
                                       "due_date": TODAY + timedelta(days=10), "state": "ROU", **kw})


def test_an_action_is_raised_with_its_first_step(session):
    officer = factories.user("officer")
    action = action_writes.create(scoping.EVERYTHING, _data(officer, instruments=("UNTOC", "TIP"), priority="high"),
                                  officer, TODAY)
    assert action.status == "open" and action.state.code == "ROU" and action.priority_rank == 1
    assert [i.code for i in action.instruments] == ["UNTOC", "TIP"]
    assert [(h.from_status, h.to_status) for h in action.history] == [(None, "open")]


@pytest.mark.parametrize("change, field", [
    ({"due_date": TODAY - timedelta(days=1)}, "due_date"), ({"description": "  "}, "description"),
    ({"description": "<script>x</script>"}, "description"), ({"state": "XXX"}, "state"), ({"state": "open"}, "state"),
    ({"state": None}, "state"), ({"instruments": ("NOPE",)}, "instruments"), ({"request_id": 99999999}, "request"),
    ({"status": "done"}, "status")])
def test_a_bad_action_is_refused_beside_its_field(session, change, field):
    officer = factories.user("officer")
    with pytest.raises(Refused) as refused:
        action_writes.create(scoping.EVERYTHING, _data(officer, **change), officer, TODAY)
    assert field in refused.value.errors


def test_the_owner_is_active_staff(session):
    officer, donor = factories.user("officer"), factories.user("donor")
    with pytest.raises(Refused) as refused:
        action_writes.create(scoping.EVERYTHING, _data(donor), officer, TODAY)
    assert "owner" in refused.value.errors


def test_the_state_comes_from_the_request_it_is_raised_from(session):
    officer = factories.user("officer")
    request = factories.request("CHL")
    action = action_writes.create(scoping.EVERYTHING, _data(officer, state=None, request_id=request.id), officer,
                                  TODAY)
    assert action.state.code == "CHL" and action.request_id == request.id


def test_moves_need_notes_where_they_say_why_and_overdue_is_marked(session):
    officer = factories.user("officer")
    action = action_writes.create(scoping.EVERYTHING, _data(officer), officer, TODAY)
    base = {"description": action.description, "owner_id": officer.id, "state": "ROU"}
    action_writes.update(scoping.EVERYTHING, action, action_writes.ActionData(
        **base, due_date=TODAY - timedelta(days=3), status="in_progress"), officer, action.version, TODAY)
    assert action.status == "in_progress" and action.is_overdue(TODAY)  # an existing action keeps its real due day
    with pytest.raises(Refused) as refused:
        action_writes.update(scoping.EVERYTHING, action, action_writes.ActionData(
            **base, due_date=action.due_date, status="cancelled"), officer, action.version, TODAY)
    assert "note" in refused.value.errors
    action_writes.update(scoping.EVERYTHING, action, action_writes.ActionData(
        **base, due_date=action.due_date, status="done", note="Guide delivered."), officer, action.version, TODAY)
    assert action.status == "done" and action.closed_at == TODAY and not action.is_overdue(TODAY)
    assert [h.to_status for h in action.history] == ["open", "in_progress", "done"]


def test_lists_filter_as_the_queue_does_and_the_dashboard_counts(session):
    officer, other = factories.user("officer"), factories.user("officer")
    mine = action_writes.create(scoping.EVERYTHING, _data(officer), officer, TODAY)
    late = action_writes.create(scoping.EVERYTHING, _data(officer, state="BOL", instruments=("TIP",)), officer,
                                TODAY)
    late.due_date = TODAY - timedelta(days=2)  # as time passing would make it
    theirs = action_writes.create(scoping.EVERYTHING, _data(other, priority="urgent"), other, TODAY)
    session.flush()
    page = action_reads.list_page(scoping.EVERYTHING, action_reads.ActionFilters(owner=officer.id), Paging(), TODAY)
    assert {a.id for a in page.items} == {mine.id, late.id}
    overdue = action_reads.list_page(scoping.EVERYTHING, action_reads.ActionFilters(overdue=True), Paging(), TODAY)
    assert late.id in {a.id for a in overdue.items} and mine.id not in {a.id for a in overdue.items}
    by_state = action_reads.list_page(scoping.EVERYTHING, action_reads.ActionFilters(state="bol", instrument="TIP"),
                                      Paging(), TODAY)
    assert [a.id for a in by_state.items] == [late.id]
    urgent_first = action_reads.list_page(scoping.EVERYTHING, action_reads.ActionFilters(owner=None, status="pending"),
                                          Paging(sort="priority"), TODAY)
    assert urgent_first.items[0].priority == "urgent" and theirs.id in {a.id for a in urgent_first.items}
    figures = action_reads.figures(scoping.EVERYTHING, officer, TODAY)
    assert (figures.mine_pending, figures.mine_overdue) == (2, 1)
    assert figures.pending >= 3 and figures.overdue >= 1
    donor = factories.user("donor")
    assert action_reads.list_page(scoping.for_user(donor), action_reads.ActionFilters(), Paging(), TODAY).total == 0
