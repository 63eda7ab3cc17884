"""The managers' queue at /queue (CONTRACT.md): requests awaiting a decision by priority then age, the counts of
the ageing buckets, filters, and triage: many requests (the ticked ones, or every one matching the filters)
assigned, put under review, approved or declined in one action, all or nothing; and each row's decisions."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import form_choices
from app.listing import page_of
from app.page_cache import cached_page
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.core.errors import Refused
from app.services.requests import queue as queue_service
from app.services.requests import request_reads, request_writes, triage
from app.views.helpers import list_filters, show_refusal
from forms.requests import BulkAssignForm, BulkMoveForm, QueueFilterForm
from models import db

bp = Blueprint("queue", __name__, url_prefix="/queue")


def _filters():
    return list_filters(QueueFilterForm)


def _queue_page(assign_form=None, move_form=None, status=200):
    """The queue for the filters of the query string (the bulk forms post to the same query string, so that a
    refusal shows the queue the manager was looking at)."""
    form, filters, paging = _filters()
    scope = for_user(current_user)
    if assign_form is None:
        assign_form = BulkAssignForm(formdata=None)
        form_choices.assign_form(assign_form)
    move_form = move_form or BulkMoveForm(formdata=None)
    if move_form.officer.errors:  # the bar shows one officer field, the assignment's: the move's message goes there
        assign_form.officer.errors = list(move_form.officer.errors)
    # The bar's form that was posted and refused (its reason shown again as typed), else the moves' blank one.
    failed = assign_form if assign_form.errors or assign_form.form_errors else move_form
    forms = {"assign_form": assign_form, "move_form": move_form, "bar_form": failed}
    if filters is None:
        return render_template("requests/queue/index.html", form=form, page=page_of([], paging), figures=None,
                               moves={}, ticked=set(), buckets_args={}, ages={}, old_requests=[], **forms), 400
    filters = queue_service.QueueFilters(**filters)
    page = queue_service.list_page(scope, filters, paging)
    figures = queue_service.figures(scope, filters, today=None)
    ticked = failed.ticked_ids()
    moves = {r.id: request_writes.moves_for(r, current_user) for r in page.items}
    return render_template("requests/queue/index.html", form=form, page=page, figures=figures, moves=moves,
                           ticked=ticked, ages=request_reads.ages(page.items, figures.today),
                           old_requests=request_reads.awaiting_since(scope, figures.today),
                           bulk_moves=[request_writes.MOVES_BY_NAME[name] for name in triage.BULK_MOVES],
                           buckets_args={k: v for k, v in request.args.items() if k not in ("age", "page")},
                           **forms), status


def _selected_pairs(form) -> list[tuple[int, int]]:
    """The rows a bulk form names: the ticked ones, or every request matching the queue's filters as they stand
    (refused past MAX_MATCHING: narrow the filters first)."""
    if not form.all_matching:
        return form.pairs()
    _form, filters, _paging = _filters()
    if filters is None:
        raise Refused(_("The queue's filters are not valid: correct them before acting on every matching request."))
    pairs = queue_service.matching_pairs(for_user(current_user), queue_service.QueueFilters(**filters))
    if len(pairs) > queue_service.MAX_MATCHING:
        raise Refused(_("More than %(limit)s requests match: narrow the filters first. Nothing was changed.",
                        limit=queue_service.MAX_MATCHING))
    if not pairs:
        raise Refused(_("No request matches the filters. Nothing was changed."))
    return pairs


def _done(message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("queue.index", **request.args))


@bp.get("")
@permission_required(Permission.DECIDE_REQUESTS)
@cached_page
def index():
    """Pending and under-review requests, urgent and oldest first."""
    return _queue_page()


@bp.post("/assign")
@permission_required(Permission.DECIDE_REQUESTS)
def assign():
    """Assign many requests to one officer: all of them, or none when any is unknown or has moved."""
    form = BulkAssignForm()
    form_choices.assign_form(form)
    if form.validate_on_submit():
        try:
            pairs = _selected_pairs(form)
            changed = request_writes.assign_many(for_user(current_user), pairs, form.officer.data)
        except Refused as exc:
            db.session.rollback()
            show_refusal(form, exc)
        else:
            return _done(ngettext("%(num)d request assigned (%(changed)d changed).",
                                  "%(num)d requests assigned (%(changed)d changed).", len(pairs), changed=changed))
    return _queue_page(assign_form=form, status=422)


@bp.post("/move/<name>")
@permission_required(Permission.DECIDE_REQUESTS)
def move(name: str):
    """Start review, approve or decline many requests with one reason: all of them, or none (the message names
    every request that could not move, and why)."""
    if name not in triage.BULK_MOVES:
        abort(404)
    form = BulkMoveForm()
    if form.validate_on_submit():
        try:
            moved = triage.move_many(for_user(current_user), _selected_pairs(form), name, current_user,
                                     form.reason.data)
        except Refused as exc:
            db.session.rollback()
            show_refusal(form, exc)
        else:
            label = request_writes.MOVES_BY_NAME[name].to.label.lower()
            return _done(ngettext("%(num)d request moved to %(status)s.", "%(num)d requests moved to %(status)s.",
                                  moved, status=label))
    return _queue_page(move_form=form, status=422)
