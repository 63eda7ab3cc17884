"""The global search from the navigation bar: /search?q=… across States, requests, activities, experts and
organizations, each in the caller's scope and only where the caller's role may read that kind of record."""
from flask import Blueprint, render_template
from flask_login import current_user

from app.permissions import Permission, can, login_required
from app.scoping import for_user
from app.services.overview import search as search_service
from app.views.helpers import list_filters
from forms.overview.search import SearchForm

bp = Blueprint("search", __name__)

#: Which permission lets a role see each kind of result, and the list page that holds the rest of them.
KIND_ACCESS = {"states": (Permission.VIEW_TREATIES, "states.index"),
               "requests": (Permission.VIEW_REQUESTS, "requests.index"),
               "activities": (Permission.VIEW_ACTIVITIES, "activities.index"),
               "experts": (Permission.VIEW_EXPERTS, "experts.index"),
               "organizations": (Permission.VIEW_ACTIVITIES, "organizations.index")}


@bp.get("/search")
@login_required
def index():
    """Matches of `q` by kind of record, the first ten of each with how many there are in all."""
    form, filters, _paging = list_filters(SearchForm)
    if filters is None:
        return render_template("overview/search/index.html", form=form, q="", results=[]), 400
    q = filters["q"] or ""
    kinds = [k.key for k in search_service.KINDS if can(KIND_ACCESS[k.key][0])]
    found = search_service.search(for_user(current_user), q, kinds) if q else {}
    results = [(search_service.BY_KEY[key], found[key], KIND_ACCESS[key][1]) for key in kinds if key in found]
    return render_template("overview/search/index.html", form=form, q=q, results=results)
