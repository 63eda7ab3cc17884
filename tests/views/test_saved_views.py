"""Saved views (issue 29): a list's filters and sort kept under a name, for oneself or shared with the team;
opened by a colleague, a view applies only what that colleague may see; a donor's views are its own."""
import html

import sqlalchemy as sa

from models import AuditEntry, SavedView
from tests import factories
from tests.conftest import PASSWORD, csrf_token, login


def _save(client, list_name, query, name="Urgent in Africa", shared=False, token=None):
    data = {"csrf_token": token or csrf_token(client, "/views"), "view-list_name": list_name, "view-query": query,
            "view-name": name}
    if shared:
        data["view-is_shared"] = "y"
    return client.post("/views", data=data)


def _view(session, name) -> SavedView:
    session.expire_all()
    return session.scalars(sa.select(SavedView).where(SavedView.name == name)).one()


def test_save_open_and_delete_a_view_with_its_audit_entries(client, login_as, session):
    manager = login_as("manager")
    page = client.get("/queue?priority=urgent&regional_group=African&sort=-due_date&page=3")
    body = page.get_data(as_text=True)
    assert 'name="view-query" type="hidden" value="priority=urgent&amp;regional_group=African' in body
    response = _save(client, "queue", "regional_group=African&sort=-due_date&page=3")
    kept = "/queue?regional_group=African&sort=-due_date"
    assert response.status_code == 302 and response.headers["Location"] == kept
    view = _view(session, "Urgent in Africa")
    assert (view.owner_id, view.list_name, view.is_shared) == (manager.id, "queue", False)
    assert view.query == "regional_group=African&sort=-due_date"
    opened = client.get(f"/views/{view.id}")
    assert opened.status_code == 302 and opened.headers["Location"] == kept
    assert f'data-view="{view.id}"' in client.get("/views").get_data(as_text=True)
    # Saving again under the same name refines the view; it is not duplicated.
    _save(client, "queue", "overdue=y", shared=True)
    view = _view(session, "Urgent in Africa")
    assert (view.query, view.is_shared) == ("overdue=y", True)
    token = csrf_token(client, "/views")
    assert client.post(f"/views/{view.id}/delete", data={"csrf_token": token, "next": "/queue"}).status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(SavedView)) == 0
    actions = list(session.scalars(sa.select(AuditEntry.action).where(AuditEntry.record_type == "SavedView",
                                                                     AuditEntry.record_id == view.id)
                                   .order_by(AuditEntry.id)))
    assert actions == ["create", "update", "delete"]


def test_the_dashboard_opens_the_views_and_its_counts_are_links(client, login_as, session):
    login_as("manager")
    _save(client, "actions", "overdue=y", name="Late actions")
    view = _view(session, "Late actions")
    page = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/views/{view.id}" data-view="{view.id}">Late actions</a>' in page
    work = page[:page.index('id="progress-title"')]  # the work comes before the entry-into-force charts
    for link in ('id="queue-total" href="/queue"', 'id="queue-overdue" href="/queue?overdue=y"',
                 'id="reports-awaiting"', 'id="overdue-actions"', 'id="quarter-activities" href="/activities/?'):
        assert link in work, link


def test_bad_views_are_refused_with_a_message_and_nothing_kept(client, login_as, session):
    login_as("manager")
    token = csrf_token(client, "/views")
    for list_name, query, name, message in [
            ("queue", "evil=1", "x", "This list takes no parameter 'evil'"),
            ("nowhere", "", "x", "Not a list that keeps views"),
            ("queue", "", "", "Give the view a name"),
            ("queue", "", "<b>x</b>", "Write plain text")]:
        response = _save(client, list_name, query, name=name, token=token)
        assert response.status_code == 422 and message in html.unescape(response.get_data(as_text=True)), message
    no_csrf = client.post("/views", data={"view-list_name": "queue", "view-name": "x"})
    assert no_csrf.status_code in (400, 422)
    assert session.scalar(sa.select(sa.func.count()).select_from(SavedView)) == 0


def _signed_in(app, user):
    """A second browser, signed in as `user` (the first stays signed in as the view's owner)."""
    other = app.test_client()
    assert login(other, user, PASSWORD).status_code == 302
    return other


def test_a_shared_view_reaches_the_team_and_only_what_each_may_open(app, client, login_as, make_user, session):
    login_as("manager")
    _save(client, "requests", "status=pending", name="Pending, shared", shared=True)
    _save(client, "requests", "status=approved", name="Approved, mine")
    _save(client, "queue", "overdue=y", name="Overdue queue", shared=True)
    shared, private, queue = (_view(session, n) for n in ("Pending, shared", "Approved, mine", "Overdue queue"))
    client = _signed_in(app, make_user("officer"))
    page = client.get("/requests/").get_data(as_text=True)
    assert f'data-view="{shared.id}"' in page and f'data-view="{private.id}"' not in page
    assert client.get(f"/views/{shared.id}").status_code == 302
    assert client.get(f"/views/{private.id}").status_code == 404
    assert client.get(f"/views/{queue.id}").status_code == 404        # the queue is not an officer's list
    token = csrf_token(client, "/views")
    assert client.post(f"/views/{shared.id}/delete", data={"csrf_token": token}).status_code == 403
    assert _view(session, "Pending, shared") is not None


def test_a_donor_s_views_are_its_own_and_open_in_its_scope(app, client, login_as, make_user, session):
    donor_org, other_org = factories.organization(name="Donor A"), factories.organization(name="Donor B")
    mine = factories.contribution(donor_org)
    theirs = factories.contribution(other_org)
    session.commit()
    login_as("manager")
    _save(client, "contributions", "sort=-amount", name="Staff contributions", shared=True)
    staff_view = _view(session, "Staff contributions")
    client = _signed_in(app, make_user("donor", donor=donor_org))
    assert client.get(f"/views/{staff_view.id}").status_code == 404    # staff views never reach a donor
    _save(client, "contributions", "sort=-amount", name="Ours", shared=True)
    view = _view(session, "Ours")
    target = client.get(f"/views/{view.id}").headers["Location"]
    page = client.get(target).get_data(as_text=True)
    assert f"/contributions/{mine.id}" in page and f"/contributions/{theirs.id}" not in page
    assert _save(client, "requests", "", name="Requests").status_code == 422   # not a donor's list
    colleague = _signed_in(app, make_user("donor", donor=donor_org))
    assert colleague.get(f"/views/{view.id}").status_code == 302       # shared within the same donor
    stranger = _signed_in(app, make_user("donor", donor=other_org))
    assert stranger.get(f"/views/{view.id}").status_code == 404        # never another donor's
    staff = _signed_in(app, make_user("officer"))
    assert staff.get(f"/views/{view.id}").status_code == 404           # nor staff
