"""The home page: what the signed-in user works on."""
from flask import Blueprint, render_template

from ..permissions import login_required

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    return render_template("main/index.html")
