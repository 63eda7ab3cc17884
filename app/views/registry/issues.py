"""Legislative issues: the catalogue of A/58/165 para. 15 with article references, and one issue with the States
where it was raised (a donor: in the activities it funds)."""
from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.registry import legislative
from app.views.helpers import list_filters
from forms.registry.legislative import IssueFilterForm
from models import LegislativeIssue

bp = Blueprint("issues", __name__, url_prefix="/issues")


def get_issue_or_404(issue_id: int) -> LegislativeIssue:
    return legislative.get_issue(issue_id) or abort(404)


@bp.get("/")
@permission_required(Permission.VIEW_ISSUES)
def index():
    form, filters, _paging = list_filters(IssueFilterForm)
    if filters is None:
        return render_template("registry/issues/list.html", form=form, issues=[]), 400
    return render_template("registry/issues/list.html", form=form,
                           issues=legislative.catalogue(for_user(current_user), filters["q"]))


@bp.get("/<int:issue_id>")
@permission_required(Permission.VIEW_ISSUES)
def detail(issue_id: int):
    issue = get_issue_or_404(issue_id)
    return render_template("registry/issues/detail.html", issue=issue,
                           findings=legislative.findings_of_issue(for_user(current_user), issue))
