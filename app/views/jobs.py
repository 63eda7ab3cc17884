""""Your downloads and imports": the caller's jobs (list, one job's progress and result, its file). Only the owner
sees a job or downloads its result; another's is a 404, as a job that does not exist."""
from flask import Blueprint, Response, abort, render_template
from flask_login import current_user

from app.permissions import login_required
from app.services.jobs import broker as job_broker
from app.services.jobs import reads as job_reads
from app.views.helpers import list_filters
from forms.jobs import JobFilterForm
from models.job import JOB_KINDS

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.get("/")
@login_required
def index():
    """The caller's jobs, newest first, filtered by status, kind and name."""
    form, filters, paging = list_filters(JobFilterForm)
    if filters is None:
        return render_template("jobs/list.html", form=form, page=None, kinds=JOB_KINDS), 400
    page = job_reads.list_page(current_user.id, job_reads.JobFilters(**filters), paging)
    return render_template("jobs/list.html", form=form, page=page, kinds=JOB_KINDS)


@bp.get("/<int:job_id>")
@login_required
def detail(job_id: int):
    """One job: its progress bar while it runs (the page polls the API), then its result or why it failed."""
    job = job_reads.get(current_user.id, job_id) or abort(404)
    done, total = job_broker.live_progress(job)
    return render_template("jobs/detail.html", job=job, done=done, total=total, kinds=JOB_KINDS)


@bp.get("/<int:job_id>/download")
@login_required
def download(job_id: int):
    """The job's result file, to its owner only."""
    job = job_reads.result_file(current_user.id, job_id) or abort(404)
    response = Response(job.result_data, mimetype=job.result_type or "application/octet-stream")
    # a report made as a page (the period report) opens in the browser; a table downloads
    disposition = "inline" if response.mimetype == "text/html" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{job.result_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
