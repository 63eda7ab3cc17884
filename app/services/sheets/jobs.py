"""The spreadsheet import's confirmation as a job (issue 28): thousands of rows take longer than a request may.

All or nothing as before: the rows and the job's "finished" commit together; a refusal fails the job with the
reason in words and writes nothing. Run twice (a retry, a double click that got through), it imports once: the
second run finds the import's audit entry and says so.
"""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.formatting import format_number
from app.languages import speaking
from app.scoping import for_user
from app.services.jobs.registry import JobFailed, Result, job
from app.services.sheets import sheet_uploads
from models import User, db

#: The list each kind's import returns to.
LISTS = {"requests": "requests.index", "activities": "activities.index"}


def _path(endpoint: str) -> str:
    with current_app.test_request_context():
        return url_for(endpoint)


@job("sheet_import", time_limit=900)
def confirm_upload(kind: str, upload_id: str, user_id: int, language: str | None = None) -> Result:
    """Import every row of the previewed upload `upload_id` as `user_id`, or none; what it says, in `language`
    (the page's)."""
    with speaking(language):
        return _confirm(kind, upload_id, user_id)


def _confirm(kind: str, upload_id: str, user_id: int) -> Result:
    actor = db.session.get(User, user_id)
    if actor is None or not actor.is_active:
        raise JobFailed(_("The account that started this import no longer exists or is disabled: nothing was "
                          "imported."))
    spec = sheet_uploads.module(kind)
    done = sheet_uploads.imported(upload_id)
    if done is not None:
        return Result(sheet_uploads.already_message(done), link=_path(LISTS[kind]))
    stored = sheet_uploads.load(upload_id, kind)
    if stored is None or stored.expired:
        raise JobFailed(_("The preview of this file is more than an hour old or was removed: upload the file again. "
                        "Nothing was imported."))
    try:
        report = sheet_uploads.confirm(stored, for_user(actor), actor)
    except sheet_uploads.ImportRefused as exc:
        raise JobFailed(str(exc)) from None
    if not report.ok:
        first = "; ".join(_("row %(row)s, %(column)s: %(message)s", row=e.row, column=e.column, message=e.message)
                          if e.column else _("row %(row)s: %(message)s", row=e.row, message=e.message)
                          for e in report.errors[:3])
        raise JobFailed(ngettext("%(count)s row is refused now (the record changed since the preview) — %(first)s. "
                                 "Nothing was imported: open the preview again to see every row.",
                                 "%(count)s rows are refused now (the record changed since the preview) — %(first)s. "
                                 "Nothing was imported: open the preview again to see every row.",
                                 len(report.bad_rows), count=format_number(len(report.bad_rows)), first=first))
    return Result(spec.imported_message(len(report.written), stored.filename), link=_path(LISTS[kind]))
