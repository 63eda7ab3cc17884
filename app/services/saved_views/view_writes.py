"""Saving and deleting views: each with its audit entry; flushes, never commits."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa

from app.services.core import audit
from app.services.core.errors import Refused
from app.services.saved_views.view_reads import openable_lists
from forms.saved_views import parameter_names
from models import SavedView, User, db
from models.saved_view import MAX_NAME, MAX_QUERY


def clean_query(list_name: str, raw: str) -> str:
    """The query string a view keeps: the list's own parameters with a value, in their order, without the page
    number (a view opens on its first page). Refused when it names a parameter the list does not take."""
    allowed = parameter_names(list_name)
    pairs = [(k, v) for k, v in parse_qsl(raw or "", keep_blank_values=False) if k != "page"]
    unknown = sorted({k for k, _ in pairs} - allowed)
    if unknown:
        raise Refused({"query": "This list takes no parameter " + ", ".join(repr(k[:30]) for k in unknown[:3])
                       + ": open the list from the menu and save it again."})
    query = urlencode(pairs)
    if len(query) > MAX_QUERY:
        raise Refused({"query": "These filters are too long to keep."})
    return query


def save(owner: User, list_name: str, name: str, raw_query: str, shared: bool) -> SavedView:
    """Keep the list as filtered under `name`; saving again under a name the owner already gave a view of that
    list replaces what it keeps (a view is refined, not duplicated)."""
    if list_name not in openable_lists(owner):
        raise Refused({"list_name": "You cannot open that list, so you cannot keep a view of it."})
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise Refused({"name": f"Give the view a name of at most {MAX_NAME} characters."})
    query = clean_query(list_name, raw_query)
    view = db.session.scalars(sa.select(SavedView).where(SavedView.owner_id == owner.id,
                                                         SavedView.list_name == list_name,
                                                         SavedView.name == name)).first()
    before = {"query": view.query, "is_shared": view.is_shared} if view else None
    if view is None:
        view = SavedView(owner=owner, list_name=list_name, name=name)
        db.session.add(view)
    view.query, view.is_shared = query, bool(shared)
    db.session.flush()
    audit.record_for(view, "update" if before else "create",
                     f"View “{name}” of the {list_name} list saved" + (", shared with the team" if shared else ""),
                     before=before, after={"list": list_name, "query": query, "is_shared": bool(shared)})
    db.session.flush()
    return view


def delete(actor: User, view: SavedView) -> None:
    """Delete a view: only its owner may (a colleague opening a shared view does not own it)."""
    if view.owner_id != actor.id:
        raise Refused("Only the colleague who saved this view can delete it.")
    audit.record_for(view, "delete", f"View “{view.name}” of the {view.list_name} list deleted",
                     before={"list": view.list_name, "query": view.query, "is_shared": view.is_shared})
    db.session.delete(view)
    db.session.flush()
