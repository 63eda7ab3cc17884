"""The notification centre: the bell's count in the header, /notifications (paginated, filtered, each a link to its
record, mark read, mark all read, nobody else's), and the API's GET /api/v1/notifications and POST …/read."""
import re

import sqlalchemy as sa

from app.services.notifications import events as notification_events
from models import Notification, db
from models.notification import NotificationKind
from tests import factories
from tests.conftest import csrf_token


def _tell(user, n=1, record=None):
    record = record or factories.request()
    made = [notification_events.notify(user, NotificationKind.REQUEST_NEW, f"New request #{record.id} number {i}",
                                       record) for i in range(n)]
    db.session.commit()
    return made


def _bell(body: str) -> int:
    return int(re.search(r'data-unread="(\d+)"', body).group(1))


def test_the_bell_counts_the_unread_and_the_list_links_each_to_its_record(client, login_as):
    user = login_as("manager")
    assert _bell(client.get("/").get_data(as_text=True)) == 0
    request = factories.request()
    (first,) = _tell(user, record=request)
    _tell(user, 2)
    assert _bell(client.get("/").get_data(as_text=True)) == 3
    body = client.get("/notifications").get_data(as_text=True)
    assert f'href="/requests/{request.id}"' in body and "New request" in body
    answer = client.post(f"/notifications/{first.id}/read",
                         data={"csrf_token": csrf_token(client, "/notifications"), "next": "/notifications?read=no"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/notifications?read=no")
    assert _bell(client.get("/").get_data(as_text=True)) == 2
    unread = client.get("/notifications?read=no").get_data(as_text=True)
    assert f'data-notification="{first.id}"' not in unread
    assert f'data-notification="{first.id}"' in client.get("/notifications?read=yes").get_data(as_text=True)
    assert client.post("/notifications/read-all", data={"csrf_token": csrf_token(client, "/notifications")}
                       ).status_code == 302
    assert _bell(client.get("/").get_data(as_text=True)) == 0


def test_the_list_pages_and_refuses_bad_filters(client, login_as):
    user = login_as("officer")
    _tell(user, 30)
    page_two = client.get("/notifications?page=2").get_data(as_text=True)
    assert page_two.count("data-notification=") == 5
    assert client.get("/notifications?read=maybe").status_code == 400
    assert client.get("/notifications?sort=nonsense").status_code == 400


def test_nobody_reads_or_marks_another_s_notifications(client, login_as, make_user):
    someone = make_user("officer")
    (theirs,) = _tell(someone)
    login_as("officer")
    assert f"#{theirs.message}" not in client.get("/notifications").get_data(as_text=True)
    answer = client.post(f"/notifications/{theirs.id}/read", data={"csrf_token": csrf_token(client, "/")})
    assert answer.status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_the_api_lists_with_kind_read_and_link_and_marks_read(client, api_as, app):
    get, user = api_as("manager")
    request = factories.request()
    (told,) = _tell(user, record=request)
    _tell(factories.user("manager"))  # another's: not listed
    body = get("/api/v1/notifications").get_json()
    assert body["total"] == 1 and body["page"] == 1 and "pages" in body
    (item,) = body["items"]
    assert item["kind"] == "request_new" and item["read"] is False
    assert item["link"] == app.config["PUBLIC_URL"].rstrip("/") + f"/requests/{request.id}"
    assert get("/api/v1/notifications?read=yes").get_json()["total"] == 0
    assert get("/api/v1/notifications?read=perhaps").status_code == 400
    from models import ApiToken
    token, raw = ApiToken.issue(user, scope="read write")
    db.session.add(token)
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    marked = client.post(f"/api/v1/notifications/{told.id}/read", headers=headers)
    assert marked.status_code == 200 and marked.get_json()["read"] is True
    assert client.post("/api/v1/notifications/999999/read", headers=headers).status_code == 404
    assert get("/api/v1/notifications?read=no").get_json()["total"] == 0
    assert db.session.scalar(sa.select(Notification.read_at).where(Notification.id == told.id)) is not None


def test_a_job_of_yours_finished_is_in_your_bell_with_a_link_to_its_page_and_nobody_else_s(client, login_as):
    from app.services.jobs import broker as job_broker
    from app.services.jobs import registry

    @registry.job("test_view_wired")
    def _wired():
        return "Made 2 records."

    user = login_as("officer")
    other = factories.user("officer")
    try:
        job = job_broker.enqueue("test_view_wired", owner=user, label="Import of c.xlsx")
    finally:
        registry._KINDS.pop("test_view_wired")
    assert _bell(client.get("/").get_data(as_text=True)) == 1
    body = client.get("/notifications").get_data(as_text=True)
    assert f'href="/jobs/{job.id}"' in body and "Import of c.xlsx" in body
    assert client.get(f"/jobs/{job.id}").status_code == 200
    (item,) = client.get("/api/v1/notifications").get_json()["items"]
    assert item["kind"] == "job_finished" and item["link"].endswith(f"/jobs/{job.id}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.user_id == other.id)) == 0
