"""The iCalendar feed of missions, `/missions.ics` (CONTRACT.md), and the page where a user gets, renews or
revokes the address a calendar client subscribes to.

A calendar client cannot sign in: `?token=…` (a per-user secret, app.services.activities.calendar_feeds) opens this one
URL, for that request only, with the token owner's scope. Signed in in a browser, the session's scope applies.
"""
from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.page_cache import cached_page
from app.permissions import Permission, has_permission, permission_required
from app.public_address import external_url, public_root
from app.scoping import for_user
from app.services.activities import calendar_feeds
from app.services.activities.activity_reads import FEED_VISITS
from models import db

bp = Blueprint("calendar_feed", __name__)

#: Calendar clients poll; let them keep a copy a few minutes, never a shared cache (the feed is one user's).
FEED_CACHE = "private, max-age=300"


def _feed_user():
    """Whose feed this is: the owner of `?token=` when given (whoever else is signed in), else the caller."""
    if "token" not in request.args:
        return current_user._get_current_object()
    found = calendar_feeds.owner_of(request.args["token"])
    if found is None:
        abort(401)
    return found[0]


@bp.get("/missions.ics")
@permission_required(Permission.VIEW_ACTIVITIES)
@cached_page
def feed_ics():
    """The latest visits of the activities the user may see (services.activities.FEED_VISITS), one all-day event
    each."""
    user = _feed_user()
    if not has_permission(user, Permission.VIEW_ACTIVITIES):
        abort(403)
    body = calendar_feeds.feed_ics(
        for_user(user), lambda activity_id: external_url("activities.detail", activity_id=activity_id),
        public_root())
    response = Response(body, mimetype="text/calendar",
                        headers={"Content-Disposition": "inline; filename=missions.ics"})
    if "token" in request.args:
        # A calendar program polling with its feed token: it may keep the answer a few minutes, for itself only.
        # Fetched in a signed-in browser, the feed is no-store like every other signed-in answer.
        g.cache_privately = True
        response.headers["Cache-Control"] = FEED_CACHE
    return response


@bp.get("/missions/feed")
@permission_required(Permission.VIEW_ACTIVITIES)
def manage():
    """The user's feed address: whether one is live, and the buttons to issue a new one or revoke it."""
    return render_template("activities/calendar_feed/manage.html", token=calendar_feeds.current(current_user),
                           feed_visits=FEED_VISITS)


@bp.post("/missions/feed/issue")
@permission_required(Permission.VIEW_ACTIVITIES)
def issue():
    """A new address (the previous one stops working), shown this once."""
    raw = calendar_feeds.issue(current_user._get_current_object())
    db.session.commit()
    response = current_app.make_response(render_template(
        "activities/calendar_feed/issued.html", address=external_url(".feed_ics", token=raw)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/missions/feed/revoke")
@permission_required(Permission.VIEW_ACTIVITIES)
def revoke():
    """The address stops working at once."""
    if calendar_feeds.revoke(current_user._get_current_object()):
        db.session.commit()
        flash(_("The calendar feed address is revoked: calendars subscribed to it no longer update."), "success")
    else:
        flash(_("There was no live calendar feed address to revoke."), "info")
    return redirect(url_for(".manage"))
