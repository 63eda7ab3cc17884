"""The job queue's engine in-process (the default without JOB_QUEUE_URL): a job's row, its function run through
`runner.perform` in one transaction, a failure rolled back whole and said in words, a job run twice run once,
Redis down refused before anything is written, the reaper failing jobs whose worker died, the schedules."""
import socket

import pytest
import sqlalchemy as sa

from app.services.jobs import broker as job_broker
from app.services.jobs import events, progress, registry, runner, schedules
from app.services.jobs import reaper as job_reaper
from models import Job, Organization, db
from tests import factories

CALLS = []


@registry.job("test_write", time_limit=30)
def _write_then_maybe_fail(name: str, fail: str | None = None):
    """Writes a record, reports progress, then fails if asked: the record must then be gone."""
    db.session.add(Organization(name=name, kind="donor_government"))
    db.session.flush()
    for step in range(1, 4):
        progress.report_progress(step, 3)
    CALLS.append(name)
    if fail == "words":
        raise registry.JobFailed("The file names a State twice; nothing was imported.")
    if fail == "crash":
        raise ZeroDivisionError("boom")
    return registry.Result(f"Made {name}.", file_name=f"{name}.txt", file_type="text/plain", data=b"hello")


def _orgs(name):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Organization).where(Organization.name == name))


@pytest.fixture()
def heard():
    found = []
    listener = events.on_job_finished(lambda job: found.append((job.id, job.status)))
    yield found
    events._LISTENERS.remove(listener)


def test_a_job_runs_in_process_and_keeps_its_result(app, session, heard):
    owner = factories.user()
    job = job_broker.enqueue("test_write", "Job Org One", owner=owner, label="Make one")
    assert job.status == "finished" and job.result_summary == "Made Job Org One."
    assert (job.done, job.total, job.percent) == (3, 3, 100)
    assert job.result_name == "Job Org One.txt" and job.result_data == b"hello"
    assert job.started_at and job.finished_at and job.worker == f"{socket.gethostname()}:{runner.os.getpid()}"
    assert _orgs("Job Org One") == 1 and heard == [(job.id, "finished")]


@pytest.mark.parametrize("fail, message", [
    ("words", "The file names a State twice; nothing was imported."),
    ("crash", "An unexpected error stopped the job; nothing was changed.")])
def test_a_failed_job_changes_nothing_and_says_why(app, session, heard, fail, message):
    owner = factories.user()
    job = job_broker.enqueue("test_write", f"Job Org {fail}", fail, owner=owner, label="Make, then fail")
    assert job.status == "failed" and job.error.startswith(message)
    assert _orgs(f"Job Org {fail}") == 0  # the record the function wrote was rolled back with it
    assert job.result_name is None and heard == [(job.id, "failed")]


def test_a_job_run_twice_runs_once(app, session):
    owner = factories.user()
    CALLS.clear()
    job = job_broker.enqueue("test_write", "Job Org Twice", owner=owner, label="Twice")
    assert runner.perform(job.id) == "finished"  # a second delivery of the same job (a retry, a second worker)
    assert CALLS == ["Job Org Twice"] and _orgs("Job Org Twice") == 1


def test_an_unknown_kind_is_refused_before_anything_is_written(app, session):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Job))
    with pytest.raises(LookupError):
        job_broker.enqueue("no_such_kind", owner=factories.user(), label="x")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == before


def test_redis_down_refuses_the_job_with_a_message_and_writes_nothing(app, session):
    app.config["JOB_QUEUE_URL"] = "redis://127.0.0.1:1/5"  # a closed port
    try:
        owner = factories.user()
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Job))
        with pytest.raises(job_broker.QueueUnavailable) as refused:
            job_broker.enqueue("test_write", "Job Org Down", owner=owner, label="Down")
        assert "cannot be reached" in refused.value.message and "nothing was changed" in refused.value.message
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == before
        assert _orgs("Job Org Down") == 0
    finally:
        app.config["JOB_QUEUE_URL"] = None


def test_the_reaper_fails_a_running_job_whose_worker_died(app, session, heard):
    owner = factories.user()
    dead = Job(owner_id=owner.id, kind="test_write", label="Killed", args=[], time_limit=30)
    alive = Job(owner_id=owner.id, kind="test_write", label="Alive", args=[], time_limit=30)
    db.session.add_all([dead, alive])
    db.session.flush()
    dead.start(f"{socket.gethostname()}:999999999")  # no such process
    alive.start(runner.worker_name())                # this very process
    db.session.commit()
    assert job_reaper.reap() == [dead.id]
    assert dead.status == "failed" and "stopped before it finished" in dead.error
    assert "Nothing was changed" in dead.error
    assert alive.status == "running" and heard == [(dead.id, "failed")]


def test_a_status_change_the_workflow_forbids_is_refused(app, session):
    job = Job(owner_id=factories.user().id, kind="test_write", label="x", args=[], time_limit=30, status="finished")
    with pytest.raises(ValueError, match="finished job cannot become failed"):
        job.fail("late")


def test_schedules_are_a_registry_run_in_one_transaction(app, session):
    assert "reap-jobs" in schedules.all_schedules()  # the reaper itself runs every minute

    @schedules.every("test-digest", cron="0 7 * * *")
    def digest():
        db.session.add(Organization(name="Scheduled Org", kind="donor_government"))

    try:
        schedules.run("test-digest")
        assert _orgs("Scheduled Org") == 1
        scheduler = schedules.cron_scheduler(None, "palermo")
        assert {j.name for j in scheduler.get_jobs()} >= {"test-digest", "reap-jobs"}
    finally:
        schedules._SCHEDULES.pop("test-digest")
    with pytest.raises(ValueError):
        schedules.every("both", cron="* * * * *", interval=5)
