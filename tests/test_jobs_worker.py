"""The job queue with a REAL RQ worker on a real Redis (127.0.0.1:6379, database 5; skipped only when that Redis
cannot be reached — CI has one): an import and an export taken by a worker, and a worker killed in the middle of
an import (rolled back whole, the job failed by the reaper, the owner told).

These tests need commits a worker in another thread or process can see, so they run on an application and a
SQLite file of their own (not the rolled-back test transaction), on a queue name of their own.
"""
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from models import AssistanceRequest, Job, User, db
from tests.conftest import PASSWORD, csrf_token, login

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
ROOT = Path(__file__).resolve().parents[1]


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [pytest.mark.skipif(not _redis_up(), reason=f"no Redis at {REDIS_URL}"),
              pytest.mark.xdist_group("jobs_worker")]


@pytest.fixture(scope="module")
def worker_app(tmp_path_factory):
    from app import create_app
    from app.seed.reference import load_reference
    folder = tmp_path_factory.mktemp("jobs")
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'jobs.db'}", "JOB_QUEUE_URL": REDIS_URL,
                "JOB_QUEUE_NAME": f"palermo-test-{uuid.uuid4().hex[:8]}",
                "IMPORT_PREVIEW_FOLDER": str(folder / "previews")}
    app = create_app("testing", **settings)
    with app.app_context():
        db.create_all()
        load_reference()
        user = User(email="worker@example.test", name="Worker Test", role="officer")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        app.settings = settings
        yield app
        db.session.remove()
    redis.Redis.from_url(REDIS_URL).delete(f"rq:queue:{settings['JOB_QUEUE_NAME']}")


@pytest.fixture()
def signed_in(worker_app):
    client = worker_app.test_client()
    with worker_app.app_context():
        user = db.session.scalars(sa.select(User).filter_by(email="worker@example.test")).one()
        assert login(client, user).status_code == 302
    return client


def _sheet(subject: str, rows: int) -> bytes:
    lines = ["State,Instruments,Kind,Subject"] + [f"BOL,UNTOC,Training,{subject} {n}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _start_import(client, subject: str, rows: int):
    uploaded = client.post("/requests/import", content_type="multipart/form-data", data={
        "file": (io.BytesIO(_sheet(subject, rows)), f"{subject}.csv"),
        "csrf_token": csrf_token(client, "/requests/import")})
    assert uploaded.status_code == 303, uploaded.get_data(as_text=True)[:500]
    token = csrf_token(client, "/requests/import")
    from tests.helpers import count_queries
    with count_queries() as statements:
        started = client.post(uploaded.headers["Location"] + "/confirm", data={"csrf_token": token})
    assert started.status_code == 303 and started.headers["Location"].startswith("/jobs/")
    return int(started.headers["Location"].rsplit("/", 1)[1]), statements


def _imported(subject: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest).where(
        AssistanceRequest.subject.like(f"{subject} %")))


def job_reaper_alive(pid: int) -> bool:
    from app.services.jobs.reaper import _process_alive
    return _process_alive(pid)


def _work(app):
    from rq import SimpleWorker

    from app.services.jobs import broker as job_broker
    queue = job_broker.rq_queue()
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_an_import_waits_for_a_worker_then_imports_all(worker_app, signed_in):
    with worker_app.app_context():
        job_id, statements = _start_import(signed_in, "Queued import", 40)
        # the page that starts the job answers at once: it neither reads nor writes the rows
        assert len(statements) <= 12, statements
        job = db.session.get(Job, job_id)
        assert job.status == "queued" and _imported("Queued import") == 0
        page = signed_in.get(f"/jobs/{job_id}").get_data(as_text=True)
        assert "Waiting" in page and "job_progress.js" in page
        _work(worker_app)
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        assert job.status == "finished" and job.result_summary == "Imported 40 requests from Queued import.csv."
        assert (job.done, job.total) == (80, 80) and _imported("Queued import") == 40
        item = signed_in.get(f"/api/v1/jobs/{job_id}").get_json()
        assert item["status"] == "finished" and item["percent"] == 100 and item["link"] == "/requests/"


def test_an_export_over_the_limit_is_made_by_the_worker(worker_app, signed_in):
    worker_app.config["EXPORT_JOB_ROWS"] = 5
    try:
        with worker_app.app_context():
            started = signed_in.get("/requests.xlsx")
            assert started.status_code == 303 and started.headers["Location"].startswith("/jobs/")
            job_id = int(started.headers["Location"].rsplit("/", 1)[1])
            assert signed_in.get(f"/jobs/{job_id}/download").status_code == 404  # not made yet
            _work(worker_app)
            download = signed_in.get(f"/jobs/{job_id}/download")
            assert download.status_code == 200 and download.data[:2] == b"PK"  # a workbook
            from openpyxl import load_workbook
            sheet = load_workbook(io.BytesIO(download.data)).active
            assert sheet.max_row == db.session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest)) + 1
    finally:
        worker_app.config["EXPORT_JOB_ROWS"] = 10_000


def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_failed(worker_app, signed_in):
    settings = worker_app.settings
    factory = "app:create_app('testing', " + ", ".join(f"{k}={v!r}" for k, v in settings.items()) + ")"
    with worker_app.app_context():
        job_id, _ = _start_import(signed_in, "Killed import", 3000)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", factory, "jobs", "worker"], cwd=ROOT,
                              start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        with worker_app.app_context():
            while time.monotonic() < deadline:
                db.session.expire_all()
                if db.session.get(Job, job_id).status == "running":
                    break
                time.sleep(0.1)
            running = db.session.get(Job, job_id)
            assert running.status == "running"
            horse = int(running.worker.rsplit(":", 1)[1])  # RQ runs each job in a forked "work horse" of its own
            time.sleep(1.0)  # in the middle of checking and writing 3,000 rows
            os.kill(horse, signal.SIGKILL)  # what the kernel's out-of-memory killer would do
            for _ in range(100):  # a process in the middle of a disk write dies once the write returns
                if not job_reaper_alive(horse):
                    break
                time.sleep(0.1)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    with worker_app.app_context():
        from app.services.jobs import events
        from app.services.jobs import reaper as job_reaper
        told = []
        listener = events.on_job_finished(lambda job: told.append((job.id, job.owner.email)))
        try:
            db.session.expire_all()
            assert db.session.get(Job, job_id).status == "running"  # the worker could not say anything
            assert job_reaper.reap() == [job_id]
        finally:
            events._LISTENERS.remove(listener)
        job = db.session.get(Job, job_id)
        assert job.status == "failed" and "stopped before it finished" in job.error
        assert _imported("Killed import") == 0  # nothing half-written
        assert told == [(job_id, "worker@example.test")]
        page = signed_in.get(f"/jobs/{job_id}").get_data(as_text=True)
        assert "It failed" in page and "Nothing was changed: start it again." in page


def test_a_job_over_its_time_limit_is_stopped_and_fails_in_words(worker_app):
    from app.services.jobs import broker as job_broker
    from app.services.jobs import registry

    @registry.job("test_slow", time_limit=1)
    def _slow():
        db.session.add(User(email="slow@example.test", name="Slow", role="officer", password_hash="x"))
        db.session.flush()
        time.sleep(10)

    with worker_app.app_context():
        owner = db.session.scalars(sa.select(User).filter_by(email="worker@example.test")).one()
        job = job_broker.enqueue("test_slow", owner=owner, label="Too slow")
        assert job.status == "queued" and job.time_limit == 1
        started = time.monotonic()
        _work(worker_app)
        assert time.monotonic() - started < 8  # RQ stopped it at its limit
        db.session.expire_all()
        job = db.session.get(Job, job.id)
        assert job.status == "failed" and "longer than its limit of 1 seconds" in job.error
        assert db.session.scalars(sa.select(User).filter_by(email="slow@example.test")).first() is None


def test_an_e_mail_waits_for_a_worker_then_arrives_once(worker_app):
    from app.services.mail import compose, outbox
    from models import OutboxMessage
    from tests.smtp_server import pointed_at, smtp_server
    with worker_app.app_context(), smtp_server() as inbox, pointed_at(worker_app, inbox.port):
        user = db.session.scalars(sa.select(User).filter_by(email="worker@example.test")).one()
        message = compose.send("password_reset", user.email, "Worker mail", "password_reset", user.id, user=user,
                               link=compose.url("account.profile"))
        db.session.commit()
        assert outbox.dispatch_committed() == 1
        job = db.session.scalars(sa.select(Job).where(Job.kind == "mail.deliver")
                                 .order_by(Job.id.desc())).first()
        assert job.args == [message.id] and job.status == "queued" and inbox.to(user.email) == []
        assert outbox.deliver_due() == 0  # leased while its job waits: not enqueued twice
        _work(worker_app)
        db.session.expire_all()
        assert db.session.get(Job, job.id).status == "finished"
        assert db.session.get(OutboxMessage, message.id).status == "sent"
        assert [m["Subject"] for m in inbox.to(user.email)] == ["Worker mail"]
