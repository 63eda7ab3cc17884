"""A person's own account through the real forms: changing the password (the current one required, every other
session and "remember me" cookie ended), the forgotten-password link by e-mail (same answer whether or not the
address exists, throttled, single use, an hour, forged links refused), the change an admin-made account must make
first, and the profile with the notification preferences."""
import re

import pytest
import sqlalchemy as sa

from app.services.accounts import passwords
from models import NotificationPreference, OutboxMessage, User, db
from models.notification import NotificationKind
from tests import factories
from tests.conftest import PASSWORD, csrf_token, login

NEW = "a-much-better-passphrase-42"


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, path if "reset" not in path else "/login"),
                                   **data})


def _reset_link(user) -> str:
    message = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == user.email)
                                 .order_by(OutboxMessage.id.desc())).first()
    assert message is not None, "no message queued"
    return re.search(r"http://[^/\s]+(/password/reset/[^\s]+)", message.body_text).group(1)


def test_changing_the_password_needs_the_current_one_and_ends_every_other_session(app, client, make_user):
    user = make_user("officer")
    other_browser = app.test_client()
    assert login(client, user).status_code == 302
    remembered = app.test_client()
    assert remembered.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y",
                                           "csrf_token": csrf_token(remembered)}).status_code == 302
    assert login(other_browser, user).status_code == 302
    wrong = _post(client, "/account/password", current_password="not-it-at-all", password=NEW, confirm=NEW)
    assert wrong.status_code == 422 and "That is not your current password." in wrong.get_data(as_text=True)
    weak = _post(client, "/account/password", current_password=PASSWORD, password="short", confirm="short")
    assert weak.status_code == 422 and "at least 12 characters" in weak.get_data(as_text=True)
    done = _post(client, "/account/password", current_password=PASSWORD, password=NEW, confirm=NEW)
    assert done.status_code == 302
    assert client.get("/").status_code == 200  # this browser goes on
    assert other_browser.get("/").status_code == 302  # every other session ended …
    remembered.delete_cookie("session")
    assert remembered.get("/").status_code == 302  # … and the "remember me" cookie too
    assert db.session.get(User, user.id).check_password(NEW)


def test_the_forgotten_password_page_answers_the_same_whether_or_not_the_address_exists(client, make_user):
    user = make_user("officer")
    known = _post(client, "/password/forgot", email=user.email)
    unknown = _post(client, "/password/forgot", email="nobody-at-all@example.test")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    sent = db.session.scalars(sa.select(OutboxMessage.to_address)).all()
    assert sent == [user.email]


def test_a_reset_link_works_once_for_an_hour_and_a_forged_one_is_refused(client, make_user, monkeypatch):
    user = make_user("officer")
    _post(client, "/password/forgot", email=user.email)
    link = _reset_link(user)
    assert client.get(link).status_code == 200
    mismatch = _post(client, link, password=NEW, confirm=NEW + "x")
    assert mismatch.status_code == 422 and "The two passwords differ." in mismatch.get_data(as_text=True)
    assert _post(client, link, password=NEW, confirm=NEW).status_code == 302
    assert db.session.get(User, user.id).check_password(NEW)
    used = client.get(link)
    assert used.status_code == 400 and "already been used" in used.get_data(as_text=True)
    forged = client.get(link[:-3] + "abc")
    assert forged.status_code == 400 and "not valid" in forged.get_data(as_text=True)
    _post(client, "/password/forgot", email=user.email)
    fresh = _reset_link(user)
    monkeypatch.setattr(passwords, "RESET_MAX_AGE", -1)  # an hour has passed
    expired = client.get(fresh)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)


def test_asking_for_links_is_throttled(app, client, make_user):
    user = make_user("officer")
    limit = int(app.config["PASSWORD_FORGOT_LIMIT"].split()[0])
    for _ in range(limit):
        assert _post(client, "/password/forgot", email=user.email).status_code == 302
    throttled = _post(client, "/password/forgot", email=user.email)
    assert throttled.status_code == 429 and "Too many requests" in throttled.get_data(as_text=True)


def test_an_account_an_admin_created_must_choose_its_password_first(app, client, make_user):
    admin = make_user("admin")
    admin_client = app.test_client()
    login(admin_client, admin)
    response = admin_client.post("/admin/users/new", data={
        "email": "new.person@example.test", "name": "New Person", "role": "officer", "password": PASSWORD,
        "csrf_token": csrf_token(admin_client, "/admin/users/new")})
    assert response.status_code == 302
    created = db.session.scalar(sa.select(User).where(User.email == "new.person@example.test"))
    assert created.must_change_password
    assert login(client, created).status_code == 302
    for page in ("/", "/requests/", "/notifications"):
        answer = client.get(page)
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/account/password"), page
    assert "choose one of your own" in client.get("/account/password").get_data(as_text=True)
    assert _post(client, "/account/password", current_password=PASSWORD, password=NEW, confirm=NEW).status_code == 302
    assert client.get("/requests/").status_code == 200
    db.session.expire_all()
    assert not db.session.get(User, created.id).must_change_password


def test_an_admin_reset_makes_the_owner_choose_again(session):
    from app.services.accounts.users import reset_password
    user = factories.user("officer")
    reset_password(user, "an-admin-typed-password")
    assert user.must_change_password


def test_the_profile_saves_the_name_and_the_preferences(client, login_as):
    user = login_as("officer")
    page = client.get("/account/profile").get_data(as_text=True)
    assert 'name="pref_request_assigned"' in page and 'id="preferences"' in page
    assert 'name="pref_job_finished"' in page  # "a job of mine finished or failed" is a kind like the others
    fields = {f"pref_{k.value}": "app" for k in NotificationKind}
    bad = _post(client, "/account/profile", name="", **fields)
    assert bad.status_code == 422 and "Enter your name." in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationPreference)) == 0
    fields["pref_mention"] = "weekly"
    assert _post(client, "/account/profile", name="Renamed Person", **fields).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Renamed Person"
    chosen = dict(db.session.execute(sa.select(NotificationPreference.kind, NotificationPreference.delivery)
                                     .where(NotificationPreference.user_id == user.id)).all())
    assert chosen["mention"] == "weekly" and chosen["request_assigned"] == "app"
    wrong = _post(client, "/account/profile", name="Renamed Person", **dict(fields, pref_mention="pigeon"))
    assert wrong.status_code == 422 and "Not a valid choice" in wrong.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/password/forgot", "/password/reset/anything"])
def test_the_password_pages_are_open_to_anonymous_visitors(client, path):
    assert client.get(path).status_code in (200, 400)
