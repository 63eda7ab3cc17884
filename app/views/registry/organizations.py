"""Organization pages: a partner (or donor, host, institute) and what it partnered on, in the user's scope."""
from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.activities import activity_reads
from app.services.registry import organizations as organization_service
from models import Organization

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


def get_organization_or_404(organization_id: int) -> Organization:
    """An organization the user may see (a donor: itself and the partners of what it funds)."""
    return organization_service.get(for_user(current_user), organization_id) or abort(404)


@bp.get("/<int:organization_id>")
@permission_required(Permission.VIEW_ACTIVITIES)
def detail(organization_id: int):
    organization = get_organization_or_404(organization_id)
    activities = activity_reads.with_partner(for_user(current_user), organization.id)
    roles = {a.id: [p.role for p in a.partners if p.organization_id == organization.id] for a in activities}
    return render_template("registry/organizations/detail.html", organization=organization, activities=activities,
                           roles=roles)
