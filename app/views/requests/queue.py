"""The managers' queue at /queue (CONTRACT.md): requests awaiting a decision by priority then age, the counts of
the ageing buckets, filters, assignment of many requests in one action, and each row's decisions."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from app import form_choices
from app.listing import page_of
from app.page_cache import cached_page
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.core.errors import Refused
from app.services.requests import queue as queue_service
from app.services.requests import request_reads, request_writes
from app.views.helpers import list_filters, show_refusal
from forms.requests import BulkAssignForm, QueueFilterForm
from models import db

bp = Blueprint("queue", __name__, url_prefix="/queue")


def _queue_page(bulk_form=None, status=200):
    """The queue for the filters of the query string (the bulk form posts to the same query string, so that a
    refusal shows the queue the manager was looking at)."""
    staff = request_reads.staff_accounts()
    form, filters, paging = list_filters(QueueFilterForm, lambda f: f.assigned_officer.set_accounts(staff))
    scope = for_user(current_user)
    bulk_form = bulk_form or BulkAssignForm(formdata=None)
    bulk_form.officer.set_accounts([u for u in staff if u.is_active])
    if filters is None:
        return render_template("requests/queue/index.html", form=form, page=page_of([], paging), figures=None,
                               bulk_form=bulk_form, moves={}, ticked=set(), buckets_args={}, ages={},
                               old_requests=[]), 400
    filters = queue_service.QueueFilters(**filters)
    page = queue_service.list_page(scope, filters, paging)
    figures = queue_service.figures(scope, filters, today=None)
    ticked = {int(v.split(":")[0]) for v in (bulk_form.requests.data or []) if ":" in v}
    moves = {r.id: request_writes.moves_for(r, current_user) for r in page.items}
    return render_template("requests/queue/index.html", form=form, page=page, figures=figures, bulk_form=bulk_form,
                           moves=moves, ticked=ticked, ages=request_reads.ages(page.items, figures.today),
                           old_requests=request_reads.awaiting_since(scope, figures.today),
                           buckets_args={k: v for k, v in request.args.items() if k not in ("age", "page")}), status


@bp.get("")
@permission_required(Permission.DECIDE_REQUESTS)
@cached_page
def index():
    """Pending and under-review requests, urgent and oldest first."""
    return _queue_page()


@bp.post("/assign")
@permission_required(Permission.DECIDE_REQUESTS)
def assign():
    """Assign every ticked request to one officer: all of them, or none when any is unknown or has moved."""
    form = BulkAssignForm()
    form_choices.assign_form(form)
    if form.validate_on_submit():
        try:
            changed = request_writes.assign_many(for_user(current_user), form.pairs(), form.officer.data)
        except Refused as exc:
            db.session.rollback()
            show_refusal(form, exc)
        else:
            db.session.commit()
            count = len(form.pairs())
            flash(ngettext("%(num)d request assigned (%(changed)d changed).",
                           "%(num)d requests assigned (%(changed)d changed).", count, changed=changed), "success")
            return redirect(url_for("queue.index", **request.args))
    return _queue_page(form, 422)
