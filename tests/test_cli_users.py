"""`flask users …`: create, token, deactivate, list, demo — all or nothing, with clear refusals."""
import pytest
import sqlalchemy as sa

from app.services.accounts.users import find_user
from models import AuditEntry, Organization, User
from models.enums import OrganizationKind


@pytest.fixture()
def run(app, session, monkeypatch):
    runner = app.test_cli_runner()

    def invoke(*args, password=None, input=None):
        if password is None:
            monkeypatch.delenv("PALERMO_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("PALERMO_PASSWORD", password)
        return runner.invoke(args=["users", *args], input=input)
    return invoke


def _count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_create_with_the_password_from_the_environment(run, session):
    result = run("create", "Ops@Example.test", "--role", "officer", "--name", "Olga Ops",
                 password="from-the-environment")
    assert result.exit_code == 0, result.output
    user = find_user("ops@example.test")
    assert user.name == "Olga Ops" and user.role == "officer" and user.check_password("from-the-environment")
    assert session.scalar(sa.select(AuditEntry).where(AuditEntry.record_type == "User",
                                                      AuditEntry.record_id == user.id)).actor_label == "cli"


def test_create_prompts_twice_without_the_environment(run):
    result = run("create", "typed@example.test", "--role", "manager", input="quiet-harbour-123\nquiet-harbour-123\n")
    assert result.exit_code == 0, result.output
    assert find_user("typed@example.test").check_password("quiet-harbour-123")
    assert find_user("typed@example.test").name == "typed"  # defaults to the part before the @


def test_create_a_donor_resolves_the_organization_in_any_case(run, session):
    canada = session.scalar(sa.select(Organization).where(Organization.reference_key == "canada"))
    for text, email in ((canada.name.upper(), "d1@example.test"), ("CANADA", "d2@example.test")):
        result = run("create", email, "--role", "donor", "--donor", text, password="donor-password-123")
        assert result.exit_code == 0, result.output
        assert find_user(email).donor_id == canada.id


@pytest.mark.parametrize("args, password, message", [
    (["bad-email", "--role", "officer"], "long-enough-password", "Not a valid email address"),
    (["x@example.test", "--role", "officer"], "short", "at least 12"),
    (["x@example.test", "--role", "donor"], "long-enough-password", "needs the donor organization"),
    (["x@example.test", "--role", "donor", "--donor", "Atlantis"], "long-enough-password", "No organization"),
    (["x@example.test", "--role", "officer", "--donor", "canada"], "long-enough-password", "Only a donor"),
    (["x@example.test", "--role", "emperor"], "long-enough-password", "Invalid value for '--role'"),
])
def test_invalid_input_exits_non_zero_and_writes_nothing(run, session, args, password, message):
    users_before, entries_before = _count(session, User), _count(session, AuditEntry)
    result = run("create", *args, password=password)
    assert result.exit_code != 0
    assert message in result.output
    assert (_count(session, User), _count(session, AuditEntry)) == (users_before, entries_before)


def test_an_ambiguous_donor_is_refused(run, session):
    from tests import factories
    factories.organization(name="Twin One", acronym="TWN")
    factories.organization(name="Twin Two", acronym="TWN")
    session.commit()
    result = run("create", "t@example.test", "--role", "donor", "--donor", "twn", password="long-enough-password")
    assert result.exit_code != 0 and "several organizations" in result.output
    assert find_user("t@example.test") is None


def test_bad_input_is_refused_before_the_password_prompt(run):
    result = run("create", "bad-email", "--role", "officer", input="")
    assert result.exit_code != 0 and "Password" not in result.output


def test_duplicate_is_refused(run):
    run("create", "dup@example.test", "--role", "officer", password="long-enough-password")
    result = run("create", "DUP@example.test", "--role", "admin", password="long-enough-password")
    assert result.exit_code != 0 and "already exists" in result.output
    assert find_user("dup@example.test").role == "officer"


def test_token_prints_only_the_token_on_the_last_line(app, run):
    run("create", "api@example.test", "--role", "officer", password="long-enough-password")
    result = run("token", "api@example.test")
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip().splitlines()[-1]
    assert result.stdout.strip() == raw  # stdout is the token alone; the note goes to stderr
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.get_json()["email"] == "api@example.test"


@pytest.mark.parametrize("args, scope, status", [([], "read", 403), (["--scope", "read"], "read", 403),
                                                 (["--scope", "write"], "read write", 422)])
def test_token_scope_is_chosen_when_issued_read_by_default(app, run, args, scope, status):
    from models import ApiToken
    run("create", "scoped@example.test", "--role", "officer", password="long-enough-password")
    result = run("token", "scoped@example.test", *args)
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip()
    token = find_user("scoped@example.test").tokens[-1]
    assert isinstance(token, ApiToken) and token.scope == scope and f"({scope})" in result.stderr
    # A read token is refused any write (403); a write token reaches the form (422: the body is empty).
    response = app.test_client().post("/api/v1/requests", json={}, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == status


def test_token_for_an_unknown_account(run):
    result = run("token", "ghost@example.test")
    assert result.exit_code != 0 and "No account" in result.output


def test_deactivate_and_list(run):
    run("create", "leaving@example.test", "--role", "officer", password="long-enough-password")
    assert run("deactivate", "leaving@example.test").exit_code == 0
    assert not find_user("leaving@example.test").is_active
    again = run("deactivate", "leaving@example.test")
    assert again.exit_code != 0 and "already deactivated" in again.output
    listing = run("list").output
    assert "leaving@example.test" in listing and "deactivated" in listing


def test_demo_creates_one_account_per_role_once(run, session):
    assert _count(session, User) == 0
    result = run("demo")
    assert result.exit_code == 0, result.output
    users = session.scalars(sa.select(User).order_by(User.role)).all()
    assert sorted(u.role for u in users) == ["admin", "donor", "manager", "officer"]
    expected_donor = session.scalar(sa.select(Organization).where(Organization.name == "Government of Canada")) or \
        session.scalar(sa.select(Organization).where(Organization.kind == OrganizationKind.DONOR_GOVERNMENT.value)
                       .order_by(Organization.name).limit(1))
    [donor] = [u for u in users if u.role == "donor"]
    assert donor.donor_id == expected_donor.id
    for user in users:  # every printed password signs its account in
        line = next(line for line in result.output.splitlines() if user.email in line)
        password = line.split(user.email)[1].split()[0]
        assert user.check_password(password), user.email
    again = run("demo")
    assert again.exit_code == 0 and "nothing was done" in again.output
    assert _count(session, User) == 4
    from models import Notification  # issue 28: every demo account has a few notifications to show
    told = dict(session.execute(sa.select(Notification.user_id, sa.func.count()).group_by(Notification.user_id)).all())
    assert all(told.get(u.id, 0) >= 1 for u in users) and told[next(u.id for u in users if u.role == "officer")] >= 2


@pytest.mark.parametrize("password, message", [("1q2w3e4r5t6y", "commonly used"),
                                               ("Karolina-2024-x", "e-mail or name")])
def test_create_refuses_common_passwords_and_ones_built_from_the_account(run, session, password, message):
    result = run("create", "karolina@example.test", "--role", "officer", password=password)
    assert result.exit_code != 0 and message in result.output
    assert find_user("karolina@example.test") is None
