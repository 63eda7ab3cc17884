"""Roles -> permissions, and the first tier of authorization: a permission on every view.

Every view function carries `required_permission` (a Permission, AUTHENTICATED or PUBLIC) set by the decorators
below; the test that walks the whole url_map fails for a route without one. The second tier, per-object checks,
lives in the loaders (`get_<thing>_or_404`) and the Scope every read service takes (`app.scoping`).
"""
import enum
from functools import wraps

from flask import abort
from flask_login import current_user

from app.http import is_api_request
from models.enums import Role


class Permission(str, enum.Enum):
    VIEW_TREATIES = "view_treaties"          # instrument and State pages, within the caller's scope
    VIEW_TREATY_REPORTS = "view_treaty_reports"  # the annex, reconciliation: every participant at once
    EDIT_TREATIES = "edit_treaties"          # treaty actions entered by hand
    IMPORT_TREATIES = "import_treaties"      # UN Treaty Collection tables
    VIEW_ACTIVITIES = "view_activities"
    EDIT_ACTIVITIES = "edit_activities"
    VIEW_REQUESTS = "view_requests"
    EDIT_REQUESTS = "edit_requests"
    DECIDE_REQUESTS = "decide_requests"      # the managers' queue
    VIEW_EXPERTS = "view_experts"
    VIEW_EXPERT_CONTACTS = "view_expert_contacts"
    EDIT_EXPERTS = "edit_experts"
    VIEW_CONTRIBUTIONS = "view_contributions"
    EDIT_CONTRIBUTIONS = "edit_contributions"
    VIEW_ISSUES = "view_issues"
    EDIT_ISSUES = "edit_issues"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_REFERENCE = "manage_reference"    # States, instruments, organizations
    REVIEW_REPORTS = "review_reports"        # approve, return and unlock activity reports (managers)
    VIEW_ACTIONS = "view_actions"            # follow-up actions: staff only
    EDIT_ACTIONS = "edit_actions"
    COMMENT = "comment"                      # read and write comments (staff only: donors never see them)


#: Markers for views that need no particular permission.
AUTHENTICATED = "authenticated"
PUBLIC = "public"

P = Permission
_OFFICER = frozenset({
    P.VIEW_TREATIES, P.VIEW_TREATY_REPORTS, P.EDIT_TREATIES, P.VIEW_ACTIVITIES, P.EDIT_ACTIVITIES,
    P.VIEW_REQUESTS, P.EDIT_REQUESTS, P.VIEW_EXPERTS, P.VIEW_EXPERT_CONTACTS, P.EDIT_EXPERTS,
    P.VIEW_CONTRIBUTIONS, P.VIEW_ISSUES, P.EDIT_ISSUES, P.VIEW_ACTIONS, P.EDIT_ACTIONS, P.COMMENT,
})
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: _OFFICER,
    Role.MANAGER: _OFFICER | {P.DECIDE_REQUESTS, P.EDIT_CONTRIBUTIONS, P.VIEW_AUDIT, P.REVIEW_REPORTS},
    # Donors read only, and every query they run is narrowed to their own donor's money (app.scoping).
    Role.DONOR: frozenset({P.VIEW_TREATIES, P.VIEW_ACTIVITIES, P.VIEW_EXPERTS, P.VIEW_CONTRIBUTIONS,
                           P.VIEW_ISSUES}),
    Role.ADMIN: frozenset(Permission),
}


#: The same table keyed by the role as stored (`User.role`): asked for every button of every row of a list, the
#: check converts nothing that is already converted.
_BY_ROLE_VALUE = {role.value: permissions for role, permissions in ROLE_PERMISSIONS.items()}


def has_permission(user, permission: Permission | str) -> bool:
    if permission == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if permission == AUTHENTICATED:
        return True
    if not isinstance(permission, Permission):
        permission = Permission(permission)
    return permission in _BY_ROLE_VALUE.get(user.role, frozenset())


def can(permission: Permission | str) -> bool:
    """For templates: show a button only when its target would let the user in."""
    return has_permission(current_user, permission)


def require(permission: Permission | str) -> None:
    """Abort unless the current user holds `permission`: 401 (or the login page) when anonymous, else 403."""
    if has_permission(current_user, permission):
        return
    if not current_user.is_authenticated:
        if is_api_request():
            abort(401)
        from app.extensions import login_manager
        abort(login_manager.unauthorized())
    abort(403)


def permission_required(permission: Permission | str):
    """Decorate a view with the permission it needs; recorded on the view for the url_map walk."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            require(permission)
            return view(*args, **kwargs)
        wrapped.required_permission = permission
        return wrapped
    return decorator


def login_required(view):
    """Any signed-in user, whatever the role."""
    return permission_required(AUTHENTICATED)(view)


def public(view):
    """Open to anonymous users (the login page, static files)."""
    view.required_permission = PUBLIC
    return view
