"""Downloads too large for a request, as jobs (issue 28): an export of more than EXPORT_JOB_ROWS rows, the period
report over more than a year, the IATI file. A thin wrapper around the existing views: the page that would have
answered starts a job instead and sends the browser to its progress page; the job then calls *the same view* as
the same user, with the same address and parameters, and keeps what it answered as the job's file. No export's
own code changes: the view runs again, knowing it is inside a job (`in_job`), and answers in full.
"""
import re

import sqlalchemy as sa
from flask import abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app import work_limits
from app.formatting import format_number
from app.languages import current_language, speaking
from app.services.jobs import broker as job_broker
from app.services.jobs import progress
from app.services.jobs.registry import JobFailed, Result, job
from models import User, db

_FILENAME = re.compile(r'filename="?([^";]+)"?')


def in_job() -> bool:
    """True while a job runs this code (the view then answers in full)."""
    return progress.current() is not None


def too_many(rows: int) -> bool:
    """An export of `rows` rows is a job (more than EXPORT_JOB_ROWS), unless it already runs as one."""
    return rows > current_app.config["EXPORT_JOB_ROWS"] and not in_job()


def count_of(select: sa.Select, key: str = "id") -> int:
    """How many distinct `key`s (the listed entity's id column) the export's `select` holds: one COUNT query, its
    eager loads, order and paging left out (a subquery's loader options are not applied)."""
    inner = select.order_by(None).limit(None).offset(None).subquery()
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(inner.c[key]))).select_from(inner)) or 0


def too_many_in(select: sa.Select, key: str = "id") -> bool:
    """`too_many` for an export whose rows are those of `select` (counted only outside a job)."""
    return not in_job() and too_many(count_of(select, key))


def offload(label: str, kind: str = "export", filename: str | None = None, endpoint: str | None = None):
    """Start the current request's download as a job of the caller's and answer 303 to its progress page — to its
    file when it has already run (no broker: in-process) — or 503 with the reason when the job queue is down
    (nothing is started; the page can be tried again). `endpoint`: the view that makes the file, when it is not the
    one answering now (a POST that starts the job of a GET download). It counts as one of the caller's exports
    (app.work_limits: once per request, a .csv address counted already is not counted again)."""
    work_limits.count("export")
    try:
        started = job_broker.enqueue(kind, endpoint or request.endpoint, request.view_args or {},
                                     request.args.to_dict(flat=False), current_user.id, filename,
                                     current_language(), owner=current_user._get_current_object(), label=label)
    except job_broker.QueueUnavailable as exc:
        abort(503, description=exc.message)
    if started.status == "finished" and started.has_file:  # run in-process: it is ready, hand it over at once
        return redirect(url_for("jobs.download", job_id=started.id), 303)
    return redirect(url_for("jobs.detail", job_id=started.id), 303)


def _run_view(endpoint: str, view_args: dict, args: dict, user_id: int, filename: str | None,
              language: str | None = None) -> Result:
    with speaking(language):  # what the job says about the file, in the language the file is in
        return _made(endpoint, view_args, args, user_id, filename, language)


def _made(endpoint: str, view_args: dict, args: dict, user_id: int, filename: str | None,
          language: str | None) -> Result:
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise JobFailed(_("The account that asked for this download no longer exists or is disabled."))
    app = current_app._get_current_object()
    with app.test_request_context():
        path = url_for(endpoint, **view_args)
    # The file in the language it was asked in (its labels, the period report's text): the browser's own choice,
    # which the account's choice, when it made one, already was.
    headers = {"Accept-Language": language} if language else {}
    with app.test_request_context(path, query_string=args, headers=headers):
        login_user(user)
        progress.report_progress(0, 1)
        response = app.make_response(app.view_functions[endpoint](**view_args))
        data = response.get_data()  # a streamed body is read here, while the request it reads in is open
        progress.report_progress(1, 1)
    if response.status_code != 200:
        raise JobFailed(_("The download could not be made (the page answered %(status)s): check the filters and "
                          "try again.", status=response.status_code))
    match = _FILENAME.search(response.headers.get("Content-Disposition", ""))
    name = match.group(1) if match else (filename or "download")
    return Result(_("%(name)s is ready (%(size)s bytes).", name=name, size=format_number(len(data))), file_name=name,
                  file_type=response.mimetype, data=data)


@job("export", time_limit=1800)
def run_export(endpoint: str, view_args: dict, args: dict, user_id: int, filename: str | None = None,
                      language: str | None = None) -> Result:
    """A list's export, made by its own view as `user_id`."""
    return _run_view(endpoint, view_args, args, user_id, filename, language)


@job("period_report", time_limit=1800)
def run_period_report(endpoint: str, view_args: dict, args: dict, user_id: int, filename: str | None = None,
                      language: str | None = None):
    """The period report over more than a year (the page, kept as a file to open or print)."""
    return _run_view(endpoint, view_args, args, user_id, filename, language)


@job("iati", time_limit=1800)
def run_iati(endpoint: str, view_args: dict, args: dict, user_id: int, filename: str | None = None,
                      language: str | None = None) -> Result:
    """The IATI activity file, regenerated as `user_id` sees the funded activities."""
    return _run_view(endpoint, view_args, args, user_id, filename, language)
