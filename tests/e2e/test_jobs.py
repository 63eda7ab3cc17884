"""A 5,000-row spreadsheet of activities imported as a job in a real browser (issue 28): the confirmation answers
at once with the job's page, whose progress bar moves as a real RQ worker checks and writes the rows, then shows
the outcome. Its own served instance and worker (Redis database 5, a queue of its own); skipped when Redis is
unreachable."""
import contextlib
import csv
import io
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis

from tests.e2e.conftest import PASSWORD, ROOT, _free_port, _run_flask_commands

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
ROWS = 5000


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason=f"no Redis at {REDIS_URL}: the job queue's browser test")


@pytest.fixture(scope="module")
def queued_server(tmp_path_factory):
    """A served instance whose jobs go to Redis, with one worker: {"url", "email"}."""
    folder = tmp_path_factory.mktemp("e2e-jobs")
    queue = f"palermo-e2e-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder / 'jobs.db'}", SECRET_KEY="e2e-" + "j" * 40,
               PALERMO_PASSWORD=PASSWORD, PALERMO_ENV="development", JOB_QUEUE_URL=REDIS_URL, JOB_QUEUE_NAME=queue,
               IMPORT_PREVIEW_FOLDER=str(folder / "previews"), ATTACHMENT_FOLDER=str(folder / "attachments"))
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    # in one process, as the shared live server's are (conftest): with three `flask` processes this setup took
    # 19 s, in one 15 s
    _run_flask_commands([["db", "upgrade"], ["seed", "reference"],
                         ["users", "create", "jobs@e2e.test", "--role", "officer"]], env)
    port = _free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115
    processes = [subprocess.Popen(flask + ["run", "--port", str(port), "--no-reload"], cwd=ROOT, env=env,
                                  stdout=log, stderr=log, start_new_session=True),
                 subprocess.Popen(flask + ["jobs", "worker"], cwd=ROOT, env=env, stdout=log, stderr=log,
                                  start_new_session=True)]
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/login", timeout=1)
            break
        except Exception:
            time.sleep(0.2)
    yield {"url": url, "email": "jobs@e2e.test", "log": folder / "server.log"}
    for process in processes:
        process.terminate()
        process.wait(timeout=20)
    redis.Redis.from_url(REDIS_URL).delete(f"rq:queue:{queue}")


def _sheet(template: str) -> bytes:
    header, example = list(csv.reader(io.StringIO(template.lstrip("\ufeff"))))[:2]
    title = header.index("Title")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for n in range(ROWS):
        row = list(example)
        row[title] = f"E2E job activity {n}"
        writer.writerow(row)
    return out.getvalue().encode()


def test_a_5000_row_import_runs_as_a_job_with_a_progress_bar(page, queued_server, tmp_path: Path):
    url = queued_server["url"]
    page.goto(url + "/login")
    page.fill("input[name=email]", queued_server["email"])
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    template = page.request.get(url + "/activities/import/template.csv").text()
    sheet = tmp_path / "activities.csv"
    sheet.write_bytes(_sheet(template))

    page.goto(url + "/activities/import")
    page.set_input_files("input[type=file]", str(sheet))
    page.click("#upload-form [type=submit]")
    page.wait_for_url("**/activities/import/*", timeout=120_000)
    assert f"{ROWS:,} ready to import" in page.inner_text("#summary")

    started = time.monotonic()
    page.click(f"text=Import {ROWS:,} activities")
    page.wait_for_url("**/jobs/*")
    answered = time.monotonic() - started
    assert page.locator("#job-bar").count() == 1
    seen = set()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if "Finished" in page.inner_text("#job-status") or page.locator(".alert-danger").count():
            break
        with contextlib.suppress(Exception):  # the page reloads itself when the job ends
            seen.add(int(page.get_attribute("#job-bar", "value") or 0))
        time.sleep(0.25)
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert f"Imported {ROWS:,} activities from activities.csv." in main, main[:1000]
    assert page.get_attribute("#job-bar", "value") == "100"
    assert any(0 < value < 100 for value in seen), seen  # the bar moved while the worker worked
    print(f"confirmation answered in {answered:.2f} s; progress seen: {sorted(seen)}")
    page.click("text=Open the records")
    page.wait_for_url("**/activities/")
    assert not page.console_errors, page.console_errors
