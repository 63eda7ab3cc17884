"""The experts roster (search by instrument, legal topic, language, legal tradition and availability in a date
range) and each expert's page with deployment history. Contact details only for the roles allowed them."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import form_choices
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.core.errors import Refused
from app.services.registry import experts as expert_service
from app.views.helpers import list_filters, show_refusal
from forms.registry.experts import ExpertFilterForm, ExpertForm, expert_data
from models import Expert, db

bp = Blueprint("experts", __name__, url_prefix="/experts")


def get_expert_or_404(expert_id: int) -> Expert:
    """An expert the user may see (a donor: one deployed on what it funds)."""
    return expert_service.get(for_user(current_user), expert_id) or abort(404)


@bp.get("/")
@permission_required(Permission.VIEW_EXPERTS)
def index():
    form, filters, paging = list_filters(ExpertFilterForm)
    if filters is None:
        return render_template("registry/experts/list.html", form=form, page=None), 400
    page = expert_service.list_page(for_user(current_user), expert_service.ExpertFilters(**filters), paging)
    return render_template("registry/experts/list.html", form=form, page=page)


@bp.get("/<int:expert_id>")
@permission_required(Permission.VIEW_EXPERTS)
def detail(expert_id: int):
    expert = get_expert_or_404(expert_id)
    return render_template("registry/experts/detail.html", expert=expert,
                           deployments=expert_service.deployments_of(for_user(current_user), expert))


# --- adding and editing -------------------------------------------------------------------------------------------

def _edit(expert: Expert | None):
    form = ExpertForm(data=expert_data(expert) if expert is not None and request.method == "GET" else None)
    form_choices.expert_form(form)
    status = 200
    if form.validate_on_submit():
        try:
            if expert is None:
                expert = expert_service.create(form.values())
                changed = True
            else:
                changed = expert_service.update(expert, form.values(), form.version.data)
        except Refused as exc:
            db.session.rollback()
            status = show_refusal(form, exc)
            expert = get_expert_or_404(expert.id) if expert is not None and expert.id else None
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=expert.name) if changed else _("Nothing was changed."),
                  "success" if changed else "info")
            return redirect(url_for(".detail", expert_id=expert.id))
    elif form.is_submitted():
        status = 422
    return render_template("registry/experts/form.html", form=form, expert=expert), status


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_EXPERTS)
def new():
    """Add an expert to the roster."""
    return _edit(None)


@bp.route("/<int:expert_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.EDIT_EXPERTS)
def edit(expert_id: int):
    """Edit an expert; refused when the expert changed since the form was loaded."""
    return _edit(get_expert_or_404(expert_id))
