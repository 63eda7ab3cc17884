"""A person's own account: the profile (name, notification preferences), changing the password, the forgotten-
password link and the page it opens, and the change of password an account made or reset by an administrator must
make before anything else. Thin views: load -> authorize -> form -> service -> commit -> redirect.

/password/forgot gives the same answer whether or not the address has an account, and is throttled per client
address (PASSWORD_FORGOT_LIMIT) like the sign-in."""
import hashlib

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user

from app.extensions import limiter
from app.languages import SESSION_KEY, select_language
from app.permissions import login_required, public
from app.services.accounts import passwords
from app.services.accounts import users as user_service
from app.services.core.errors import Refused
from app.services.notifications import preferences
from app.views.accounts.auth import safe_next
from app.views.helpers import save_form
from forms.accounts.own_account import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    ProfileForm,
    ResetPasswordForm,
)
from forms.base import normalize_email
from models import db

bp = Blueprint("account", __name__)

SENT = _l("If an account has that address, a message with a link to choose a new password is on its way. The "
          "link works once, for an hour. Nothing arrived? Check the address, or ask an administrator.")
THROTTLED = _l("Too many requests for a new password from here. Wait a few minutes, then try again.")
#: What a person who must choose a new password may still reach.
ALLOWED_WHILE_CHANGING = {"account.change_password", "account.language", "auth.logout", "static", "bootstrap.static"}


def _address_key() -> str:
    return "password-forgot:" + (get_remote_address() or "unknown")


def _account_key() -> str:
    typed = normalize_email(request.form.get("email"))[:254]
    return f"password-forgot-account:{hashlib.sha256(typed.encode()).hexdigest()[:32]}"


_per_address = limiter.limit(lambda: current_app.config["PASSWORD_FORGOT_LIMIT"], key_func=_address_key,
                             methods=["POST"])
_per_account = limiter.limit(lambda: current_app.config["PASSWORD_FORGOT_LIMIT"], key_func=_account_key,
                             methods=["POST"])


@bp.before_app_request
def _must_change_password():
    """An account created or reset by an administrator sees only the change of password until it is done (pages;
    the API answers as usual: its tokens are issued deliberately)."""
    if request.endpoint in ALLOWED_WHILE_CHANGING or request.path.startswith("/api/"):
        return None
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if not session.get("_user_id") and remember not in request.cookies:
        return None  # nobody signed in: nothing to check (and no account to load)
    if current_user.is_authenticated and getattr(current_user, "must_change_password", False):
        return redirect(url_for("account.change_password"))
    return None


@bp.errorhandler(429)
def throttled(exc):
    return render_template("accounts/auth/throttled.html", message=THROTTLED), 429


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(data={"name": user.name, "language": user.language or "",
                             **{f"pref_{k}": v for k, v in preferences.of(user).items()}})

    def write():
        user_service.rename(user, form.name.data)
        user_service.set_language(user, form.language.data)
        preferences.save(user, form.preferences())

    status = save_form(form, write)
    if status is None:
        if user.language:  # the page cache keys on the session's language (app.page_cache)
            session[SESSION_KEY] = user.language
        else:
            session.pop(SESSION_KEY, None)
        with force_locale(select_language()):  # the message in the language just chosen
            flash(_("Saved your profile."), "success")
        return redirect(url_for("account.profile"))
    return render_template("accounts/own/profile.html", form=form, user=user), status


@bp.route("/language", methods=["POST"])
@public
def language():
    """The switcher in the header: a signed-in person's choice goes on the account (kept for every later session
    and for the e-mails they receive), an anonymous visitor's in the session; then back to the page it was made on."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400, _("Choose one of the languages offered."))
    if current_user.is_authenticated:
        user_service.set_language(current_user._get_current_object(), form.language.data)
        db.session.commit()
    session[SESSION_KEY] = form.language.data  # also part of the page cache's key: no page kept in the old language
    return redirect(safe_next(form.next.data) or url_for("main.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(account=user)
    status = save_form(form, lambda: passwords.change_own(user, form.current_password.data, form.password.data))
    if status is None:
        # Every session (and "remember me" cookie) ended with the new session token; this one continues.
        session.clear()
        login_user(user)
        flash(_("Your password is changed; you are signed out everywhere else."), "success")
        return redirect(url_for("main.index"))
    return render_template("accounts/own/password.html", form=form, forced=user.must_change_password), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@_per_address
@_per_account
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_reset(form.email.data)
        db.session.commit()
        flash(str(SENT), "info")
        return redirect(url_for("auth.login"))
    return render_template("accounts/own/forgot.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        user = passwords.user_of_token(token)
    except Refused as exc:
        return render_template("accounts/own/reset_refused.html", message=exc.errors[None],
                               form=ForgotPasswordForm(formdata=None)), 410 if "expired" in exc.errors[None] else 400
    form = ResetPasswordForm(account=user)
    status = save_form(form, lambda: passwords.reset_with_token(token, form.password.data))
    if status is None:
        flash(_("Your new password is set: sign in with it."), "success")
        return redirect(url_for("auth.login"))
    response = current_app.make_response((render_template("accounts/own/reset.html", form=form, token=token), status))
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not leave in a Referer header
    return response
