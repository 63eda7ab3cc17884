"""Security headers on every response, CSRF on every state-changing request, and the session cookie's flags."""
import re
from types import SimpleNamespace

import pytest

from app.security import CONTENT_SECURITY_POLICY
from models import ApiToken
from tests.conftest import csrf_token, login

EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_security_headers(response):
    """Shared with the url_map walk: every response, whatever its status, carries these."""
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, f"{name} on {response.request.path}"
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";")}
    assert directives.get("script-src") == "script-src 'self'", csp
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", csp
    assert directives.get("object-src") == "object-src 'none'", csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    # Nothing but a static file may be kept by a browser or a proxy (issue 8, item 7).
    if "/static/" not in response.request.path:
        assert response.headers.get("Cache-Control") == "no-store", f"Cache-Control on {response.request.path}"


def test_the_policy_is_the_specified_one():
    assert CONTENT_SECURITY_POLICY == ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                       "object-src 'none'; base-uri 'self'; form-action 'self'; "
                                       "frame-ancestors 'none'")


@pytest.mark.parametrize("path", ["/login", "/", "/no/such/page", "/api/v1/me", "/api/v1/no-such-thing",
                                  "/static/palermo.css", "/admin/users"])
def test_headers_on_pages_errors_redirects_api_and_static_files(client, path):
    assert_security_headers(client.get(path))


def test_static_files_may_be_cached_everything_else_is_no_store(client, login_as):
    assert "no-store" not in client.get("/static/palermo.css").headers.get("Cache-Control", "")
    login_as("officer")
    for path in ("/", "/api/v1/instruments", "/reports/ratification-status.csv?as_of=2003-07-02",
                 "/reports/ratification-status?as_of=2003-07-02"):
        response = client.get(path)
        assert response.status_code == 200 and response.headers.get("Cache-Control") == "no-store", path


def test_headers_on_a_refused_post_and_a_wrong_method(client):
    assert_security_headers(client.post("/login", data={}))
    assert_security_headers(client.get("/logout"))  # 405: logging out is a POST


def assert_no_inline_code(body: str, where: str = ""):
    """Shared with the url_map walk: the policy blocks inline script and style, so a page must not need them."""
    for tag in re.findall(r"<script\b[^>]*>", body, flags=re.I):
        assert re.search(r"\bsrc=", tag), f"inline <script> on {where}"
    assert not re.search(r"<style\b", body, flags=re.I), f"<style> element on {where}"
    assert not re.search(r"\sstyle\s*=", body, flags=re.I), f"style attribute on {where}"
    assert not re.search(r"\son[a-z]+\s*=", body, flags=re.I), f"inline event handler on {where}"
    assert "javascript:" not in body.lower(), f"javascript: URL on {where}"


def test_pages_have_no_inline_script_or_style(client, login_as, make_user):
    login_as("admin")
    other = make_user("officer")
    for path in ("/", "/admin/users", "/admin/users/new", f"/admin/users/{other.id}", "/admin/audit"):
        response = client.get(path)
        assert response.status_code == 200
        assert_no_inline_code(response.get_data(as_text=True), path)
    with pytest.raises(AssertionError):
        assert_no_inline_code('<p style="color: red">', "a bad page")
    with pytest.raises(AssertionError):
        assert_no_inline_code("<script>alert(1)</script>", "a bad page")


def test_post_without_a_csrf_token_is_refused_for_pages(client, login_as, session):
    user = login_as("admin")
    response = client.post("/admin/users/new", data={"email": "forged@example.test", "name": "Forged",
                                                     "role": "admin"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    from app.services.accounts.users import find_user
    assert find_user("forged@example.test") is None
    # Signing out is a state change too: without the token the session survives.
    assert client.post("/logout").status_code == 400
    assert client.get("/admin/users").status_code == 200
    assert user.is_active


def test_a_forged_token_is_refused(client, login_as):
    login_as("admin")
    response = client.post("/admin/users/new", data={"email": "forged@example.test", "name": "F", "role": "admin",
                                                     "csrf_token": "forged." + "x" * 40})
    assert response.status_code == 400


def test_a_token_from_another_session_is_refused(app, client, login_as):
    login_as("admin")
    other = app.test_client()
    foreign = csrf_token(other)  # valid, but bound to the other browser's session
    response = client.post("/admin/users/new", data={"email": "forged@example.test", "name": "F", "role": "admin",
                                                     "csrf_token": foreign})
    assert response.status_code == 400


def test_the_login_form_itself_needs_the_token(client, make_user):
    user = make_user("officer")
    response = client.post("/login", data={"email": user.email, "password": "correct-horse-battery-staple"})
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # not signed in


@pytest.fixture()
def probe_app():
    """A separate app with a state-changing API route (the shared app cannot take new routes once it has served):
    an officer with an API token, in its own in-memory database."""
    from app import create_app
    from app.permissions import login_required
    from models import db
    from tests import factories
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")

    @app.post("/api/v1/_probe")
    @login_required
    def _probe():
        from flask_login import current_user
        return {"email": current_user.email}

    with app.app_context():
        db.create_all()
        user = factories.user("officer")
        token, raw = ApiToken.issue(user)
        db.session.add(token)
        db.session.commit()
        app.probe = {"email": user.email, "token": raw}
    yield app
    with app.app_context():
        db.drop_all()


def test_api_post_with_the_session_cookie_needs_the_token_and_answers_json(probe_app):
    client = probe_app.test_client()
    assert login(client, SimpleNamespace(email=probe_app.probe["email"])).status_code == 302
    response = client.post("/api/v1/_probe", json={})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    token = csrf_token(client, "/")
    response = client.post("/api/v1/_probe", json={}, headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_api_post_with_a_bearer_token_needs_no_csrf_token(probe_app):
    client = probe_app.test_client()
    response = client.post("/api/v1/_probe", json={},
                           headers={"Authorization": f"Bearer {probe_app.probe['token']}"})
    assert response.status_code == 200
    assert response.get_json() == {"email": probe_app.probe["email"]}
    # A made-up token is no way around anything: the caller is anonymous, and refused.
    response = client.post("/api/v1/_probe", json={}, headers={"Authorization": "Bearer plm_made-up"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_bearer_header_does_not_lift_csrf_from_pages(client, make_user, session):
    user = make_user("admin")
    token, raw = ApiToken.issue(user)
    session.add(token)
    session.commit()
    response = client.post("/admin/users/new", data={"email": "x@example.test", "name": "X", "role": "officer"},
                           headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 400


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user("officer")
    response = login(client, user)
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "remember_token" not in " ".join(response.headers.getlist("Set-Cookie"))  # off unless chosen


def test_production_cookies_are_secure_and_send_hsts(monkeypatch):
    from app import create_app
    monkeypatch.setenv("SECRET_KEY", "p" * 64)
    from config import ProductionConfig
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "p" * 64)
    app = create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/login")
    assert "max-age=" in response.headers["Strict-Transport-Security"]

