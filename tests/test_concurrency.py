"""Concurrent writes never crash (issue 8, item 3): real threads and processes against a real database.

The rest of the suite runs each test inside one rolled-back transaction, where nothing is ever concurrent. These
tests need commits that other connections see, so they use a scratch database of their own: a SQLite file, or —
when TEST_DATABASE_URL is PostgreSQL — a schema of their own in that database, dropped afterwards.
"""
import os
import re
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.seed.reference import DATA
from models import AuditEntry, Instrument, TreatyAction, db
from tests import factories
from tests.conftest import PASSWORD, csrf_token, login

ROOT = Path(__file__).resolve().parents[1]
UNTC = DATA / "untc"


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """An app on a database of its own, with the reference record and an admin: (app, url, admin email)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    schema = None
    if url.startswith("postgresql"):
        schema = f"security_scratch_{uuid.uuid4().hex[:8]}"
        admin_engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = sa.engine.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('concurrency') / 'scratch.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, IMPORT_LOCK_TIMEOUT=60,
                     IMPORT_PREVIEW_FOLDER=str(tmp_path_factory.mktemp("previews")))
    with app.app_context():
        db.create_all()
        from app.seed.reference import load_reference
        load_reference()
        # The record before any table was imported (the annex's deposits), so that an import has work to do.
        factories.record_as_printed_in_the_annex()
        admin = factories.user("admin", email="admin@scratch.test")
        db.session.commit()
        email = admin.email
        db.session.remove()
    try:
        yield app, url, email
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema:
            with admin_engine.connect() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin_engine.dispose()


def _count(app, query):
    with app.app_context():
        try:
            return db.session.scalar(query)
        finally:
            db.session.remove()


def _deposits(code):
    return (sa.select(sa.func.count()).select_from(TreatyAction).join(Instrument)
            .where(Instrument.code == code, TreatyAction.category == "deposit"))


def _signed_in(app, email):
    client = app.test_client()
    assert login(client, type("Account", (), {"email": email})(), PASSWORD).status_code == 302
    return client


def test_four_confirmations_of_one_preview_at_once_give_one_import_and_three_refusals(scratch):
    app, _url, email = scratch
    uploader = _signed_in(app, email)
    response = uploader.post("/treaties/import", content_type="multipart/form-data", data={
        "instrument": "TIP", "file": ((UNTC / "XVIII-12-a-TIP.csv").open("rb"), "XVIII-12-a-TIP.csv"),
        "complete_to": "2014-01-01", "csrf_token": csrf_token(uploader, "/treaties/import")})
    assert response.status_code == 303
    location = response.headers["Location"]
    preview_id = location.rsplit("/", 1)[1]

    # Four tabs (or a fourfold click): each its own browser session, all pressing "Confirm" at the same moment.
    clients = [_signed_in(app, email) for _ in range(4)]
    tokens = [csrf_token(c, "/treaties/import") for c in clients]
    start = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def press(i):
        start.wait()
        answer = clients[i].post(location + "/confirm", data={"csrf_token": tokens[i]})
        page = clients[i].get(answer.headers["Location"]) if answer.status_code == 303 else answer  # a job's page
        answers[i] = (answer.status_code, page.get_data(as_text=True))

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # each confirmation is a job (issue 28), in-process here: one imports, the others say it was done already
    assert all(status in (303, 409) for status, _ in answers), [(s, b[:300]) for s, b in answers]
    assert sum("Imported XVIII-12-a-TIP.csv" in body for _, body in answers) == 1
    assert sum("This preview was already imported into TIP" in body for _, body in answers) == 3
    assert _count(app, _deposits("TIP")) == 159  # the table's deposits, once
    imports = sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "import", AuditEntry.after["preview"].as_string() == preview_id)
    assert _count(app, imports) == 1


def _cli(url, *args, timeout="60"):
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="scratch-" + "s" * 40, PALERMO_ENV="development",
               IMPORT_LOCK_TIMEOUT=timeout)
    env.pop("TEST_DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "treaties", "import", *args], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)


def test_four_command_line_imports_at_once_run_one_after_another(scratch):
    app, url, _email = scratch
    runs = [_cli(url, str(UNTC / "XVIII-12-b-SOM.csv"), "--instrument", "SOM", "--as-at", "2014-07-01")
            for _ in range(4)]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    for status, _out, err in results:
        assert status == 0 and "Traceback" not in err, err[-2000:]
    added = sorted(int(re.search(r"SOM: (\d+) added", out).group(1)) for _, out, _ in results)
    assert added == [0, 0, 0, 111]  # the first adds, the others find the record as it left it
    assert _count(app, _deposits("SOM")) == 138


def _hold_the_lock(app, code):
    """Another import of `code` in progress: a transaction holding the lock `lock_instrument` takes."""
    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection.begin()
        connection.execute(sa.select(Instrument.id).where(Instrument.code == code).with_for_update())
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    return connection


def test_an_import_that_waits_too_long_is_refused_with_a_message(scratch):
    app, url, email = scratch
    client = _signed_in(app, email)
    response = client.post("/treaties/import", content_type="multipart/form-data", data={
        "instrument": "FIREARMS", "file": ((UNTC / "XVIII-12-c-FIREARMS.csv").open("rb"), "firearms.csv"),
        "complete_to": "2014-07-01", "csrf_token": csrf_token(client, "/treaties/import")})
    location = response.headers["Location"]
    before = _count(app, _deposits("FIREARMS"))
    holder = _hold_the_lock(app, "FIREARMS")
    try:
        run = _cli(url, str(UNTC / "XVIII-12-c-FIREARMS.csv"), "--instrument", "FIREARMS", "--as-at", "2014-07-01",
                   timeout="0.5")
        status, _out, err = run.wait(timeout=120), *run.communicate()
        assert status == 1 and "Traceback" not in err, err[-2000:]
        assert "Another import of FIREARMS is in progress: nothing was imported. Try again in a moment." in err

        app.config["IMPORT_LOCK_TIMEOUT"] = 0.5
        answer = client.post(location + "/confirm", data={"csrf_token": csrf_token(client, "/treaties/import")})
        # a job, which fails saying why — or, on SQLite, whose whole database the other import holds, not started
        if answer.status_code == 303:
            assert "Another import of FIREARMS is in progress" in client.get(answer.headers["Location"]).get_data(
                as_text=True)
        else:
            assert answer.status_code == 503 and "busy with another import" in answer.get_data(as_text=True)
    finally:
        app.config["IMPORT_LOCK_TIMEOUT"] = 60
        holder.rollback()
        holder.close()
    assert _count(app, _deposits("FIREARMS")) == before
    # Once the other import is over, the same preview goes through.
    answer = client.post(location + "/confirm", data={"csrf_token": csrf_token(client, "/treaties/import")})
    assert answer.status_code == 303
    assert _count(app, _deposits("FIREARMS")) > before


def test_two_people_entering_the_same_action_at_once_get_one_record_and_one_clear_refusal(scratch):
    app, _url, email = scratch
    clients = [_signed_in(app, email) for _ in range(2)]  # an admin may enter actions too
    tokens = [csrf_token(c, "/treaties/actions/new") for c in clients]
    start = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def enter(i):
        start.wait()
        answer = clients[i].post("/treaties/actions/new", data={
            "participant": "AND", "instrument": "UNTOC", "kind": "ratification", "action_date": "2011-09-22",
            "note": "", "csrf_token": tokens[i]})
        answers[i] = (answer.status_code, answer.get_data(as_text=True))

    threads = [threading.Thread(target=enter, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [302, 422], [(s, b[:300]) for s, b in answers]
    assert any("already has a deposit of UNTOC on record" in body for _, body in answers)


def test_requests_and_activities_logged_at_once_on_one_pair_keep_the_outcome_figures(scratch):
    """The figures the writes keep (app.services.treaties.outcome_facts) are made again by each writer for the pairs
    it touches: writers at once on one State and instrument neither collide on the kept rows nor keep figures
    counted before another's change — what they keep is what a rebuild makes."""
    from datetime import date

    from app.scoping import EVERYTHING
    from app.services.activities import activity_writes
    from app.services.requests import request_writes
    from app.services.treaties import outcome_facts
    from models import OutcomeFact, OutcomeMonth, OutcomeRequest, User
    app, _url, email = scratch
    writers = 6
    start = threading.Barrier(writers)
    failures = []

    def write(n: int) -> None:
        with app.app_context():
            try:
                start.wait()
                if n % 2:
                    officer = db.session.scalar(sa.select(User).where(User.email == email))
                    request_writes.create(EVERYTHING, {
                        "state": "ISL", "instruments": ["SOM"], "kind": "legislative_review",
                        "received_date": date(2020, 1, 10 + n), "channel": None, "requesting_authority": None,
                        "subject": f"Request {n}", "description": None, "priority": "normal", "due_date": None},
                        officer, date(2026, 11, 23))
                else:
                    activity_writes.save(EVERYTHING, None, activity_writes.ActivityData(
                        kind="mission", status="under_way", title=f"Mission {n}", served=("ISL",),
                        instruments=("SOM",), visits=(activity_writes.VisitData(
                            "ISL", date(2020, 2, 1 + n), date(2020, 2, 2 + n)),)))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 (every failure is the finding)
                failures.append(f"writer {n}: {exc!r:.600}")
            finally:
                db.session.remove()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with app.app_context():
        def kept():
            return [sorted(tuple(r) for r in db.session.execute(sa.select(m.__table__)))
                    for m in (OutcomeRequest, OutcomeFact, OutcomeMonth)]
        before = kept()
        outcome_facts.rebuild()
        assert kept() == before
        assert any(row[0] == 0 and row[3] == "mission" for row in before[1])  # the missions counted
        db.session.rollback()
        db.session.remove()


def test_two_workers_delivering_one_message_at_once_send_it_once(scratch, monkeypatch):
    """Two job workers handed the same message at the same moment (a retry and the first try crossing): one sends,
    the other finds it taken — on SQLite too, where SELECT … FOR UPDATE locks nothing."""
    from app.services.mail import compose, outbox
    from models import OutboxMessage, User
    from tests.smtp_server import pointed_at, smtp_server
    app, _url, email = scratch
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == email))
        message_id = compose.send("password_reset", email, "Sent once", "password_reset", admin.id, user=admin,
                                  link="https://palermo.example/x").id
        db.session.commit()  # not dispatched: this context ends here, and the two workers below deliver it
        db.session.remove()
    slow_send = outbox._send

    def send_slowly(message):  # both workers inside the exchange at once, were both let in
        import time
        time.sleep(0.5)
        slow_send(message)
    monkeypatch.setattr(outbox, "_send", send_slowly)
    results, start = [], threading.Barrier(2)

    def worker():
        with app.app_context():
            start.wait()
            results.append(outbox.deliver(message_id))
            db.session.remove()
    with smtp_server() as inbox, pointed_at(app, inbox.port):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(results, key=str) == [None, "sent"]
        assert len(inbox.to(email)) == 1
    with app.app_context():
        sent = db.session.get(OutboxMessage, message_id)
        assert sent.status == "sent" and sent.attempts == 1 and sent.claimed_until is None
        db.session.remove()
