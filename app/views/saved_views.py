"""Saved views (issue 29): keep a list's filters and sort under a name (`POST /views`), open one (`/views/<id>`:
the list with its query string, run in the opener's own scope), delete one's own, and see them all (`/views`).
The list pages show their views and the save form through `saved_views_for(list_name)`."""
from urllib.parse import parse_qsl

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from app.permissions import login_required
from app.services.core.errors import Refused
from app.services.saved_views import view_reads, view_writes
from app.views.accounts.auth import safe_next
from app.views.helpers import save_form
from forms.saved_views import SavedViewForm
from models import SavedView, db
from models.saved_view import LIST_ENDPOINTS

bp = Blueprint("saved_views", __name__, url_prefix="/views")
#: The save form sits on list pages beside their filters: its fields are prefixed so that their names and ids
#: cannot meet a filter's.
FORM_PREFIX = "view"


def get_view_or_404(view_id: int) -> SavedView:
    return view_reads.get(current_user, view_id) or abort(404)


def _list_url(view: SavedView) -> str:
    return url_for(view.endpoint, **dict(parse_qsl(view.query)))


@bp.app_context_processor
def _menus():
    def saved_views_for(list_name: str):
        """(the views of this list the user may open, a blank save form holding the page's query string)."""
        if not current_user.is_authenticated:
            return [], None
        form = SavedViewForm(formdata=None, prefix=FORM_PREFIX, data={"list_name": list_name,
                                                   "query": request.query_string.decode("utf-8", "replace")})
        return view_reads.visible(current_user, list_name), form
    return {"saved_views_for": saved_views_for}


@bp.get("")
@login_required
def index():
    """Every view the user may open, by list: their own and the team's shared ones."""
    return render_template("saved_views/index.html", views=view_reads.visible(current_user))


@bp.post("")
@login_required
def save():
    """Keep the list as filtered under a name, then show it."""
    form = SavedViewForm(prefix=FORM_PREFIX)
    saved = []
    status = save_form(form, lambda: saved.append(view_writes.save(
        current_user, form.list_name.data, form.name.data, form.query.data or "", form.is_shared.data)))
    if status is None:
        view = saved[0]
        flash(gettext("View “%(name)s” saved and shared with the team.", name=view.name) if view.is_shared
              else gettext("View “%(name)s” saved.", name=view.name), "success")
        return redirect(_list_url(view))
    endpoint = LIST_ENDPOINTS.get(form.list_name.data or "", "saved_views.index")
    return render_template("saved_views/refused.html", form=form, back=url_for(endpoint)), max(status, 422)


@bp.get("/<int:view_id>")
@login_required
def open_view(view_id: int):
    """The list the view names, with its filters and sort (what the opener may see of it)."""
    return redirect(_list_url(get_view_or_404(view_id)))


@bp.post("/<int:view_id>/delete")
@login_required
def delete(view_id: int):
    """Delete one of one's own views (CSRFProtect checks the token of every POST); back to where it was asked."""
    view = get_view_or_404(view_id)
    try:
        view_writes.delete(current_user, view)
    except Refused as exc:
        db.session.rollback()
        abort(403, description=exc.message)
    db.session.commit()
    flash(gettext("View “%(name)s” deleted.", name=view.name), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("saved_views.index"))
