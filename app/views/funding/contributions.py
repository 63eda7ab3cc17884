"""Contribution pages: the list, one contribution with its history and allocations, recording and editing
(managers and admins), the guarded steps pledged -> committed -> received, and allocations to activities.
Thin views: load -> authorize -> form -> service -> commit -> redirect."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import form_choices
from app.permissions import Permission, can, permission_required
from app.scoping import for_user
from app.services.core.audit import timeline_for
from app.services.core.errors import Refused
from app.services.funding import allocations as allocation_service
from app.services.funding import contributions as contribution_service
from app.views.helpers import list_filters, show_refusal
from forms.funding.contributions import (
    AllocationForm,
    ContributionCreateForm,
    ContributionFilterForm,
    ContributionForm,
    StatusForm,
)
from models import Allocation, Contribution, db
from models.contribution import TRANSITIONS
from models.enums import ContributionStatus

bp = Blueprint("contributions", __name__, url_prefix="/contributions")


def get_contribution_or_404(contribution_id: int) -> Contribution:
    """A contribution the user may see (a donor: only its own)."""
    return contribution_service.get(for_user(current_user), contribution_id) or abort(404)


def get_allocation_or_404(contribution: Contribution, allocation_id: int) -> Allocation:
    return allocation_service.get(contribution, allocation_id) or abort(404)


@bp.get("/")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
def index():
    form, filters, paging = list_filters(ContributionFilterForm)
    if filters is None:
        return render_template("funding/contributions/list.html", form=form, page=None), 400
    page = contribution_service.list_page(for_user(current_user),
                                          contribution_service.ContributionFilters(**filters), paging)
    return render_template("funding/contributions/list.html", form=form, page=page)


def _detail(contribution: Contribution, status_form=None, status=200):
    step = TRANSITIONS[ContributionStatus(contribution.status)]
    entries = timeline_for("Contribution", contribution.id) if can(Permission.VIEW_AUDIT) else None
    return render_template("funding/contributions/detail.html", contribution=contribution, next_step=step,
                           status_form=status_form or StatusForm(formdata=None,
                                                                 data={"version": contribution.version}),
                           history=contribution_service.history(contribution), entries=entries), status


@bp.get("/<int:contribution_id>")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
def detail(contribution_id: int):
    return _detail(get_contribution_or_404(contribution_id))


def _save(form, contribution: Contribution | None, write, done: str):
    """Validate, write through the service (Refused: messages beside the fields), commit, redirect; else the form
    again (422 when submitted)."""
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            contribution = write()
        except Refused as exc:
            db.session.rollback()
            status = show_refusal(form, exc)
            if contribution is not None:
                contribution = get_contribution_or_404(contribution.id)
        else:
            db.session.commit()
            flash(str(done) % {"id": contribution.id}, "success")
            return redirect(url_for("contributions.detail", contribution_id=contribution.id))
    return render_template("funding/contributions/form.html", form=form, contribution=contribution), status


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_CONTRIBUTIONS)
def new():
    """Record a contribution (pledged, or already committed or received, each step with its date)."""
    form = ContributionCreateForm()
    form_choices.contribution_form(form)
    return _save(form, None, lambda: contribution_service.create(
        contribution_service.ContributionData(**form.values()), current_user, status=form.status.data,
        committed_on=form.committed_date.data, received_on=form.received_date.data),
        _l("Recorded contribution #%(id)s."))


@bp.route("/<int:contribution_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_CONTRIBUTIONS)
def edit(contribution_id: int):
    contribution = get_contribution_or_404(contribution_id)
    form = ContributionForm(obj=contribution)
    form_choices.contribution_form(form)
    if not form.is_submitted():
        form.amount_not_recorded.data = contribution.amount is None
        form.instruments.data = [i.code for i in contribution.instruments]
        form.regions.data = list(contribution.regions or [])
    def write():
        return contribution_service.update(contribution, contribution_service.ContributionData(**form.values()),
                                           form.version.data)
    return _save(form, contribution, write, _l("Saved contribution #%(id)s."))


@bp.post("/<int:contribution_id>/status")
@permission_required(Permission.EDIT_CONTRIBUTIONS)
def change_status(contribution_id: int):
    """The next step (committed, then received) on the date given."""
    contribution = get_contribution_or_404(contribution_id)
    form = StatusForm()
    step = TRANSITIONS[ContributionStatus(contribution.status)]
    if step is None:
        form.form_errors.append(_("This contribution has been received: its status cannot change."))
        return _detail(contribution, form, 422)
    if not form.validate_on_submit():
        return _detail(contribution, form, 422)
    try:
        contribution_service.change_status(contribution, step.value, form.on.data, current_user, form.reason.data,
                                           form.version.data)
    except Refused as exc:
        db.session.rollback()
        status = show_refusal(form, exc)
        return _detail(get_contribution_or_404(contribution_id), form, status)
    db.session.commit()
    flash(_("Contribution #%(id)s is now %(status)s.", id=contribution.id, status=step.label.lower()), "success")
    return redirect(url_for("contributions.detail", contribution_id=contribution.id))


@bp.route("/<int:contribution_id>/allocations/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_CONTRIBUTIONS)
def allocate(contribution_id: int):
    """Allocate part of the contribution to an activity: refused, with the reason, outside the earmark or beyond
    the balance."""
    contribution = get_contribution_or_404(contribution_id)
    form = AllocationForm()
    form_choices.allocation_form(form)
    if form.validate_on_submit():
        try:
            allocation_service.allocate(contribution, allocation_service.load_activity(form.activity_id.data),
                                        form.amount.data, is_inferred=form.is_inferred.data, basis=form.basis.data)
        except Refused as exc:
            db.session.rollback()
            show_refusal(form, exc)
            contribution = get_contribution_or_404(contribution_id)
        else:
            db.session.commit()
            flash(_("Allocated."), "success")
            return redirect(url_for("contributions.detail", contribution_id=contribution.id))
    return render_template("funding/contributions/allocation_form.html", form=form, contribution=contribution), \
        422 if form.is_submitted() else 200


@bp.post("/<int:contribution_id>/allocations/<int:allocation_id>/delete")
@permission_required(Permission.EDIT_CONTRIBUTIONS)
def remove_allocation(contribution_id: int, allocation_id: int):
    contribution = get_contribution_or_404(contribution_id)
    allocation = get_allocation_or_404(contribution, allocation_id)
    allocation_service.remove(allocation)
    db.session.commit()
    flash(_("Allocation removed."), "success")
    return redirect(url_for("contributions.detail", contribution_id=contribution.id))
