"""Signing in and out.

Hardening: one message for every failure, in the same time whether or not the account exists; failed attempts
throttled per (account, address) pair and, much more loosely, per address (Flask-Limiter); signing out by POST
only, so a link cannot do it.

Why a pair and not the account alone: a limit on the account lets anyone lock its owner out by typing wrong
passwords for it; per pair, the owner signs in from any other address. The address is the client's own, or the
one the TRUSTED_PROXIES proxies report (app.register_proxies).
"""
import hashlib
from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from app.extensions import limiter
from app.languages import SESSION_KEY
from app.permissions import login_required, public
from app.public_address import public_netloc
from app.services.accounts import users as user_service
from forms.accounts.auth import LoginForm
from forms.base import normalize_email
from models import db

bp = Blueprint("auth", __name__)

FAILURE = _l("Email or password is incorrect.")
THROTTLED = _l("Too many failed sign-in attempts. Signing in is paused for a while: wait a few minutes, then try "
               "again.")


def _address() -> str:
    return get_remote_address() or "unknown"


def _account_and_address_key() -> str:
    # The account as typed (normalised), whether or not it exists: the throttle must not tell. Hashed, so that
    # the limiter's store (Redis, say) never holds what people type, a mistyped password included.
    typed = normalize_email(request.form.get("email"))[:254]
    return f"login-pair:{hashlib.sha256(typed.encode()).hexdigest()[:32]}:{_address()}"


def _address_key() -> str:
    return "login-address:" + _address()


def _failed(_response) -> bool:
    """Only wrong credentials count against the limits; a successful sign-in or an incomplete form does not."""
    return bool(g.get("login_failed"))


_per_account = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"],
                             key_func=_account_and_address_key, methods=["POST"], deduct_when=_failed)
_per_address = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], key_func=_address_key,
                             methods=["POST"], deduct_when=_failed)


def safe_next(target: str | None) -> str | None:
    """`target` as a path on this site, or None when it points elsewhere (an open redirect) or is malformed. An
    absolute `target` must name the configured public address (PUBLIC_URL), never whatever Host the request sent."""
    if not target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target.replace("\\", "/"))
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc != public_netloc():
            return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


@bp.route("/login", methods=["GET", "POST"])
@public
@_per_account
@_per_address
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_service.authenticate(form.email.data, form.password.data)
        if user is None:
            g.login_failed = True
            user_service.sign_in_failed(form.email.data)
            db.session.commit()
            form.form_errors.append(str(FAILURE))
            return render_template("accounts/auth/login.html", form=form, next_url=next_url)
        # Nothing from before the sign-in survives into the signed-in session, but a language chosen on the
        # sign-in page is what the person wants: it goes on the account, kept for every later session.
        chosen = session.get(SESSION_KEY)
        session.clear()
        login_user(user, remember=bool(form.remember.data))
        user_service.signed_in(user)
        if chosen in current_app.config["LANGUAGES"]:
            user_service.set_language(user, chosen)
        db.session.commit()
        return redirect(next_url or url_for("main.index"))
    return render_template("accounts/auth/login.html", form=form, next_url=next_url)


@bp.errorhandler(429)
def throttled(exc):
    return render_template("accounts/auth/throttled.html", message=THROTTLED), 429


@bp.post("/logout")
@login_required
def logout():
    language = current_user.language
    user_service.signed_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    if language:  # the sign-in page that follows stays in the person's language
        session[SESSION_KEY] = language
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
