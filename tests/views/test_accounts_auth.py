"""Signing in and out through the real form: one failure message, throttling, inactive accounts, safe redirects."""
import re
import time

import pytest
import sqlalchemy as sa

from app.views.accounts.auth import FAILURE, safe_next
from models import AuditEntry, User
from tests.conftest import PASSWORD, csrf_token


def _post_login(client, email, password, **extra):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client),
                                       **extra})


def _message(response) -> str:
    """The page's error text, without what legitimately differs between two attempts (the echoed email)."""
    body = response.get_data(as_text=True)
    alert = re.search(r'<div class="alert alert-danger" role="alert"[^>]*>(.*?)</div>', body, re.S)
    return " ".join(re.findall(r"<li>([^<]*)</li>", alert.group(1))) if alert else ""


def _without_csrf(body: str) -> str:
    return re.sub(r'(name="csrf-token" content|name="csrf_token" type="hidden" value|value)="[^"]*"', "", body)


def _entries(session, action):
    return session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)
                           .order_by(AuditEntry.id)).all()


def test_login_page_has_the_contract_fields(client):
    body = client.get("/login").get_data(as_text=True)
    for name in ("email", "password", "csrf_token", "remember"):
        assert f'name="{name}"' in body
    [remember] = re.findall(r'<input[^>]*name="remember"[^>]*>', body)
    assert "checked" not in remember  # "remember me" is off unless chosen


def test_sign_in_and_out(client, make_user, session):
    user = make_user("officer", email="Ann.Officer@example.test".lower())
    response = _post_login(client, "  ANN.Officer@Example.test ", PASSWORD)  # case and blanks do not matter
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert user.last_login_at is not None
    [entry] = _entries(session, "login")
    assert entry.actor_id == user.id and entry.record_id == user.id

    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/").status_code == 302


def test_logout_is_post_only(client, login_as):
    login_as("officer")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200  # still signed in


def test_failure_message_is_the_same_whether_or_not_the_account_exists(client, make_user, session):
    user = make_user("officer")
    wrong_password = _post_login(client, user.email, "not-the-password-at-all")
    no_account = _post_login(client, "nobody@example.test", "not-the-password-at-all")
    assert wrong_password.status_code == no_account.status_code == 200
    assert _message(wrong_password) == _message(no_account) == FAILURE
    # Nothing else on the page differs but the address typed back into the field (and the CSRF token, which is
    # signed with the second it was issued in).
    def strip(response, email):
        page = response.get_data(as_text=True).replace(email, "EMAIL")
        return re.sub(r'(name="csrf[_-]token"[^>]*(?:value|content)=")[^"]+', r"\1TOKEN", page)
    assert strip(wrong_password, user.email) == strip(no_account, "nobody@example.test")


def test_real_installations_hash_with_scrypt(app, monkeypatch):
    """The suite hashes cheaply (config.TestingConfig); every other configuration keeps scrypt."""
    from config import Config, DevelopmentConfig
    from models import User
    assert Config.PASSWORD_HASH_METHOD == DevelopmentConfig.PASSWORD_HASH_METHOD == "scrypt"
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")
    user = User(email="s@example.test", name="S", role="officer")
    user.set_password("a-long-enough-password")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("a-long-enough-password") and not user.check_password("a-long-enough-passwore")


def test_failure_costs_the_same_time_whether_or_not_the_account_exists(app, client, make_user, monkeypatch):
    """A missing account still runs a password check; without it the difference would be a whole scrypt hash."""
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")  # the real cost, which the check must match
    user = make_user("officer")

    def timed(email):
        start = time.perf_counter()
        _post_login(client, email, "not-the-password-at-all")
        return time.perf_counter() - start

    timed(user.email)  # warm up
    existing = min(timed(user.email) for _ in range(3))
    missing = min(timed(f"nobody{i}@example.test") for i in range(3))
    assert missing > existing * 0.5, (existing, missing)


def test_inactive_account_is_refused_with_the_same_message(client, make_user, session):
    user = make_user("officer")
    user.is_active_account = False
    session.commit()
    response = _post_login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert _message(response) == FAILURE
    assert client.get("/").status_code == 302


def test_deactivating_ends_an_open_session(app, client, login_as, session):
    user = login_as("officer")
    assert client.get("/").status_code == 200
    from app.services.accounts.users import deactivate
    deactivate(user)
    session.commit()
    assert client.get("/").status_code == 302


def test_failed_login_is_audited_with_the_email_and_no_actor(client, make_user, session):
    user = make_user("officer")
    _post_login(client, user.email, "wrong-wrong-wrong")
    _post_login(client, "Ghost@Example.test", "wrong-wrong-wrong")
    first, second = _entries(session, "login_failed")
    assert first.actor_id is None and first.after == {"email": user.email} and first.record_id == user.id
    assert second.actor_id is None and second.after == {"email": "ghost@example.test"}
    assert second.record_id is None
    assert "wrong-wrong-wrong" not in str(first.before) + str(first.after) + first.summary


def test_incomplete_form_shows_messages_next_to_the_fields(client):
    response = client.post("/login", data={"email": "", "password": "", "csrf_token": csrf_token(client)})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter your email address." in body and "Enter your password." in body
    assert body.count("is-invalid") >= 2


def test_burst_of_wrong_passwords_is_throttled_per_account_and_address(app, client, make_user):
    user = make_user("officer")
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"].split()[0])
    for _ in range(limit):
        assert _post_login(client, user.email, "wrong-password-123").status_code == 200
    throttled = _post_login(client, user.email, "wrong-password-123")
    assert throttled.status_code == 429
    assert "Too many failed sign-in attempts" in throttled.get_data(as_text=True)
    # Even the right password waits now, from this address: the throttle is on the pair, not on the guess.
    assert _post_login(client, user.email, PASSWORD).status_code == 429
    assert client.get("/").status_code == 302


def test_throttling_does_not_reveal_whether_the_account_exists(app, make_user):
    user = make_user("officer")
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"].split()[0])
    answers = {}
    for email in (user.email, "nobody-here@example.test"):
        client = app.test_client()
        statuses = [_post_login(client, email, "wrong-password-123").status_code for _ in range(limit + 1)]
        answers[email] = (statuses, _post_login(client, email, "x" * 12).get_data(as_text=True))
    (existing, existing_page), (missing, missing_page) = answers.values()
    assert existing == missing == [200] * limit + [429]
    # The 429 page names no one: the two are identical but for each browser's own CSRF token.
    assert _without_csrf(existing_page) == _without_csrf(missing_page)


def test_throttle_per_address_catches_spraying_across_accounts(app, client, monkeypatch):
    # The real limit (200 per 15 minutes) is set for offices behind one proxy; a small one shows the mechanism.
    assert app.config["LOGIN_LIMIT_PER_ADDRESS"] == "200 per 15 minutes"
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "8 per 15 minutes")
    for i in range(8):
        assert _post_login(client, f"spray{i}@example.test", "wrong-password-123").status_code == 200
    assert _post_login(client, "spray-last@example.test", "wrong-password-123").status_code == 429


def test_successful_logins_do_not_use_up_the_limit(app, client, make_user):
    user = make_user("officer")
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"].split()[0])
    for _ in range(limit + 2):
        assert _post_login(client, user.email, PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_throttled_attempt_carries_retry_after(app, client):
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"].split()[0])
    for _ in range(limit):
        _post_login(client, "someone@example.test", "wrong-password-123")
    response = _post_login(client, "someone@example.test", "wrong-password-123")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_anonymous_page_redirects_to_login_and_back(client, make_user):
    user = make_user("admin")
    response = client.get("/admin/users?role=admin")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/login?next=")
    login_page = client.get(location)
    assert "Sign in to see that page." in login_page.get_data(as_text=True)
    response = client.post(location, data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users?role=admin"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x",
                                    "http://evil.example/admin", "\\\\evil.example", "/ok\r\nSet-Cookie: x=1"])
def test_next_never_leaves_the_site(client, make_user, target):
    user = make_user("officer")
    token = csrf_token(client)
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_on_this_host_is_kept(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "http://palermo.test/")
    with app.test_request_context("/login", base_url="http://elsewhere.test"):  # the Host does not count
        assert safe_next("http://palermo.test/admin/audit?page=2") == "/admin/audit?page=2"
        assert safe_next("/states/MKD") == "/states/MKD"
        assert safe_next("http://elsewhere.test/admin") is None


def test_signed_in_user_visiting_login_goes_home(client, login_as):
    login_as("officer")
    assert client.get("/login").status_code == 302


def test_remember_me_is_off_unless_chosen_and_survives_the_browser_closing(client, make_user):
    user = make_user("officer")
    response = _post_login(client, user.email, PASSWORD, remember="y")
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    assert "remember_token=" in cookies
    client.delete_cookie("session")  # the browser closes: the session cookie goes, the remember cookie stays
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200  # and the restored session holds under "strong" protection


def test_a_session_replayed_from_another_browser_is_emptied(client, login_as):
    login_as("officer")
    assert client.get("/").status_code == 200
    response = client.get("/", headers={"User-Agent": "Another browser/1.0"})
    assert response.status_code == 302


def test_a_session_replayed_from_another_address_is_emptied_whatever_x_forwarded_for_claims(app, make_user):
    """With no proxy trusted, the address compared is the socket's: a stolen cookie replayed from elsewhere with the
    owner's address written into X-Forwarded-For does not pass for the owner's browser."""
    owner = make_user("officer")
    browser = _from(app.test_client(), "198.51.100.7")
    assert _post_login(browser, owner.email, PASSWORD).status_code == 302
    assert browser.get("/").status_code == 200
    thief = _from(app.test_client(), "203.0.113.66")
    thief.set_cookie("session", browser.get_cookie("session").value)
    replayed = thief.get("/", headers={"X-Forwarded-For": "198.51.100.7"})
    assert replayed.status_code == 302 and "/login" in replayed.headers["Location"]
    # and the owner, whose own requests carry any X-Forwarded-For a browser extension adds, stays signed in
    assert browser.get("/", headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 200


def test_password_reset_ends_open_sessions(client, login_as, session):
    user = login_as("officer")
    from app.services.accounts.users import reset_password
    reset_password(user, "a-brand-new-password")
    session.commit()
    assert client.get("/").status_code == 302
    assert session.get(User, user.id).check_password("a-brand-new-password")


def test_a_stolen_signed_in_session_is_still_emptied_under_strong_protection(client, login_as):
    """The session-protection change only spares anonymous sessions: a signed-in one replayed elsewhere dies."""
    login_as("officer")
    assert client.get("/").status_code == 200
    other_browser = {"User-Agent": "Another browser/1.0"}
    response = client.get("/", headers=other_browser)
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


# ------------------------------------------------------------------ signing out signs out (issue 8, item 1)
def _cookie(client, name):
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def test_signing_out_ends_the_remember_cookie_and_the_old_session_cookie_everywhere(app, client, make_user):
    user = make_user("officer")
    assert _post_login(client, user.email, PASSWORD, remember="y").status_code == 302
    assert client.get("/").status_code == 200
    remember, old_session = _cookie(client, "remember_token"), _cookie(client, "session")
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302

    # Another browser holding only the captured remember cookie.
    thief = app.test_client()
    thief.set_cookie("remember_token", remember)
    assert thief.get("/").status_code == 302
    assert thief.get("/api/v1/me").status_code == 401
    # The same browser replaying the session cookie it had before signing out.
    replay = app.test_client()
    replay.set_cookie("session", old_session)
    assert replay.get("/").status_code == 302
    assert replay.get("/api/v1/me").status_code == 401
    # Signing in again works, with the new session token.
    assert _post_login(app.test_client(), user.email, PASSWORD).status_code == 302


def test_signing_out_is_audited_and_signs_out_the_other_sessions_too(app, client, make_user, session):
    user = make_user("officer")
    other = app.test_client()
    assert _post_login(client, user.email, PASSWORD).status_code == 302
    assert _post_login(other, user.email, PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert other.get("/").status_code == 302  # documented: signing out signs out everywhere
    assert [e.actor_id for e in _entries(session, "logout")] == [user.id]


# ------------------------------------------------------------------ the audit trail keeps no secrets (item 9)
@pytest.mark.parametrize("typed", ["Tr0ub4dor&3-secret", "my password is hunter2!!", "a@", "@b.c",
                                   "pass@word@example.test", "ann@" + "b" * 240 + ".test"])
def test_a_failed_sign_in_never_records_what_was_typed_unless_it_is_an_address(client, session, typed):
    _post_login(client, typed, "wrong-password-123")
    [entry] = _entries(session, "login_failed")
    stored = f"{entry.summary} {entry.before} {entry.after} {entry.actor_label}"
    assert typed.lower() not in stored.lower() and typed.lower()[:20] not in stored.lower()
    assert entry.after == {"email": "(not an email address)"}


def test_a_failed_sign_in_records_a_normalised_address_of_bounded_length(client, session):
    _post_login(client, "  Someone.Else@Example.TEST ", "wrong-password-123")
    [entry] = _entries(session, "login_failed")
    assert entry.after == {"email": "someone.else@example.test"} and len(entry.summary) <= 500


# ------------------------------------------------------------------ nobody can lock another person out (item 5)
def _from(client, address):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(app, make_user):
    owner = make_user("officer")
    attacker = _from(app.test_client(), "203.0.113.66")
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"].split()[0])
    for _ in range(limit + 3):
        _post_login(attacker, owner.email, "wrong-password-123")
    assert _post_login(attacker, owner.email, PASSWORD).status_code == 429  # the attacker is slowed
    owner_browser = _from(app.test_client(), "198.51.100.7")
    assert _post_login(owner_browser, owner.email, PASSWORD).status_code == 302  # the owner gets in
    assert owner_browser.get("/").status_code == 200


def test_many_failures_from_one_address_do_not_refuse_the_other_accounts_from_it(app, make_user):
    """An office behind one proxy: twenty people mistyping do not refuse the twenty-first."""
    office = _from(app.test_client(), "192.0.2.10")
    for i in range(25):
        assert _post_login(office, f"colleague{i}@example.test", "wrong-password-123").status_code == 200
    user = make_user("officer")
    assert _post_login(office, user.email, PASSWORD).status_code == 302


def test_forwarded_addresses_are_believed_only_from_a_configured_proxy(app, make_user):
    from app import create_app
    owner = make_user("officer")
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"].split()[0])

    # No proxy configured (the default): a forged X-Forwarded-For changes nothing, the attempts count together.
    assert app.config["TRUSTED_PROXIES"] == 0
    direct = app.test_client()
    for i in range(limit):
        direct.post("/login", headers={"X-Forwarded-For": f"203.0.113.{i}"},
                    data={"email": owner.email, "password": "wrong-password-123", "csrf_token": csrf_token(direct)})
    forged = direct.post("/login", headers={"X-Forwarded-For": "198.51.100.99"},
                         data={"email": owner.email, "password": PASSWORD, "csrf_token": csrf_token(direct)})
    assert forged.status_code == 429

    # Behind one trusted proxy, every client is 127.0.0.1 to the app: the forwarded address tells them apart.
    proxied = create_app("testing", TRUSTED_PROXIES="1")
    behind = proxied.test_client()
    attacker = {"X-Forwarded-For": "203.0.113.66"}
    for _ in range(limit):
        behind.post("/login", headers=attacker, data={"email": owner.email, "password": "wrong-password-123",
                                                      "csrf_token": csrf_token(behind)})
    assert behind.post("/login", headers=attacker, data={
        "email": owner.email, "password": PASSWORD, "csrf_token": csrf_token(behind)}).status_code == 429
    owner_browser = proxied.test_client()
    assert owner_browser.post("/login", headers={"X-Forwarded-For": "198.51.100.7"}, data={
        "email": owner.email, "password": PASSWORD, "csrf_token": csrf_token(owner_browser)}).status_code == 302


def test_trusted_proxies_must_be_a_count():
    from app import create_app
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        create_app("testing", TRUSTED_PROXIES="yes")
