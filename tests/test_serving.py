"""Serving with several processes: two gunicorn servers on one PostgreSQL database and one Redis.

Login throttling counts failures across both (the limit is reached at the same count as with one process), and a
change to the treaty record made through one is seen in the status the other serves (its cached statuses, and the
pages kept in Redis, are checked against the record's stamp on every request). Skipped, with the reason, when
PostgreSQL or Redis cannot be reached; PostgreSQL is TEST_DATABASE_URL's server when that is PostgreSQL, else
postgres@127.0.0.1:5432; Redis is SERVING_REDIS_URL, else redis://127.0.0.1:6379/0.
"""
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"
LIMIT = 5  # failed sign-ins per account and address (the configured default)
EXPORTS = 3  # exports per account and hour, for these servers
PUBLIC_URL = "https://palermo.example.org"


def _postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL") or ""
    return url if url.startswith("postgresql") else "postgresql://postgres@127.0.0.1:5432/postgres"


def _redis_url() -> str:
    return os.environ.get("SERVING_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="module")
def database():
    """A scratch PostgreSQL database with the schema, the reference record and one administrator."""
    admin_url = _postgres_url()
    try:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 — any failure to connect means: no PostgreSQL here
        pytest.skip(f"PostgreSQL unreachable at {sa.engine.make_url(admin_url).render_as_string()}: {exc}"[:300])
    name = f"palermo_serving_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        _prepare(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _prepare(url: str) -> None:
    from app import create_app
    from app.seed.reference import load_reference
    from app.services.accounts.users import create_user
    from models import db
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        load_reference()
        create_user("editor@example.org", "Editor", "admin", password=PASSWORD)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def redis_prefix():
    import redis
    url = _redis_url()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis unreachable at {url}: {exc}"[:300])
    prefix = f"palermo-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def servers(database, redis_prefix, tmp_path_factory):
    """Two gunicorn servers (one worker each: two processes), same database, same Redis; their base URLs."""
    env = dict(os.environ, DATABASE_URL=database, RATELIMIT_STORAGE_URI=_redis_url(),
               RATELIMIT_KEY_PREFIX=redis_prefix, CACHE_STORAGE_URI=_redis_url(), CACHE_KEY_PREFIX=redis_prefix,
               SECRET_KEY="serving-test-" + "k" * 40, PALERMO_ENV="development",
               LOG_LEVEL="WARNING", IMPORT_PREVIEW_FOLDER=str(tmp_path_factory.mktemp("previews")),
               EXPORT_LIMIT_PER_ACCOUNT=f"{EXPORTS} per hour", PUBLIC_URL=PUBLIC_URL)
    env.pop("TEST_DATABASE_URL", None)
    started, urls = [], []
    try:
        for _ in range(2):
            port = _free_port()
            started.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "1", "--no-control-socket", "--bind",
                 f"127.0.0.1:{port}", "app:create_app()"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            urls.append(f"http://127.0.0.1:{port}")
        for process, url in zip(started, urls, strict=True):
            _wait_until_up(process, url)
        yield urls
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_up(process, url: str, timeout: float = 90) -> None:
    import requests
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server {url} exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(f"{url}/login", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"server {url} did not answer within {timeout} s")


def _csrf(browser, url: str) -> str:
    body = browser.get(url, timeout=30).text
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def _sign_in(browser, base: str, email: str, password: str):
    token = _csrf(browser, f"{base}/login")
    return browser.post(f"{base}/login", data={"email": email, "password": password, "csrf_token": token},
                        allow_redirects=False, timeout=30)


def test_failed_sign_ins_spread_over_two_processes_lock_at_the_same_count(servers):
    import requests
    browser = requests.Session()
    statuses = [_sign_in(browser, servers[attempt % 2], "intruder@example.org", "wrong-password-123").status_code
                for attempt in range(LIMIT + 2)]
    # Alone, each process would have counted 3 or 4 failures and let all seven through.
    assert statuses == [200] * LIMIT + [429, 429], statuses


def test_a_treaty_change_through_one_process_is_served_by_the_other(servers, database, redis_prefix):
    import requests
    first, second = servers
    state = _a_state_outside_the_convention(database)
    browser = requests.Session()  # one cookie jar: the same host, the same secret key, signed in on both
    assert _sign_in(browser, first, "editor@example.org", PASSWORD).status_code in (302, 303)

    def parties(base):
        response = browser.get(f"{base}/api/v1/instruments/UNTOC/parties?as_of=2012-01-01", timeout=30)
        assert response.status_code == 200, response.text[:500]
        return {p["participant"] for p in response.json()["items"]}

    before = parties(second)
    assert parties(second) == before and state not in before  # computed, then served again from its cache
    import redis
    kept = list(redis.Redis.from_url(_redis_url()).scan_iter(f"{redis_prefix}page:*"))
    assert kept, "the page was not kept in the shared store"
    token = _csrf(browser, f"{first}/treaties/actions/new")
    recorded = browser.post(f"{first}/treaties/actions/new", allow_redirects=False, timeout=30, data={
        "participant": state, "instrument": "UNTOC", "kind": "accession", "action_date": "2011-09-22",
        "note": "serving test", "csrf_token": token})
    assert recorded.status_code in (302, 303), recorded.text[:1000]
    assert parties(second) == before | {state}
    assert parties(first) == before | {state}


def _a_state_outside_the_convention(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(
                "SELECT code FROM member_states WHERE kind = 'state' AND id NOT IN (SELECT state_id FROM "
                "treaty_actions JOIN instruments ON instruments.id = treaty_actions.instrument_id "
                "WHERE instruments.code = 'UNTOC') ORDER BY code LIMIT 1")).scalar_one()
    finally:
        engine.dispose()



def test_exports_spread_over_two_processes_are_refused_at_the_same_count(servers, redis_prefix):
    """The allowance of expensive work (app/work_limits.py) is counted in the shared store, like sign-ins."""
    import redis
    import requests
    browser = requests.Session()
    for base in servers:
        assert _sign_in(browser, base, "editor@example.org", PASSWORD).status_code in (302, 303)
    answers = [browser.get(f"{servers[n % 2]}/requests.csv", timeout=30) for n in range(EXPORTS + 1)]
    assert [a.status_code for a in answers] == [200] * EXPORTS + [429], [a.status_code for a in answers]
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 3600 and "Try again in" in answers[-1].text
    assert list(redis.Redis.from_url(_redis_url()).scan_iter(f"*{redis_prefix}*work*export*"))


def test_a_hostile_host_poisons_no_feed_kept_for_the_other_process(servers):
    """GET /missions.ics?token=T with Host: evil.example through one process; the other, which shares the kept
    pages in Redis, serves the feed with links to PUBLIC_URL only."""
    import requests
    first, second = servers
    browser = requests.Session()
    assert _sign_in(browser, first, "editor@example.org", PASSWORD).status_code in (302, 303)
    issued = browser.post(f"{first}/missions/feed/issue", data={"csrf_token": _csrf(browser, f"{first}/missions/feed")},
                          timeout=30)
    address = re.search(r'<code id="secret">([^<]+)</code>', issued.text).group(1).replace("&amp;", "&")
    assert address.startswith(f"{PUBLIC_URL}/missions.ics?token=")
    path = address.removeprefix(PUBLIC_URL)
    for base in (first, second):
        attacked = requests.get(base + path, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
                                timeout=30)
        assert attacked.status_code == 200 and "evil.example" not in attacked.text
    for base in (first, second, first):
        polled = requests.get(base + path, timeout=30)
        assert polled.status_code == 200 and "evil.example" not in polled.text
        assert f"URL:{PUBLIC_URL}/activities/" in polled.text
