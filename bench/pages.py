"""In-process timings and query counts of the key pages: where a request spends its time, before any server.

    .venv/bin/python bench/pages.py [--requests N] [--repeat R] [--json FILE]

Builds a fresh SQLite database (bench/work/pages-N.db) with the reference record and, with --requests N, a larger
data set made with the test factories (N requests, N/4 activities with their visits and States, N/40 experts
deployed on them, N/10 contributions of ten donors allocated to the activities); signs in one account per role;
then asks each page R times through Flask's test client (no network, no server) and prints the median and mean
time and the number of SQL statements of one request. A benchmark, not a test: nothing here asserts, and the times
depend on the machine. `make bench` measures the same pages under load, served by gunicorn.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: (name, role, path); role "bearer:ROLE" uses an API token; "ROLE@fr" asks for that language.
PAGES = [
    ("home", "officer", "/"),
    ("State page", "officer", "/states/BOL"),
    ("State page, French", "officer@fr", "/states/BOL"),  # issue 30: the same page in French and in Arabic
    ("State page, Arabic", "officer@ar", "/states/BOL"),
    ("annex as at a date", "officer", "/reports/ratification-status?as_of=2003-07-02"),
    ("instrument page", "officer", "/instruments/TIP"),
    ("API missions", "bearer:officer", "/api/v1/missions"),
    ("API instruments", "bearer:officer", "/api/v1/instruments"),
    ("managers' queue", "manager", "/queue"),
    ("activity list", "officer", "/activities/"),
    ("new activity form", "officer", "/activities/new"),  # issue 29: pickers render only what the form holds
    ("picker: requests", "bearer:officer", "/api/v1/lookup/requests?q=bra"),
    ("calendar", "officer", "/activities/calendar?month=2002-11"),
    ("iCalendar feed", "officer", "/missions.ics"),
    ("donor portal", "donor", "/funding/"),
    # Issue 28: the notification list and the bell (every page's header counts the unread; the API lists them)
    ("notifications", "officer", "/notifications"),
    ("API notifications", "bearer:officer", "/api/v1/notifications?read=no"),
]
PASSWORD = "Bench-password-2026!"


def build(app, n: int) -> dict:
    """The reference record, N requests' worth of factory data, and one account per role (with a token)."""
    from app.seed.reference import load_reference
    from models import ApiToken, Organization, db
    from tests import factories
    db.drop_all()
    db.create_all()
    load_reference()
    db.session.commit()
    rng = random.Random(1)
    states = [s.code for s in db.session.scalars(db.select(factories.MemberState).where(
        factories.MemberState.kind == "state"))]
    donors = [factories.organization(name=f"Bench donor {i}") for i in range(10)]
    activities = []
    for i in range(n // 4):
        code = rng.choice(states)
        start = date(1995, 1, 1) + timedelta(days=rng.randrange(30 * 365))
        activities.append(factories.activity(visits=[(code, start, start + timedelta(days=3))], served=(code,),
                                             instruments=(rng.choice(("UNTOC", "TIP", "SOM", "FIREARMS")),)))
        if i % 200 == 0:
            db.session.commit()
    for i in range(n):
        factories.request(rng.choice(states), status=rng.choice(("pending", "under_review", "approved", "completed")),
                          received=date(1995, 1, 1) + timedelta(days=rng.randrange(30 * 365)))
        if i % 500 == 0:
            db.session.commit()
    for _ in range(n // 40):
        expert = factories.expert()
        for activity in rng.sample(activities, min(3, len(activities))):
            factories.deployment(expert, activity)
    for i in range(n // 10):
        money = factories.contribution(donors[i % len(donors)], amount=Decimal("50000.00"))
        for activity in rng.sample(activities, min(2, len(activities))):
            factories.allocation(money, activity, Decimal("1000.00"))
    db.session.commit()
    accounts = {}
    portal_donor = donors[0] if donors else db.session.scalars(db.select(Organization)).first()
    for role in ("officer", "manager", "donor", "admin"):
        extra = {"donor": portal_donor} if role == "donor" else {}
        user = factories.user(role=role, password=PASSWORD, email=f"{role}@bench.example", **extra)
        token, raw = ApiToken.issue(user)
        db.session.add(token)
        accounts[role] = (user.email, raw)
        if role == "officer":  # issue 28: N/2 notifications, a third unread, for the list and the bell
            from models import Notification
            from models.base import utcnow
            db.session.flush()
            db.session.add_all(Notification(user_id=user.id, kind="request_new", message=f"Bench notification {i}",
                                            record_type="queue", read_at=None if i % 3 == 0 else utcnow())
                               for i in range(n // 2))
    db.session.commit()
    return accounts


def measure(app, accounts: dict, repeat: int) -> list[dict]:
    from sqlalchemy import event

    from models import db
    statements = []
    with app.app_context():  # each request then pushes its own context (and its own `g`: no user carried over)
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    clients = {}
    for role, (email, _raw) in accounts.items():
        client = app.test_client()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
        assert response.status_code in (302, 303), f"{role} could not sign in"
        clients[role] = client
    rows = []
    for name, role, path in PAGES:
        role, _, language = role.partition("@")
        if role.startswith("bearer:"):
            role = role.split(":")[1]
            client, headers = app.test_client(), {"Authorization": f"Bearer {accounts[role][1]}"}
        else:
            client, headers = clients[role], {}
        if language:
            headers = dict(headers, **{"Accept-Language": language})
        status = client.get(path, headers=headers).status_code  # warm: templates compiled, first use recorded
        times = []
        for _ in range(repeat):
            statements.clear()
            start = time.perf_counter()
            client.get(path, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
        rows.append({"page": name, "path": path, "status": status, "queries": len(statements),
                     "median_ms": round(statistics.median(times), 2), "mean_ms": round(statistics.fmean(times), 2)})
        print(f"{name:22} {status:4} {len(statements):4} queries  median {rows[-1]['median_ms']:8.2f} ms  "
              f"mean {rows[-1]['mean_ms']:8.2f} ms", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=0, help="requests of the larger data set (0: reference only)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", help="write the rows to this file")
    args = parser.parse_args()
    from app import create_app
    from models import db
    work = ROOT / "bench" / "work"
    work.mkdir(parents=True, exist_ok=True)
    database = work / f"pages-{args.requests}.db"
    database.unlink(missing_ok=True)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    import logging
    logging.getLogger("palermo").setLevel(logging.WARNING)
    with app.app_context():
        started = time.perf_counter()
        accounts = build(app, args.requests)
        print(f"data built in {time.perf_counter() - started:.0f} s ({args.requests} requests)", flush=True)
        db.session.remove()
    rows = measure(app, accounts, args.repeat)
    if args.json:
        Path(args.json).write_text(json.dumps({"requests": args.requests, "repeat": args.repeat, "pages": rows},
                                              indent=2))


if __name__ == "__main__":
    main()
