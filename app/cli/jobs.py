"""flask jobs worker | cron | reap | run: the job queue's processes (RQ on the Redis of JOB_QUEUE_URL)."""
import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("jobs")
def jobs():
    """The job queue: workers that run imports, large exports and reports; the scheduler of timed work."""


def _url(url: str | None) -> str:
    url = url or current_app.config.get("JOB_QUEUE_URL")
    if not url:
        raise click.ClickException("Set JOB_QUEUE_URL (e.g. redis://127.0.0.1:6379/1): without it every job runs "
                                   "in the web process and no worker is needed.")
    return url


@jobs.command("worker")
@click.option("--url", help="The Redis to take jobs from (default: JOB_QUEUE_URL).")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
@click.option("--name", help="The worker's name (default: host and process id).")
@with_appcontext
def worker(url, burst, name):
    """Run a worker (RQ, with its scheduler of delayed jobs): start as many as you like, on any machine that
    reaches the same Redis and database. Jobs whose worker died are failed first (the reaper)."""
    from rq import Worker

    from app.services.jobs import broker as job_broker
    from app.services.jobs import reaper as job_reaper
    from models import db
    url = _url(url)
    current_app.config["JOB_QUEUE_URL"] = url
    lost = job_reaper.reap()
    if lost:
        click.echo(f"Marked {len(lost)} job(s) whose worker had died as failed: {', '.join(map(str, lost))}")
    db.session.remove()
    db.engine.dispose()  # each job runs in a forked process that opens its own connections
    queue = job_broker.rq_queue(url)
    Worker([queue], connection=queue.connection, name=name).work(with_scheduler=True, burst=burst)


@jobs.command("cron")
@click.option("--url", help="The Redis to put due work on (default: JOB_QUEUE_URL).")
@with_appcontext
def cron(url):
    """Run RQ's cron scheduler with every registered schedule (digests, reminders, the reaper). One per
    installation: two would put each run on the queue twice."""
    from app.services.jobs import broker as job_broker
    from app.services.jobs import schedules
    url = _url(url)
    for name, schedule in sorted(schedules.all_schedules().items()):
        click.echo(f"{name}: {schedule.cron or f'every {schedule.interval} s'}")
    schedules.cron_scheduler(job_broker.connection(url), current_app.config["JOB_QUEUE_NAME"]).start()


@jobs.command("reap")
@with_appcontext
def reap():
    """Mark as failed the running jobs whose worker has died (their work was rolled back)."""
    from app.services.jobs import reaper as job_reaper
    lost = job_reaper.reap()
    click.echo(f"{len(lost)} job(s) marked failed" + (f": {', '.join(map(str, lost))}" if lost else ""))


@jobs.command("run")
@click.argument("name")
@with_appcontext
def run(name):
    """Run the scheduled function NAME now (what the cron scheduler does when it is due)."""
    from app.services.jobs import schedules
    if name not in schedules.all_schedules():
        raise click.ClickException(f"No schedule {name!r}; there are: {', '.join(sorted(schedules.all_schedules()))}")
    schedules.run(name)
    click.echo(f"{name}: done")
