"""Administration: accounts (create, edit role and donor, deactivate, reset password, API tokens) and the audit
trail. Thin views: load -> authorize -> form -> service -> commit -> redirect.

A new password or token is shown in the response to the POST that made it, never carried through a redirect:
the session is a cookie, and a secret must not travel in it.
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import form_choices
from app.permissions import Permission, permission_required
from app.services.accounts import users as user_service
from app.services.core import audit, audit_chain
from app.services.core.audit import timeline_for
from app.services.core.errors import Refused
from app.views.helpers import list_filters, show_refusal
from forms.accounts.users import (
    AuditFilterForm,
    PasswordResetForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from models import ApiToken, Organization, User, db

bp = Blueprint("admin", __name__, url_prefix="/admin")


# --- loaders --------------------------------------------------------------------------------------------------

def get_user_or_404(user_id: int) -> User:
    return user_service.get_user(user_id) or abort(404)


def get_token_or_404(user: User, token_id: int) -> ApiToken:
    return user_service.get_token(user, token_id) or abort(404)


def _donor(form) -> Organization | None:
    return user_service.get_organization(form.donor_id.data)


def _secret_page(user: User, title: str, secret: str, what: str):
    response = current_app.make_response(render_template("accounts/admin/secret.html", user=user, title=title,
                                                         secret=secret, what=what))
    response.headers["Cache-Control"] = "no-store"
    return response


# --- accounts -------------------------------------------------------------------------------------------------

@bp.get("/users")
@permission_required(Permission.MANAGE_USERS)
def users():
    form, filters, paging = list_filters(UserFilterForm)
    if filters is None:
        return render_template("accounts/admin/users.html", form=form, pagination=None), 400
    pagination = user_service.list_page(user_service.UserFilters(**filters), paging)
    return render_template("accounts/admin/users.html", form=form, pagination=pagination)


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def create_user():
    form = UserCreateForm()
    form_choices.account_form(form)
    if form.validate_on_submit():
        try:
            user, generated = user_service.create_user(form.email.data, form.name.data, form.role.data,
                                                   password=form.password.data or None, donor=_donor(form),
                                                   must_change=True)
        except Refused as exc:
            db.session.rollback()
            show_refusal(form, exc)
        else:
            db.session.commit()
            if generated:
                return _secret_page(user, _("Account created"), generated, "password")
            flash(_("Created the account %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("accounts/admin/user_form.html", form=form, user=None)


def _detail(account: User, reset_form=None, token_form=None):
    """The account page; a form that failed to validate comes back with its messages next to its field."""
    tokens = sorted(account.tokens, key=lambda t: t.created_at, reverse=True)
    return render_template("accounts/admin/user_detail.html", user=account, tokens=tokens,
                           token_form=token_form or TokenForm(formdata=None),
                           reset_form=reset_form or PasswordResetForm(formdata=None),
                           entries=timeline_for("User", account.id))


@bp.get("/users/<int:user_id>")
@permission_required(Permission.MANAGE_USERS)
def user(user_id: int):
    return _detail(get_user_or_404(user_id))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def edit_user(user_id: int):
    account = get_user_or_404(user_id)
    form = UserEditForm(obj=account)
    form_choices.account_form(form)
    if form.validate_on_submit():
        try:
            user_service.update_user(account, name=form.name.data, role=form.role.data, donor=_donor(form),
                                 by=current_user)
        except Refused as exc:
            db.session.rollback()
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash(_("Saved the account %(email)s.", email=account.email), "success")
            return redirect(url_for("admin.user", user_id=account.id))
    return render_template("accounts/admin/user_form.html", form=form, user=account)


def _state_change(user_id: int, change, done: str):
    account = get_user_or_404(user_id)
    try:
        change(account)
    except Refused as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(str(done) % {"email": account.email}, "success")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.post("/users/<int:user_id>/deactivate")
@permission_required(Permission.MANAGE_USERS)
def deactivate_user(user_id: int):
    return _state_change(user_id, lambda u: user_service.deactivate(u, by=current_user),
                         _l("Deactivated %(email)s: its sessions and tokens no longer work."))


@bp.post("/users/<int:user_id>/reactivate")
@permission_required(Permission.MANAGE_USERS)
def reactivate_user(user_id: int):
    return _state_change(user_id, user_service.reactivate, _l("Reactivated %(email)s."))


@bp.post("/users/<int:user_id>/reset-password")
@permission_required(Permission.MANAGE_USERS)
def reset_password(user_id: int):
    account = get_user_or_404(user_id)
    form = PasswordResetForm(account=account)
    if not form.validate_on_submit():
        return _detail(account, reset_form=form)
    try:
        password = user_service.reset_password(account, form.password.data or None)
    except Refused as exc:
        db.session.rollback()
        show_refusal(form, exc)
        return _detail(account, reset_form=form)
    db.session.commit()
    if form.password.data:
        flash(_("Set a new password for %(email)s; its open sessions have ended.", email=account.email), "success")
        return redirect(url_for("admin.user", user_id=account.id))
    return _secret_page(account, _("Password reset"), password, "password")


@bp.post("/users/<int:user_id>/tokens")
@permission_required(Permission.MANAGE_USERS)
def create_token(user_id: int):
    account = get_user_or_404(user_id)
    form = TokenForm()
    if not form.validate_on_submit():
        return _detail(account, token_form=form)
    try:
        _token, raw = user_service.issue_token(account, form.name.data, form.scope.data)
    except Refused as exc:
        db.session.rollback()
        show_refusal(form, exc)
        return _detail(account, token_form=form)
    db.session.commit()
    return _secret_page(account, _("API token issued"), raw, "token")


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
@permission_required(Permission.MANAGE_USERS)
def revoke_token(user_id: int, token_id: int):
    account = get_user_or_404(user_id)
    token = get_token_or_404(account, token_id)
    return _state_change(account.id, lambda _u: user_service.revoke_token(token),
                         _l("Revoked token #%(id)s.", id=token.id))


# --- the audit trail ------------------------------------------------------------------------------------------

@bp.get("/audit", endpoint="audit")
@permission_required(Permission.VIEW_AUDIT)
def audit_trail():
    form, filters, paging = list_filters(AuditFilterForm, prepare=form_choices.audit_filters)
    verified = audit_chain.last_verification()
    if filters is None:
        return render_template("accounts/admin/audit.html", form=form, pagination=None, verified=verified), 400
    pagination = audit.entries_page(audit.AuditFilters(**filters), paging)
    return render_template("accounts/admin/audit.html", form=form, pagination=pagination, verified=verified,
                           codes=audit.link_codes(pagination.items))
