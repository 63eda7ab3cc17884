"""Help: a short guide per role at /help (the reader's own role) and /help/<role> (any role's, so a manager can
see what an officer is told), linked from every page's header. Static pages: no record is read."""
from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.permissions import login_required
from models.enums import Role

bp = Blueprint("help", __name__)

#: The guides, in the order the index lists them.
GUIDES = [role.value for role in (Role.OFFICER, Role.MANAGER, Role.DONOR, Role.ADMIN)]


@bp.get("/help")
@login_required
def index():
    """The guide of the reader's own role, with links to the others."""
    return render_template("help/guide.html", role=current_user.role, guides=GUIDES)


@bp.get("/help/<role>")
@login_required
def guide(role: str):
    """One role's guide; an unknown role is a 404."""
    if role not in GUIDES:
        abort(404)
    return render_template("help/guide.html", role=role, guides=GUIDES)
