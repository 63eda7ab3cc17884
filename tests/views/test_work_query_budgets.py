"""Query budgets of the work loop's pages (issue 27): the report page, "my actions" and the actions list send the
same number of SQL statements whatever the size of the record — counted at two sizes of synthetic data, as
tests/test_query_budgets.py counts the other key pages."""
import pytest
import sqlalchemy as sa

from models import ActivityReport, Comment, FollowUpAction, db
from tests.test_query_budgets import LARGE, SMALL, _assert_flat, _grow, _statements


def _busiest_report() -> int:
    """The activity whose report has the most comments (an approved one: every section of the page is filled)."""
    return db.session.execute(
        sa.select(ActivityReport.activity_id).outerjoin(Comment, Comment.report_id == ActivityReport.id)
        .where(ActivityReport.status == "approved").group_by(ActivityReport.activity_id)
        .order_by(sa.func.count(Comment.id).desc(), ActivityReport.activity_id).limit(1)).scalar_one()


def _give_actions_to(user_id: int) -> None:
    """A third of every action to the signed-in account, so that "my actions" grows with the record."""
    db.session.execute(sa.update(FollowUpAction).where(FollowUpAction.id % 3 == 0).values(owner_id=user_id))


#: (name, role, path, budget): a budget is the count measured when it was set plus two.
PAGES = [
    ("report page", "manager", "/activities/{report}/report", 25),
    ("my actions", "officer", "/actions/mine", 7),
    ("actions list", "manager", "/actions/?status=pending", 7),
    ("actions list, filtered", "manager", "/actions/?overdue=y&sort=priority", 7),
]


@pytest.mark.parametrize(("name", "role", "path", "budget"), PAGES, ids=[p[0] for p in PAGES])
def test_work_pages_cost_the_same_at_any_size(client, login_as, name, role, path, budget):
    _grow(SMALL, seed=11)
    user_id = login_as(role).id
    _give_actions_to(user_id)
    path = path.format(report=_busiest_report())
    small = _statements(client.get, path)
    _grow(LARGE, seed=12)
    _give_actions_to(user_id)
    large = _statements(client.get, path)
    _assert_flat(name, small, large, budget)
    assert len(large) <= len(small) + 1
    response = client.get(path)
    assert "No action matches" not in response.get_data(as_text=True)  # the page listed rows at both sizes
