"""Account administration and the audit list, through the pages with real CSRF tokens."""
import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.services.accounts import users as user_service
from models import AuditEntry, User
from models.base import utcnow
from tests import factories
from tests.conftest import csrf_token, login
from tests.helpers import field_errors


@pytest.fixture()
def admin(login_as):
    return login_as("admin")


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **data})


def _field_errors(response) -> list[str]:
    return field_errors(response.get_data(as_text=True))


def _shown_secret(response) -> str:
    match = re.search(r'<code id="secret">([^<]+)</code>', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:2000]
    return match.group(1)


def test_create_an_account_with_a_given_password(client, admin, session):
    response = _post(client, "/admin/users/new", email="New.Officer@Example.test", name="New Officer",
                     role="officer", donor_id="", password="a-good-long-password")
    assert response.status_code == 302
    user = user_service.find_user("new.officer@example.test")
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert user.check_password("a-good-long-password") and user.role == "officer"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Created the officer account new.officer@example.test" in page  # the timeline on the record


def test_create_with_a_generated_password_shows_it_once(client, admin, session):
    response = _post(client, "/admin/users/new", email="gen@example.test", name="Gen", role="manager", donor_id="")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = _shown_secret(response)
    assert user_service.find_user("gen@example.test").check_password(password)
    assert password not in client.get(f"/admin/users/{user_service.find_user('gen@example.test').id}").get_data(
        as_text=True)


def test_create_a_donor_account_bound_to_its_donor(client, admin, session):
    donor = factories.organization(name="Test Donor Government")
    session.commit()
    page = client.get("/admin/users/new").get_data(as_text=True)
    # The donor is picked by type-ahead among the organizations that give money: the page lists none of them.
    assert "Test Donor Government" not in page and 'data-lookup="/api/v1/lookup/organizations?among=donors"' in page
    found = client.get("/api/v1/lookup/organizations?among=donors&q=test+donor+gov").get_json()["items"]
    assert [i["id"] for i in found] == [donor.id]
    partner = factories.organization(name="Test partner ministry", kind="institute")
    session.commit()
    assert client.get("/api/v1/lookup/organizations?among=donors&q=test+partner").get_json()["items"] == []
    response = _post(client, "/admin/users/new", email="partner@example.test", name="P", role="donor",
                     donor_id=str(partner.id), password="a-good-long-password")
    assert response.status_code == 200 and "Choose the donor organization from the list." in html.unescape(
        response.get_data(as_text=True))
    response = _post(client, "/admin/users/new", email="donor@example.test", name="D", role="donor",
                     donor_id=str(donor.id), password="a-good-long-password")
    assert response.status_code == 302
    assert user_service.find_user("donor@example.test").donor_id == donor.id


@pytest.mark.parametrize("data, messages", [
    ({"email": "not-an-email", "name": "X", "role": "officer"}, ["Not a valid email address"]),
    ({"email": "x@example.test", "name": "", "role": "officer"}, ["Enter the person's name."]),
    ({"email": "x@example.test", "name": "X", "role": "officer", "password": "short"}, ["at least 12"]),
    ({"email": "x@example.test", "name": "X", "role": "donor"}, ["Choose the donor"]),
    ({"email": "x@example.test", "name": "X", "role": "emperor"}, ["Not a valid choice"]),
])
def test_create_form_re_renders_with_messages_next_to_the_fields(client, admin, data, messages):
    response = _post(client, "/admin/users/new", **{"donor_id": "", **data})
    assert response.status_code == 200
    errors = " ".join(_field_errors(response))
    for message in messages:
        assert message in errors
    assert user_service.find_user("x@example.test") is None


def test_non_donor_bound_to_a_donor_is_refused(client, admin, session):
    donor = factories.organization()
    session.commit()
    response = _post(client, "/admin/users/new", email="x@example.test", name="X", role="officer",
                     donor_id=str(donor.id))
    assert "Only a donor account is bound to a donor" in " ".join(_field_errors(response))


def test_duplicate_email_is_shown_next_to_the_email_field(client, admin, make_user):
    existing = make_user("officer")
    response = _post(client, "/admin/users/new", email=existing.email.upper(), name="Again", role="officer",
                     donor_id="")
    assert response.status_code == 200
    assert f"An account with the email {existing.email} already exists." in _field_errors(response)


def test_edit_role_and_donor_writes_a_role_change(client, admin, make_user, session):
    user = make_user("officer")
    donor = factories.organization()
    session.commit()
    assert client.get(f"/admin/users/{user.id}/edit").status_code == 200
    response = _post(client, f"/admin/users/{user.id}/edit", name="Renamed", role="donor", donor_id=str(donor.id))
    assert response.status_code == 302
    assert (user.name, user.role, user.donor_id) == ("Renamed", "donor", donor.id)
    actions = {e.action for e in session.scalars(sa.select(AuditEntry).where(AuditEntry.record_id == user.id,
                                                                             AuditEntry.record_type == "User"))}
    assert {"role_change", "update"} <= actions


def test_admin_cannot_demote_themselves_from_the_form(client, admin):
    response = _post(client, f"/admin/users/{admin.id}/edit", name=admin.name, role="officer", donor_id="")
    assert response.status_code == 200
    assert "You cannot change your own role." in _field_errors(response)
    assert admin.role == "admin"


def test_deactivate_and_reactivate(app, client, admin, make_user):
    user = make_user("officer")
    other = app.test_client()
    assert login(other, user).status_code == 302
    assert _post(client, f"/admin/users/{user.id}/deactivate").status_code == 302
    assert not user.is_active
    assert other.get("/").status_code == 302  # the open session ended
    assert _post(client, f"/admin/users/{user.id}/reactivate").status_code == 302
    assert user.is_active
    assert other.get("/").status_code == 302  # and does not come back with the account


def test_deactivating_yourself_is_refused_with_a_message(client, admin):
    response = _post(client, f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 302
    assert "You cannot deactivate your own account." in client.get(response.headers["Location"]).get_data(
        as_text=True)
    assert admin.is_active


def test_reset_password_generated_and_given(client, admin, make_user):
    user = make_user("officer")
    response = _post(client, f"/admin/users/{user.id}/reset-password", password="")
    assert response.status_code == 200
    assert user.check_password(_shown_secret(response))
    response = _post(client, f"/admin/users/{user.id}/reset-password", password="chosen-long-password")
    assert response.status_code == 302 and user.check_password("chosen-long-password")
    response = _post(client, f"/admin/users/{user.id}/reset-password", password="short")
    assert response.status_code == 200 and user.check_password("chosen-long-password")
    assert "A password needs at least 12 characters." in _field_errors(response)


def test_token_form_errors_show_next_to_the_field(client, admin, make_user, session):
    user = make_user("officer")
    response = _post(client, f"/admin/users/{user.id}/tokens", name="n" * 81)
    assert response.status_code == 200 and "Field cannot be longer than 80 characters." in _field_errors(response)
    user_service.deactivate(user)
    session.commit()
    response = _post(client, f"/admin/users/{user.id}/tokens", name="ok")
    assert response.status_code == 200 and "Reactivate the account" in response.get_data(as_text=True)
    assert user.tokens == []


def test_token_shown_once_works_then_revoked_stops(client, admin, make_user, app):
    user = make_user("officer")
    response = _post(client, f"/admin/users/{user.id}/tokens", name="script")
    raw = _shown_secret(response)
    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).get_json()["email"] == user.email
    detail = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert raw not in detail and raw[:8] in detail  # only the prefix is ever shown again
    [token] = user.tokens
    assert token.last_used_at is not None
    assert _post(client, f"/admin/users/{user.id}/tokens/{token.id}/revoke").status_code == 302
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_the_admin_chooses_a_token_s_scope(client, admin, make_user, app):
    user = make_user("officer")
    raw = _shown_secret(_post(client, f"/admin/users/{user.id}/tokens", name="sync", scope="read write"))
    [token] = user.tokens
    assert token.scope == "read write" and ">read write<" in client.get(f"/admin/users/{user.id}").get_data(
        as_text=True)
    api = app.test_client()
    assert api.post("/api/v1/requests", json={}, headers={"Authorization": f"Bearer {raw}"}).status_code == 422
    bad = _post(client, f"/admin/users/{user.id}/tokens", name="x", scope="everything")
    assert bad.status_code == 200 and len(user.tokens) == 1


def test_a_token_is_revoked_only_through_its_own_account(client, admin, make_user, session):
    one, two = make_user("officer"), make_user("officer")
    token, _ = user_service.issue_token(two)
    session.commit()
    assert _post(client, f"/admin/users/{one.id}/tokens/{token.id}/revoke").status_code == 404
    assert not token.is_revoked


def test_missing_account_is_404(client, admin):
    assert client.get("/admin/users/999999").status_code == 404
    assert _post(client, "/admin/users/999999/deactivate").status_code == 404


def test_user_list_filters_sorts_and_pages(client, admin, make_user, session):
    make_user("manager", name="Zoe Filtered", email="zoe@example.test")
    off = make_user("officer", name="Yann Gone", email="yann@example.test")
    user_service.deactivate(off)
    session.commit()
    body = client.get("/admin/users?role=manager").get_data(as_text=True)
    assert "zoe@example.test" in body and "yann@example.test" not in body
    body = client.get("/admin/users?active=no").get_data(as_text=True)
    assert "yann@example.test" in body and "zoe@example.test" not in body
    body = client.get("/admin/users?q=ZOE").get_data(as_text=True)
    assert "zoe@example.test" in body and admin.email not in body
    body = client.get("/admin/users?sort=-email").get_data(as_text=True)
    assert body.index("zoe@example.test") < body.index("yann@example.test")
    for i in range(30):
        factories.user("officer", email=f"page{i:02d}@example.test")
    session.commit()
    first = client.get("/admin/users?q=page").get_data(as_text=True)
    second = client.get("/admin/users?q=page&page=2").get_data(as_text=True)
    assert "page00@example.test" in first and "page29@example.test" not in first
    assert "page29@example.test" in second
    refused = client.get("/admin/users?role=emperor&sort=nonsense&page=x")
    assert refused.status_code == 400  # each bad parameter named beside its field, nothing listed
    assert "Not a valid choice" in refused.get_data(as_text=True) and "Sort by one of" in refused.get_data(as_text=True)


def test_audit_list_filters(client, admin, make_user, session):
    user = make_user("officer")
    user_service.rename(user, "Renamed for the audit")
    session.commit()
    body = client.get("/admin/audit?action=update").get_data(as_text=True)
    assert f"Renamed the account {user.email}" in body and "signed in" not in body
    body = client.get(f"/admin/audit?record_type=User&record_id={user.id}").get_data(as_text=True)
    assert f"Renamed the account {user.email}" in body and f"{admin.email} signed in" not in body
    body = client.get(f"/admin/audit?actor={admin.email}").get_data(as_text=True)
    assert f"{admin.email} signed in" in body
    today = utcnow().date()
    body = client.get(f"/admin/audit?date_from={today + timedelta(days=1)}").get_data(as_text=True)
    assert "No entry matches." in body
    body = client.get(f"/admin/audit?date_from={today}&date_to={today}").get_data(as_text=True)
    assert f"Renamed the account {user.email}" in body
    response = client.get(f"/admin/audit?date_from={today}&date_to={today - timedelta(days=3)}")
    assert response.status_code == 400 and "The end date is before the start date." in response.get_data(as_text=True)
    refused = client.get("/admin/audit?date_from=not-a-date&record_id=x")
    assert refused.status_code == 400 and "is not a date" in refused.get_data(as_text=True)


def test_managers_see_the_audit_but_not_the_accounts(client, login_as):
    login_as("manager")
    assert client.get("/admin/audit").status_code == 200
    assert client.get("/admin/users").status_code == 403


def test_every_write_here_leaves_an_entry(client, admin, make_user, session):
    user = make_user("officer")
    before = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    _post(client, f"/admin/users/{user.id}/edit", name="N1", role="manager", donor_id="")
    _post(client, f"/admin/users/{user.id}/deactivate")
    _post(client, f"/admin/users/{user.id}/reactivate")
    _post(client, f"/admin/users/{user.id}/reset-password", password="")
    _post(client, f"/admin/users/{user.id}/tokens", name="t")
    after = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert after - before == 6  # rename + role change, deactivate, reactivate, reset, token
    assert session.get(User, user.id).role == "manager"


def test_reactivating_does_not_revive_the_tokens_deactivation_ended(client, admin, make_user, app):
    user = make_user("officer")
    raw = _shown_secret(_post(client, f"/admin/users/{user.id}/tokens", name="script"))
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {raw}"}
    assert api.get("/api/v1/me", headers=bearer).status_code == 200
    _post(client, f"/admin/users/{user.id}/deactivate")
    assert api.get("/api/v1/me", headers=bearer).status_code == 401
    _post(client, f"/admin/users/{user.id}/reactivate")
    assert user.is_active
    assert api.get("/api/v1/me", headers=bearer).status_code == 401  # the token stays dead
    [token] = user.tokens
    assert token.is_revoked
    detail = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Revoked" in detail and "revoked its 1 API token(s)" in detail


def test_the_forms_refuse_common_passwords_and_ones_built_from_the_account(client, admin, make_user, session):
    response = _post(client, "/admin/users/new", email="maria.lopez@example.test", name="Maria Lopez",
                     role="officer", donor_id="", password="qwerty123456")
    assert response.status_code == 200
    assert "That password is one of the most commonly used ones: choose another." in _field_errors(response)
    response = _post(client, "/admin/users/new", email="maria.lopez@example.test", name="Maria Lopez",
                     role="officer", donor_id="", password="Lopez-at-work-99")
    assert "A password must not contain the account's e-mail or name." in _field_errors(response)
    assert user_service.find_user("maria.lopez@example.test") is None

    user = make_user("officer", name="Gwendolyn Smith")
    for password in ("qwerty123456", "gwendolyn-forever"):
        response = _post(client, f"/admin/users/{user.id}/reset-password", password=password)
        assert response.status_code == 200 and not user.check_password(password)
        assert any("password" in e for e in _field_errors(response))
