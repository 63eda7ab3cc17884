"""The API's two ways in — session cookie and bearer token — and GET /api/v1/me."""
import pytest

from app.services.accounts import users as user_service


@pytest.fixture()
def token_for(make_user, session):
    def issue(role="officer", **kwargs):
        user = make_user(role, **kwargs)
        _token, raw = user_service.issue_token(user)
        session.commit()
        return user, raw
    return issue


def _bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def test_me_with_a_bearer_token(client, token_for):
    user, raw = token_for("officer")
    response = client.get("/api/v1/me", headers=_bearer(raw))
    assert response.status_code == 200
    assert response.get_json() == {"id": user.id, "email": user.email, "name": user.name, "role": "officer",
                                   "donor": None}
    assert "Set-Cookie" not in response.headers  # a token call leaves no session behind


def test_me_names_a_donor_accounts_donor(client, token_for):
    user, raw = token_for("donor")
    body = client.get("/api/v1/me", headers=_bearer(raw)).get_json()
    assert body["role"] == "donor" and body["donor"] == {"id": user.donor.id, "name": user.donor.name}


def test_me_with_the_session_cookie(client, login_as):
    user = login_as("manager")
    assert client.get("/api/v1/me").get_json()["email"] == user.email


@pytest.mark.parametrize("header", ["Bearer plm_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "plm_x",
                                    "Bearer " + "x" * 5000])
def test_bad_credentials_are_a_json_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_anonymous_api_call_is_401_not_a_redirect(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.is_json


def test_revoked_token_is_refused(client, token_for, session):
    user, raw = token_for("officer")
    user_service.revoke_token(user.tokens[0])
    session.commit()
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 401


def test_token_of_a_deactivated_account_is_refused(client, token_for, session):
    user, raw = token_for("officer")
    user_service.deactivate(user)
    session.commit()
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 401


def test_token_use_is_recorded(client, token_for):
    user, raw = token_for("officer")
    assert user.tokens[0].last_used_at is None
    client.get("/api/v1/me", headers=_bearer(raw))
    assert user.tokens[0].last_used_at is not None


def test_token_carries_the_accounts_role(client, token_for):
    _user, raw = token_for("donor")
    assert client.get("/api/v1/requests", headers=_bearer(raw)).status_code == 403


def test_openapi_describes_me(client, token_for):
    _user, raw = token_for("officer")
    doc = client.get("/api/v1/openapi.json", headers=_bearer(raw)).get_json()
    me = doc["paths"]["/api/v1/me"]["get"]
    assert me["summary"].startswith("The calling account")
    assert "donor" in me["responses"]["200"]["content"]["application/json"]["schema"]["properties"]


def test_token_use_is_written_at_most_once_an_hour(client, token_for, session):
    from datetime import UTC, timedelta

    from models.base import utcnow
    from tests.helpers import count_queries
    user, raw = token_for("officer")
    client.get("/api/v1/me", headers=_bearer(raw))
    first = user.tokens[0].last_used_at
    with count_queries() as statements:  # used again within the hour: reads only
        assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))], statements
    session.refresh(user.tokens[0])
    assert user.tokens[0].last_used_at == first
    user.tokens[0].last_used_at = utcnow() - timedelta(hours=2)  # an hour later, the use is recorded again
    session.commit()
    client.get("/api/v1/me", headers=_bearer(raw))
    session.refresh(user.tokens[0])
    again = user.tokens[0].last_used_at
    assert utcnow() - (again if again.tzinfo else again.replace(tzinfo=UTC)) < timedelta(minutes=5)
