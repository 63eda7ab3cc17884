"""A person's own password: changing it (the current one required), the forgotten-password link, and the change an
account created or reset by an administrator must make at its first sign-in.

A reset link carries a token signed with SECRET_KEY (itsdangerous): the account's id and a fingerprint of its
current password hash, so that it works once (the new password changes the fingerprint), for an hour
(RESET_MAX_AGE), and only as issued (a forged or altered token fails the signature). Nothing is stored for it."""
import hashlib
import logging

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.services.accounts.users import find_user
from app.services.core import audit
from app.services.core.errors import Refused
from app.services.mail import compose
from forms.base import checked_password
from models import User, db

log = logging.getLogger("palermo.accounts")

RESET_MAX_AGE = 3600
EXPIRED = _l("This link has expired: a link to choose a new password works for an hour. Ask for another one below.")
USED = _l("This link has already been used (or the password was changed since): ask for another one below.")
FORGED = _l("This link is not valid: copy the whole link from the message, or ask for another one below.")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="palermo-password-reset")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "p": _fingerprint(user)})


def user_of_token(token: str) -> User:
    """The account a reset token names, or Refused saying why not (expired, already used, not valid)."""
    try:
        data = _serializer().loads(token, max_age=RESET_MAX_AGE)
    except SignatureExpired:
        raise Refused({None: str(EXPIRED)}) from None
    except BadSignature:
        raise Refused({None: str(FORGED)}) from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or not user.is_active_account:
        raise Refused({None: str(FORGED)})
    if data.get("p") != _fingerprint(user):
        raise Refused({None: str(USED)})
    return user


def request_reset(email: str) -> None:
    """Queue a reset link to the account of `email`, if there is an active one; say nothing either way (the page
    gives the same answer whether or not the address exists)."""
    user = find_user(email)
    if user is None or not user.is_active_account:
        log.info("password reset asked for an address with no active account")
        return
    link = compose.url("account.reset_password", token=reset_token(user))
    compose.send("password_reset", user.email, _l("Choose a new password"), "password_reset", user.id, user=user,
                 link=link)
    audit.record_for(user, "password_reset_request", f"A link to choose a new password was sent to {user.email}",
                     actor=user)


def _set(user: User, password: str) -> None:
    try:
        password = checked_password(password, email=user.email, name=user.name)
    except ValueError as exc:
        raise Refused({"password": str(exc)}) from None
    if user.check_password(password):
        raise Refused({"password": _("Choose a password other than the one you have now.")})
    user.set_password(password)  # a new session token: every session and "remember me" cookie ends
    user.must_change_password = False


def change_own(user: User, current: str, new: str) -> None:
    """The person changes their password: the current one is required; every other session ends (the view signs
    this one in again)."""
    if not user.check_password(current or ""):
        raise Refused({"current_password": _("That is not your current password.")})
    _set(user, new)
    db.session.flush()
    audit.record_for(user, "password_change", f"{user.email} changed their password", actor=user)


def reset_with_token(token: str, new: str) -> User:
    """Set the password a reset link was sent for; Refused when the link is expired, used or forged."""
    user = user_of_token(token)
    _set(user, new)
    db.session.flush()
    audit.record_for(user, "password_change", f"{user.email} chose a new password through an e-mailed link",
                     actor=user)
    return user
