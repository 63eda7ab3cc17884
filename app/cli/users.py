"""flask users: accounts from the command line (CONTRACT.md). Every command writes all or nothing."""
import os

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.log import log_fields, logger
from models import Organization, User, db
from models.enums import OrganizationKind, Role

#: `make run` creates one account per role on a fresh database, with these addresses.
DEMO_DOMAIN = "palermo.example"
DEMO_DONOR = "Government of Canada"

users = AppGroup("users", help="Manage accounts: create, issue API tokens, deactivate, list.")


def _fail(message: str):
    db.session.rollback()
    raise click.ClickException(message)


def _user_or_fail(email: str) -> User:
    from app.services.accounts.users import find_user
    user = find_user(email)
    if user is None:
        _fail(f"No account has the email {email.strip().lower()}.")
    return user


def _password() -> str:
    """PALERMO_PASSWORD when set (scripts), else asked twice without echo."""
    from_env = os.environ.get("PALERMO_PASSWORD")
    if from_env:
        return from_env
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="The account's role.")
@click.option("--donor", "donor_name", help="Donor accounts: the donor organization (name, acronym or key).")
@click.option("--name", help="The person's name (default: the part of the email before the @).")
def create(email: str, role: str, donor_name: str | None, name: str | None):
    """Create an account. The password comes from PALERMO_PASSWORD if set, else it is prompted for."""
    from app.services.accounts.users import check_new_account, create_user, find_organization
    from app.services.core.errors import Refused
    try:
        donor = find_organization(donor_name) if donor_name is not None else None
        # Refuse a bad address, role or donor before anyone types a password.
        email = check_new_account(email, role, donor)
        user, _ = create_user(email, name or email.split("@")[0], role, password=_password(), donor=donor)
    except Refused as exc:
        _fail(exc.message)
    db.session.commit()
    logger("cli").info("users create: %s (%s)", user.email, user.role,
                       extra=log_fields(command="users create", user_id=user.id, role=user.role))
    bound = f", donor {user.donor.name}" if user.donor else ""
    click.echo(f"Created {user.email} ({user.role}{bound}).")


@users.command("token")
@click.argument("email")
@click.option("--name", help="What the token is for.")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True,
              help="read: GET only; write: read and write (within what the account's role allows).")
def token(email: str, name: str | None, scope: str):
    """Issue a new API bearer token; stdout is the token alone, for scripts to capture."""
    from app.services.accounts.users import issue_token
    from app.services.core.errors import Refused
    user = _user_or_fail(email)
    try:
        _token, raw = issue_token(user, name, scope)
    except Refused as exc:
        _fail(exc.message)
    db.session.commit()
    logger("cli").info("users token: token #%d issued to %s", _token.id, user.email,
                       extra=log_fields(command="users token", user_id=user.id, token_id=_token.id))
    click.echo(f"Token ({_token.scope}) issued to {user.email}; it is shown once.", err=True)
    click.echo(raw)


@users.command("deactivate")
@click.argument("email")
def deactivate(email: str):
    """Deactivate an account: its sessions end and its API tokens stop working."""
    from app.services.accounts.users import deactivate as deactivate_account
    from app.services.core.errors import Refused
    user = _user_or_fail(email)
    try:
        deactivate_account(user)
    except Refused as exc:
        _fail(exc.message)
    db.session.commit()
    logger("cli").info("users deactivate: %s", user.email, extra=log_fields(command="users deactivate",
                                                                            user_id=user.id))
    click.echo(f"Deactivated {user.email}.")


@users.command("list")
def list_users():
    """List every account."""
    rows = db.session.scalars(sa.select(User).order_by(User.email)).all()
    if not rows:
        click.echo("No accounts.")
        return
    for user in rows:
        status = "active" if user.is_active_account else "deactivated"
        donor = user.donor.name if user.donor else ""
        click.echo(f"{user.email:<40} {user.role:<8} {status:<12} {donor}")


def _demo_donor() -> Organization | None:
    """The Government of Canada if it is on record, else the first donor government by name."""
    named = db.session.scalar(sa.select(Organization).where(sa.func.lower(Organization.name) == DEMO_DONOR.lower()))
    return named or db.session.scalar(
        sa.select(Organization).where(Organization.kind == OrganizationKind.DONOR_GOVERNMENT.value)
        .order_by(Organization.name).limit(1))


@users.command("demo")
def demo():
    """On a database without accounts, create one account per role and print their passwords."""
    from app.services.accounts.users import create_user
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("Accounts already exist: nothing was done (no demo accounts created).")
        return
    donor = _demo_donor()
    if donor is None:
        _fail("No donor government is on record for the donor account: run `flask seed reference` first.")
    created = []
    for role in Role:
        user, password = create_user(f"{role.value}@{DEMO_DOMAIN}", f"Demo {role.label.lower()}", role,
                                     donor=donor if role is Role.DONOR else None)
        created.append((user, password))
    from app.seed.demo_notifications import add_demo_notifications
    add_demo_notifications([user for user, _ in created])  # issue 28: something for the bell to show
    db.session.commit()
    click.echo("Demo accounts (the passwords are shown this once):")
    for user, password in created:
        bound = f"  (donor: {user.donor.name})" if user.donor else ""
        click.echo(f"  {user.role:<8} {user.email:<28} {password}{bound}")
