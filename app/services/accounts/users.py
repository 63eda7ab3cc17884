"""Accounts: create, change role, bind a donor, (de)activate, reset a password, API tokens, sign-in events.

Every function validates, writes its audit entry and flushes; the caller (view or command) commits. An audit
entry never carries a password, a password hash or a token: only what changed that is safe to show.
"""
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.listing import Page, Paging, holds, ordered, paginate
from app.services.core import audit
from app.services.core.errors import Refused
from app.services.registry.states import find_participant
from forms.base import checked_email, checked_password, normalize_email
from models import ApiToken, Contribution, Organization, User, db
from models.base import utcnow
from models.enums import OrganizationKind, Role
from models.user import TOKEN_SCOPES


def generate_password(email: str | None = None, name: str | None = None) -> str:
    """20 URL-safe characters (120 bits): comfortably over the minimum length, easy to copy; drawn again in the
    rare case chance spelt out a part of the account's name or address."""
    while True:
        password = secrets.token_urlsafe(15)
        try:
            return checked_password(password, email=email, name=name)
        except ValueError:
            continue


def _account(user: User) -> dict:
    """What an audit entry may say about an account."""
    return {"email": user.email, "name": user.name, "role": user.role, "donor_id": user.donor_id,
            "donor": user.donor.name if user.donor is not None else None, "is_active": user.is_active_account}


# --- look-ups -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UserFilters:
    q: str | None = None
    role: str | None = None
    active: str | None = None   # "yes" | "no"


#: Sort keys of the account list (forms.users.UserFilterForm.SORTS names the same keys).
SORTS = {"email": User.email, "name": User.name, "role": User.role, "created": User.created_at,
         "last_login": User.last_login_at}


def list_page(filters: UserFilters, paging: Paging) -> Page:
    """Accounts for the administrators' list (accounts are not donor-scoped: only administrators list them)."""
    select = sa.select(User).options(selectinload(User.donor))
    if filters.q:
        select = select.where(sa.or_(holds(User.name, filters.q), holds(User.email, filters.q)))
    if filters.role:
        select = select.where(User.role == filters.role)
    if filters.active:
        select = select.where(User.is_active_account.is_(filters.active == "yes"))
    return paginate(ordered(select, SORTS, paging, "email", User.id), paging)


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_token(user: User, token_id: int) -> ApiToken | None:
    """One of `user`'s tokens (None when the id names another account's)."""
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.user_id == user.id else None


def get_organization(organization_id: int | None) -> Organization | None:
    return db.session.get(Organization, organization_id) if organization_id else None


def find_user(email: str | None) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def donor_organizations() -> list[Organization]:
    """Organizations a donor account can be bound to: donor governments and whoever has contributed."""
    contributed = sa.select(Contribution.donor_id)
    return list(db.session.scalars(
        sa.select(Organization)
        .where(sa.or_(Organization.kind == OrganizationKind.DONOR_GOVERNMENT.value, Organization.id.in_(contributed)))
        .order_by(Organization.name)))


def find_organization(text: str) -> Organization:
    """The one organization `text` names (any case): by name, acronym or reference key; failing that, the donor
    government of the State it names ("United Kingdom", "USA", "Government of Canada"). Else Refused."""
    needle = (text or "").strip().lower()
    if not needle:
        raise Refused(_("Name the donor organization."), "donor_id")
    matches = list(db.session.scalars(sa.select(Organization).where(sa.or_(
        sa.func.lower(Organization.name) == needle, sa.func.lower(Organization.acronym) == needle,
        sa.func.lower(Organization.reference_key) == needle)).order_by(Organization.name)))
    if not matches:
        matches = _donor_governments_of(re.sub(r"^government of\s+", "", needle))
    if not matches:
        raise Refused(_("No organization is named %(name)s (by name, acronym or reference key).", name=repr(text)),
                      "donor_id")
    if len(matches) > 1:
        names = "; ".join(m.name for m in matches)
        raise Refused(_("%(name)s matches several organizations: %(names)s. Use the full name.", name=repr(text),
                        names=names), "donor_id")
    return matches[0]


def _donor_governments_of(state_text: str) -> list[Organization]:
    """Donor governments of the State named by `state_text` (any of its names, an alias, or its code)."""
    state = find_participant(state_text)
    if state is None:
        return []
    return list(db.session.scalars(sa.select(Organization).where(
        Organization.state_id == state.id, Organization.kind == OrganizationKind.DONOR_GOVERNMENT.value)))


# --- validation -----------------------------------------------------------------------------------------------

def _checked_role(role: str | Role) -> str:
    try:
        return Role(str(role)).value
    except ValueError:
        raise Refused(_("The role must be one of %(roles)s.", roles=", ".join(r.value for r in Role)), "role") \
            from None


def _check_donor(role: str, donor: Organization | None) -> None:
    if role == Role.DONOR.value and donor is None:
        raise Refused(_("A donor account needs the donor organization it belongs to."), "donor_id")
    if role != Role.DONOR.value and donor is not None:
        raise Refused(_("Only a donor account is bound to a donor organization."), "donor_id")


def _checked(fn, value, field: str):
    try:
        return fn(value)
    except ValueError as exc:
        raise Refused(str(exc), field) from None


def check_new_account(email: str, role: str | Role, donor: Organization | None = None) -> str:
    """Validate what a new account needs besides its password; returns the normalized email.

    Separate from `create_user` so that the command line can refuse bad input before prompting for a password.
    """
    email = _checked(checked_email, email, "email")
    role = _checked_role(role)
    _check_donor(role, donor)
    if find_user(email) is not None:
        raise Refused(_("An account with the email %(email)s already exists.", email=email), "email")
    return email


def _checked_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise Refused(_("Enter the person's name."), "name")
    if len(name) > 120:
        raise Refused(_("A name has at most 120 characters."), "name")
    return name


# --- writes ---------------------------------------------------------------------------------------------------

def create_user(email: str, name: str, role: str | Role, *, password: str | None = None,
                donor: Organization | None = None, must_change: bool = False) -> tuple[User, str | None]:
    """A new active account. Without a password one is generated and returned (to show once), else None. With
    `must_change` (an administrator typed or was shown the password), its owner chooses a new one at first sign-in."""
    email = check_new_account(email, role, donor)
    name = _checked_name(name)
    generated = None
    if not password:
        password = generated = generate_password(email, name)
    _checked(lambda p: checked_password(p, email=email, name=name), password, "password")
    user = User(email=email, name=name, role=_checked_role(role), donor=donor, is_active_account=True,
                must_change_password=must_change)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record_for(user, "create", f"Created the {user.role} account {email}", after=_account(user))
    return user, generated


def rename(user: User, name: str) -> None:
    name = _checked_name(name)
    if name == user.name:
        return
    before = {"name": user.name}
    user.name = name
    db.session.flush()
    audit.record_for(user, "update", f"Renamed the account {user.email}", before=before, after={"name": name})


def set_language(user: User, language: str | None) -> None:
    """The account's interface language (a code of config LANGUAGES), or None to follow the browser again."""
    language = language or None
    if language is not None and language not in current_app.config["LANGUAGES"]:
        raise Refused({"language": _("Choose one of the languages offered.")})
    if language == user.language:
        return
    before = {"language": user.language}
    user.language = language
    db.session.flush()
    audit.record_for(user, "update", f"Changed the language of the account {user.email}", before=before,
                     after={"language": language})


def change_role(user: User, role: str | Role, donor: Organization | None = None, *, by: User | None = None) -> None:
    """Set the role and, with it, the donor binding (which only a donor account has)."""
    role = _checked_role(role)
    _check_donor(role, donor)
    if by is not None and by.id == user.id and role != user.role:
        # An administrator demoting themselves could leave nobody able to undo it.
        raise Refused(_("You cannot change your own role."), "role")
    if role == user.role and (donor.id if donor else None) == user.donor_id:
        return
    before = _account(user)
    action = "role_change" if role != user.role else "bind_donor"
    user.role, user.donor = role, donor
    db.session.flush()
    old, new = audit.changed(before, _account(user))
    summary = (f"Changed the role of {user.email} from {before['role']} to {role}" if action == "role_change"
               else f"Bound the donor account {user.email} to {donor.name}")
    audit.record_for(user, action, summary, before=old, after=new)


def update_user(user: User, *, name: str, role: str | Role, donor: Organization | None,
                by: User | None = None) -> None:
    """The admin edit form: name, then role and donor (each change its own audit entry)."""
    change_role(user, role, donor, by=by)  # first, so that a refused role change leaves the name untouched
    rename(user, name)


def deactivate(user: User, *, by: User | None = None) -> None:
    """Refuse the account from now on: its sessions end and its API tokens are revoked for good."""
    if by is not None and by.id == user.id:
        raise Refused(_("You cannot deactivate your own account."))
    if not user.is_active_account:
        raise Refused(_("The account %(email)s is already deactivated.", email=user.email))
    user.is_active_account = False
    # A new session token ends every open session now, and reactivation does not bring them back.
    user.session_token = secrets.token_hex(16)
    # Revoked, not merely refused while the account is inactive: reactivating must not bring back tokens that
    # may have leaked (the reason to deactivate). The person asks for new ones.
    revoked = [t for t in user.tokens if not t.is_revoked]
    for token in revoked:
        token.revoked_at = utcnow()
    db.session.flush()
    audit.record_for(user, "status", f"Deactivated the account {user.email}"
                     + (f" and revoked its {len(revoked)} API token(s)" if revoked else ""),
                     before={"is_active": True},
                     after={"is_active": False, **({"revoked_token_ids": [t.id for t in revoked]} if revoked else {})})


def reactivate(user: User) -> None:
    if user.is_active_account:
        raise Refused(_("The account %(email)s is already active.", email=user.email))
    user.is_active_account = True
    db.session.flush()
    audit.record_for(user, "status", f"Reactivated the account {user.email}",
                     before={"is_active": False}, after={"is_active": True})


def reset_password(user: User, password: str | None = None) -> str:
    """Set a new password (generated when none is given) and return it; every open session of the account ends, and
    its owner must choose a password of their own at the next sign-in (an administrator knows this one)."""
    password = _checked(lambda p: checked_password(p, email=user.email, name=user.name),
                        password or generate_password(user.email, user.name), "password")
    user.set_password(password)
    user.must_change_password = True
    db.session.flush()
    audit.record_for(user, "password_reset", f"Reset the password of {user.email}")
    return password


def issue_token(user: User, name: str | None = None, scope: str = "read") -> tuple[ApiToken, str]:
    """A new API token: the record and the raw token, which is shown once and never stored. `scope` is "read"
    or "read write" ("write" is accepted for the latter); writing still needs the account's role to allow it."""
    scope = "read write" if scope == "write" else scope
    if scope not in TOKEN_SCOPES:
        raise Refused(_("A token's scope is read, or read write."), "scope")
    if not user.is_active_account:
        raise Refused(_("Reactivate the account before issuing it a token."))
    name = (name or "").strip() or None
    if name and len(name) > 80:
        raise Refused(_("A token name has at most 80 characters."), "name")
    token, raw = ApiToken.issue(user, name, scope)
    db.session.add(token)
    db.session.flush()
    # Recorded on the account, so that its timeline shows its tokens; the token itself is never written.
    audit.record_for(user, "token_issue", f"Issued API token #{token.id} to {user.email}",
                     after={"token_id": token.id, "name": name, "scope": scope})
    return token, raw


def revoke_token(token: ApiToken) -> None:
    if token.is_revoked:
        raise Refused(_("That token is already revoked."))
    token.revoked_at = utcnow()
    db.session.flush()
    audit.record_for(token.user, "token_revoke", f"Revoked API token #{token.id} of {token.user.email}",
                     before={"token_id": token.id, "revoked": False}, after={"token_id": token.id, "revoked": True})


# --- signing in -----------------------------------------------------------------------------------------------

def authenticate(email: str, password: str) -> User | None:
    """The account if `password` is right and the account active, else None — in the same time either way."""
    user = find_user(email)
    if user is None:
        User.burn_password_check(password)
        return None
    # The check runs for inactive accounts too, so that they cost the same time as any other.
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def signed_in(user: User) -> None:
    user.last_login_at = utcnow()
    audit.record_for(user, "login", f"{user.email} signed in", actor=user)


def signed_out(user: User) -> None:
    """End the account's sessions: a new session token invalidates every session cookie and "remember me"
    cookie issued before (both carry `User.get_id()`, which includes it), even one copied to another browser.

    This signs the person out everywhere, not only in this browser: simple, and acceptable for a staff tool
    (a per-browser session table would be needed to do otherwise)."""
    user.session_token = secrets.token_hex(16)
    audit.record_for(user, "logout", f"{user.email} signed out", actor=user)


#: What a failed sign-in records when the text typed as the e-mail is not an address (often a password typed
#: into the wrong field): nothing of it, not even a hash, which a weak password would not survive.
NOT_AN_ADDRESS = "(not an email address)"


def typed_address(email: str | None) -> str:
    """The e-mail a failed sign-in may record: the normalised address (at most 254 characters) when the text is
    a syntactically valid address, else NOT_AN_ADDRESS."""
    try:
        return checked_email(email)
    except ValueError:
        return NOT_AN_ADDRESS


def sign_in_failed(email: str) -> None:
    """A failed sign-in: the address tried, no actor (whoever it was is not known)."""
    email = typed_address(email)
    user = find_user(email) if email != NOT_AN_ADDRESS else None
    audit.record("login_failed", record_type="User", record_id=user.id if user else None,
                 summary=f"Failed sign-in as {email}", after={"email": email}, actor_label="anonymous")
