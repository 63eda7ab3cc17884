"""Each endpoint's way in for `make bench` (bench/run.py), as its role would have it: a session through the real
sign-in form (with its CSRF token), a bearer token for the API, the calendar feed's own token."""
from __future__ import annotations

import http.client
import re
import sys
import urllib.parse

import run_servers
from run_settings import PASSWORD


def sign_in_everyone(port: int, accounts: dict[str, list[dict]]) -> None:
    """Each account of the mix signed in through the form, its session cookie noted on it (`cookie`)."""
    for role, people in accounts.items():
        for account in people:
            account["cookie"] = session_cookie(port, role, account["email"])


def session_cookie(port: int, role: str, email: str | None = None) -> str:
    """Sign in through the real form (CSRF token included) and return the session cookie's header value."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/login")
    response = conn.getresponse()
    body = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode({"email": email or f"bench-{role}@bench.test", "password": PASSWORD,
                                   "csrf_token": token})
    conn.request("POST", "/login", body=form, headers={"Cookie": cookie,
                                                          "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    if response.status not in (302, 303):
        sys.exit(f"could not sign in as {role}: {response.status}")
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    # Follow the redirect as a browser does: the home page shows the sign-in's message and the session cookie
    # it sets no longer carries it. (wrk replays one cookie: a message left in it would be "shown" every time.)
    conn.request("GET", response.getheader("Location") or "/", headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    return (response.getheader("Set-Cookie") or cookie).split(";")[0]


def headers_for(instance: run_servers.Instance, auth: str, path: str) -> tuple[list[str], str]:
    kind, role = auth.split(":")
    if kind == "cookie":
        return ["-H", f"Cookie: {session_cookie(instance.port, role)}"], path
    if kind == "bearer":
        token = instance.flask("users", "token", f"bench-{role}@bench.test").stdout.strip().split()[-1]
        return ["-H", f"Authorization: Bearer {token}"], path
    separator = "&" if "?" in path else "?"
    return [], f"{path}{separator}token={feed_token(instance.port, role)}"


def feed_token(port: int, role: str) -> str:
    """Issue the role's calendar feed token through its page (POST with the CSRF token) and read it back."""
    cookie = session_cookie(port, role)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/missions/feed", headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or cookie).split(";")[0]  # the session now holds the CSRF secret
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)
    conn.request("POST", "/missions/feed/issue", body=urllib.parse.urlencode({"csrf_token": token}),
                 headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    body = response.read().decode()
    found = re.search(r"[?&](?:amp;)?token=([\w.~-]+)", body)
    if response.status != 200 or not found:
        sys.exit(f"could not issue a calendar feed token for {role}: {response.status}")
    return found.group(1)
