"""Preferences per person and per kind: in the app only, by e-mail at once, in a daily or a weekly digest.
No row means the default: e-mail at once for an assignment, a returned report and a mention; the app for the rest."""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.services.core import audit
from app.services.core.errors import Refused
from models import NotificationPreference, User, db
from models.notification import EMAIL_BY_DEFAULT, Delivery, NotificationKind


def default_for(kind: NotificationKind) -> str:
    return (Delivery.EMAIL if NotificationKind(kind) in EMAIL_BY_DEFAULT else Delivery.APP).value


def of(user: User) -> dict[str, str]:
    """Every kind -> how `user` is told of it (defaults filled in)."""
    chosen = dict(db.session.execute(sa.select(NotificationPreference.kind, NotificationPreference.delivery)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return {k.value: chosen.get(k.value, default_for(k)) for k in NotificationKind}


def delivery_for(user: User, kind: NotificationKind) -> str:
    chosen = db.session.scalar(sa.select(NotificationPreference.delivery).where(
        NotificationPreference.user_id == user.id, NotificationPreference.kind == NotificationKind(kind).value))
    return chosen or default_for(kind)


def save(user: User, choices: dict[str, str]) -> list[str]:
    """Store `user`'s choices (kind -> delivery); returns the kinds that changed. A choice equal to the default is
    kept as a row all the same: the person chose it."""
    current = of(user)
    rows = {p.kind: p for p in db.session.scalars(sa.select(NotificationPreference)
                                                   .where(NotificationPreference.user_id == user.id))}
    changed = []
    for kind, delivery in choices.items():
        try:
            kind, delivery = NotificationKind(kind).value, Delivery(delivery).value
        except ValueError:
            raise Refused({f"pref_{kind}": _("Choose one of the ways offered.")}) from None
        if current[kind] == delivery and kind in rows:
            continue
        if kind in rows:
            rows[kind].delivery = delivery
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, delivery=delivery))
        if current[kind] != delivery:
            changed.append(kind)
    db.session.flush()
    if changed:
        audit.record_for(user, "update", f"{user.email} changed how they are told of {len(changed)} kind(s) of event",
                         before={k: current[k] for k in changed}, after={k: choices[k] for k in changed}, actor=user)
    return changed
