"""A person's own account: the profile (name, notification preferences), changing the password, the forgotten-
password link and the page it opens, and the change of password an account made or reset by an administrator must
make before anything else. Thin views: load -> authorize -> form -> service -> commit -> redirect.

/password/forgot gives the same answer whether or not the address has an account, and is throttled per client
address (PASSWORD_FORGOT_LIMIT) like the sign-in."""
import hashlib

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user

from app.extensions import limiter
from app.permissions import login_required, public
from app.services.accounts import passwords
from app.services.accounts import users as user_service
from app.services.core.errors import Refused
from app.services.notifications import preferences
from app.views.helpers import save_form
from forms.accounts.own_account import ChangePasswordForm, ForgotPasswordForm, ProfileForm, ResetPasswordForm
from forms.base import normalize_email
from models import db

bp = Blueprint("account", __name__)

SENT = ("If an account has that address, a message with a link to choose a new password is on its way. The link "
        "works once, for an hour. Nothing arrived? Check the address, or ask an administrator.")
THROTTLED = "Too many requests for a new password from here. Wait a few minutes, then try again."
#: What a person who must choose a new password may still reach.
ALLOWED_WHILE_CHANGING = {"account.change_password", "auth.logout", "static", "bootstrap.static"}


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
    form = ProfileForm(data={"name": user.name, **{f"pref_{k}": v for k, v in preferences.of(user).items()}})

    def write():
        user_service.rename(user, form.name.data)
        preferences.save(user, form.preferences())

    status = save_form(form, write)
    if status is None:
        flash("Saved your profile.", "success")
        return redirect(url_for("account.profile"))
    return render_template("accounts/own/profile.html", form=form, user=user), status


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
        flash("Your password is changed; you are signed out everywhere else.", "success")
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
        flash(SENT, "info")
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
        flash("Your new password is set: sign in with it.", "success")
        return redirect(url_for("auth.login"))
    response = current_app.make_response((render_template("accounts/own/reset.html", form=form, token=token), status))
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not leave in a Referer header
    return response
