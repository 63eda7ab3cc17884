"""The saved views a user may open: their own, and those their team shares, of the lists they may see.

The team of a staff account is every staff account; the team of a donor's account is the accounts of the same
donor, so a donor's views never reach staff or another donor, and no staff view reaches a donor.
"""
from __future__ import annotations

import sqlalchemy as sa

from app.permissions import Permission, has_permission
from models import SavedView, User, db

#: What opening each list needs (the list's own permission).
LIST_PERMISSIONS = {"queue": Permission.DECIDE_REQUESTS, "requests": Permission.VIEW_REQUESTS,
                    "activities": Permission.VIEW_ACTIVITIES, "actions": Permission.VIEW_ACTIONS,
                    "contributions": Permission.VIEW_CONTRIBUTIONS}


def openable_lists(viewer: User) -> list[str]:
    return [name for name, permission in LIST_PERMISSIONS.items() if has_permission(viewer, permission)]


def _team(viewer: User):
    """Accounts whose shared views `viewer` sees: same donor (a donor), else every account bound to no donor."""
    if viewer.donor_id is not None or viewer.role == "donor":
        return sa.select(User.id).where(User.donor_id == (viewer.donor_id or -1))
    return sa.select(User.id).where(User.donor_id.is_(None), User.role != "donor")


def _visible(viewer: User):
    mine_or_shared = sa.or_(SavedView.owner_id == viewer.id,
                            sa.and_(SavedView.is_shared.is_(True), SavedView.owner_id.in_(_team(viewer))))
    return sa.and_(mine_or_shared, SavedView.list_name.in_(openable_lists(viewer)))


def visible(viewer: User, list_name: str | None = None) -> list[SavedView]:
    """The views `viewer` may open (of one list, or of every list), their own first, then by name: one query."""
    where = [_visible(viewer)]
    if list_name is not None:
        where.append(SavedView.list_name == list_name)
    own_first = sa.case((SavedView.owner_id == viewer.id, 0), else_=1)
    return list(db.session.scalars(sa.select(SavedView).where(*where)
                                   .options(sa.orm.joinedload(SavedView.owner))
                                   .order_by(SavedView.list_name, own_first, SavedView.name, SavedView.id)))


def get(viewer: User, view_id: int) -> SavedView | None:
    """One view `viewer` may open, or None (unknown, another's private view, another team's, a list not theirs)."""
    return db.session.scalars(sa.select(SavedView).where(SavedView.id == view_id, _visible(viewer))).first()
