"""Forms with pickers render only the records chosen: the same statements at two sizes of the record, and a name
typed without JavaScript is looked up in the caller's scope."""
import sqlalchemy as sa

from app.seed.synthetic import generate
from models import Activity, LegislativeFinding, db
from tests import factories
from tests.helpers import count_queries, field_errors


def _statements(client, path: str) -> tuple[int, int]:
    """(statements, bytes) of a second visit (the first may fill what the process keeps)."""
    db.session.commit()
    db.session.expunge_all()
    client.get(path)
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements), len(response.get_data())


def test_the_activity_and_finding_forms_cost_the_same_at_two_sizes(client, login_as):
    login_as("officer")
    generate(20, 3)
    db.session.flush()
    activity = db.session.scalar(sa.select(Activity).where(Activity.deployments.any()).order_by(Activity.id))
    pages = [f"/activities/{activity.id}/edit", "/activities/new", "/findings/new"]
    small = [_statements(client, p) for p in pages]
    generate(80, 4)
    db.session.flush()
    large = [_statements(client, p) for p in pages]
    assert [n for n, _size in small] == [n for n, _size in large], (small, large)
    assert all(abs(a[1] - b[1]) < 200 for a, b in zip(small, large, strict=True)), (small, large)


def test_a_name_typed_without_script_is_looked_up_and_a_bad_one_refused(client, login_as):
    login_as("officer")
    issue = factories.issue()
    db.session.commit()
    from tests.conftest import csrf_token
    token = csrf_token(client, "/findings/new")
    response = client.post("/findings/new", data={"csrf_token": token, "state": ["", "Yugoslavia"],
                                                  "issue": str(issue.id), "activity": "", "status": "identified"})
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    saved = db.session.scalar(sa.select(LegislativeFinding).order_by(LegislativeFinding.id.desc()))
    assert saved.state.code == "SRB"
    response = client.post("/findings/new", data={"csrf_token": token, "state": "a", "issue": str(issue.id),
                                                  "status": "identified"})
    assert response.status_code == 422 and "matches several" in response.get_data(as_text=True)
