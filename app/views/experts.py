"""The experts roster (search by instrument, legal topic, language, legal tradition and availability in a date
range) and each expert's page with deployment history. Contact details only for the roles allowed them."""
from flask import Blueprint, abort, render_template
from flask_login import current_user

from forms.expert import ExpertFilterForm
from models import Expert

from ..permissions import Permission, permission_required
from ..scoping import for_user
from ..services import experts as expert_service
from .helpers import list_filters

bp = Blueprint("experts", __name__, url_prefix="/experts")


def get_expert_or_404(expert_id: int) -> Expert:
    """An expert the user may see (a donor: one deployed on what it funds)."""
    return expert_service.get(for_user(current_user), expert_id) or abort(404)


@bp.get("/")
@permission_required(Permission.VIEW_EXPERTS)
def index():
    form, filters, paging = list_filters(ExpertFilterForm)
    if filters is None:
        return render_template("experts/list.html", form=form, page=None), 400
    page = expert_service.list_page(for_user(current_user), expert_service.ExpertFilters(**filters), paging)
    return render_template("experts/list.html", form=form, page=page)


@bp.get("/<int:expert_id>")
@permission_required(Permission.VIEW_EXPERTS)
def detail(expert_id: int):
    expert = get_expert_or_404(expert_id)
    return render_template("experts/detail.html", expert=expert,
                           deployments=expert_service.deployments_of(for_user(current_user), expert))
