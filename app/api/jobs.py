"""GET /api/v1/jobs and /api/v1/jobs/<id>: the caller's own jobs (imports, large exports, reports), with their
progress while they run — what the progress page polls. Another account's job is a 404, as a missing one."""
from flask import jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from app.api import bp
from app.api.common import ApiError, documented, list_args, page_schema
from app.formatting import iso
from app.permissions import login_required
from app.services.jobs import broker as job_broker
from app.services.jobs import reads as job_reads
from forms.jobs import JobFilterForm
from models import Job, db
from models.job import JOB_KINDS, JobStatus

JOB = {"type": "object", "properties": {
    "id": {"type": "integer"}, "kind": {"type": "string", "enum": list(JOB_KINDS)}, "label": {"type": "string"},
    "status": {"type": "string", "enum": [s.value for s in JobStatus]}, "status_label": {"type": "string"},
    "done": {"type": "integer"}, "total": {"type": "integer", "nullable": True},
    "percent": {"type": "integer", "minimum": 0, "maximum": 100},
    "error": {"type": "string", "nullable": True, "description": "Why it failed, in words."},
    "result": {"type": "string", "nullable": True, "description": "What it did, in words."},
    "download": {"type": "string", "nullable": True, "description": "The result file's address (its owner only)."},
    "link": {"type": "string", "nullable": True, "description": "The records it made."},
    "created_at": {"type": "string"}, "started_at": {"type": "string", "nullable": True},
    "finished_at": {"type": "string", "nullable": True}, "time_limit": {"type": "integer"}}}


def job_json(job: Job, live: bool = False) -> dict:
    done, total = job_broker.live_progress(job) if live else (job.done, job.total)
    percent = 100 if job.status == JobStatus.FINISHED else (min(100, 100 * done // total) if total else 0)
    return {"id": job.id, "kind": job.kind, "label": job.label, "status": job.status,
            "status_label": job.status_label, "done": done, "total": total, "percent": percent,
            "error": job.error, "result": job.result_summary,
            "download": url_for("jobs.download", job_id=job.id) if job.status == JobStatus.FINISHED
            and job.has_file else None,
            "link": job.result_link if job.status == JobStatus.FINISHED else None,
            "created_at": iso(job.created_at), "started_at": iso(job.started_at),
            "finished_at": iso(job.finished_at), "time_limit": job.time_limit}


@bp.get("/jobs")
@login_required
@documented("The caller's jobs, newest first, filtered by status, kind and name.", args=JobFilterForm,
            response=page_schema(JOB))
def jobs_list():
    filters, paging = list_args(JobFilterForm)
    page = job_reads.list_page(current_user.id, job_reads.JobFilters(**filters), paging)
    return jsonify(page.envelope(job_json))


@bp.get("/jobs/<int:job_id>")
@login_required
@documented("One of the caller's jobs with its progress (while it runs, as its worker last reported it).",
            response=JOB)
def jobs_item(job_id: int):
    try:
        job = job_reads.get(current_user.id, job_id)
    except OperationalError:  # SQLite: a worker's import holds the database while it commits
        db.session.rollback()
        raise ApiError(503, _("The database is busy finishing a job; ask again in a moment."), code="busy") from None
    if job is None:
        raise ApiError(404, _("There is no such job, or it is not yours."))
    return jsonify(job_json(job, live=True))
