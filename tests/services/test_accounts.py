"""The accounts service: validation, audit entries (never a secret in them), flush without commit."""
import json

import pytest
import sqlalchemy as sa

from app.services.accounts import users as user_service
from app.services.accounts.users import find_organization
from app.services.core.audit import timeline_for
from app.services.core.errors import Refused
from models import AuditEntry, Organization, User
from models.enums import OrganizationKind
from tests import factories


def _secrets_absent(session, *secrets):
    """No audit entry anywhere holds any of `secrets` (passwords, hashes, tokens)."""
    for entry in session.scalars(sa.select(AuditEntry)):
        text = json.dumps([entry.summary, entry.before, entry.after])
        for secret in secrets:
            assert secret not in text, (entry.action, entry.summary)


def test_create_normalizes_the_email_and_audits_without_the_password(session):
    user, generated = user_service.create_user(" Ann@Example.TEST ", "Ann", "officer", password="twelve-chars-ok")
    assert generated is None
    assert user.email == "ann@example.test" and user.check_password("twelve-chars-ok")
    [entry] = timeline_for("User", user.id)
    assert entry.action == "create" and entry.after["email"] == "ann@example.test" and entry.after["role"] == "officer"
    _secrets_absent(session, "twelve-chars-ok", user.password_hash)


def test_create_without_a_password_generates_one(session):
    user, generated = user_service.create_user("gen@example.test", "Gen", "manager")
    assert generated and len(generated) >= 12 and user.check_password(generated)
    _secrets_absent(session, generated)


@pytest.mark.parametrize("email, field", [("not-an-email", "email"), ("", "email"), ("a@b", "email"),
                                          ("x" * 250 + "@example.test", "email")])
def test_create_refuses_a_malformed_email(session, email, field):
    with pytest.raises(Refused) as exc:
        user_service.create_user(email, "X", "officer", password="long-enough-password")
    assert exc.value.field == field


def test_create_refuses_a_duplicate_email_in_any_case(session):
    user_service.create_user("dup@example.test", "One", "officer", password="long-enough-password")
    with pytest.raises(Refused, match="already exists") as exc:
        user_service.create_user("DUP@example.test", "Two", "officer", password="long-enough-password")
    assert exc.value.field == "email"


def test_create_refuses_a_short_password(session):
    with pytest.raises(Refused, match="at least 12") as exc:
        user_service.create_user("short@example.test", "S", "officer", password="elevenchars")
    assert exc.value.field == "password"
    assert user_service.find_user("short@example.test") is None


def test_create_refuses_an_unknown_role(session):
    with pytest.raises(Refused) as exc:
        user_service.create_user("r@example.test", "R", "superuser", password="long-enough-password")
    assert exc.value.field == "role"


def test_a_donor_needs_a_donor_and_only_a_donor_has_one(session):
    donor = factories.organization()
    with pytest.raises(Refused, match="needs the donor"):
        user_service.create_user("d@example.test", "D", "donor", password="long-enough-password")
    with pytest.raises(Refused, match="Only a donor"):
        user_service.create_user("o@example.test", "O", "officer", password="long-enough-password", donor=donor)
    user, _ = user_service.create_user("d@example.test", "D", "donor", password="long-enough-password", donor=donor)
    assert user.donor_id == donor.id


def test_role_change_is_audited_as_role_change_with_before_and_after(session):
    donor = factories.organization()
    user = factories.user("officer")
    user_service.change_role(user, "donor", donor)
    [entry] = [e for e in timeline_for("User", user.id) if e.action == "role_change"]
    assert entry.before["role"] == "officer" and entry.after["role"] == "donor"
    assert entry.after["donor_id"] == donor.id and entry.before["donor_id"] is None
    user_service.change_role(user, "manager")
    assert user.role == "manager" and user.donor_id is None
    assert [e.action for e in timeline_for("User", user.id)][:2] == ["role_change", "role_change"]


def test_rebinding_a_donor_is_audited(session):
    user = factories.user("donor")
    other = factories.organization()
    user_service.change_role(user, "donor", other)
    assert user.donor_id == other.id
    assert timeline_for("User", user.id)[0].action == "bind_donor"
    with pytest.raises(Refused):
        user_service.change_role(factories.user("officer"), "officer", other)


def test_no_change_writes_no_entry(session):
    user = factories.user("officer")
    user_service.update_user(user, name=user.name, role="officer", donor=None)
    assert timeline_for("User", user.id) == []


def test_an_admin_cannot_demote_or_deactivate_themselves(session):
    admin = factories.user("admin")
    with pytest.raises(Refused, match="your own role"):
        user_service.change_role(admin, "officer", by=admin)
    with pytest.raises(Refused, match="your own account"):
        user_service.deactivate(admin, by=admin)
    assert admin.role == "admin" and admin.is_active


def test_deactivate_and_reactivate(session):
    user = factories.user("officer")
    old_session_token = user.session_token
    user_service.deactivate(user)
    assert not user.is_active and user.session_token != old_session_token
    with pytest.raises(Refused, match="already deactivated"):
        user_service.deactivate(user)
    user_service.reactivate(user)
    assert user.is_active
    assert [(e.before, e.after) for e in timeline_for("User", user.id)] == [
        ({"is_active": False}, {"is_active": True}), ({"is_active": True}, {"is_active": False})]


def test_reset_password_generated_or_given(session):
    user = factories.user("officer")
    old_hash, old_token = user.password_hash, user.session_token
    generated = user_service.reset_password(user)
    assert user.check_password(generated) and user.session_token != old_token
    user_service.reset_password(user, "chosen-password-123")
    assert user.check_password("chosen-password-123")
    with pytest.raises(Refused):
        user_service.reset_password(user, "short")
    assert [e.action for e in timeline_for("User", user.id)] == ["password_reset", "password_reset"]
    _secrets_absent(session, generated, "chosen-password-123", old_hash, user.password_hash)


def test_tokens_are_hashed_at_rest_shown_once_and_revocable(session):
    user = factories.user("officer")
    token, raw = user_service.issue_token(user, "reporting script")
    assert raw.startswith("plm_") and token.token_hash != raw and raw not in token.token_hash
    assert token.prefix == raw[:8]
    user_service.revoke_token(token)
    assert token.is_revoked
    with pytest.raises(Refused, match="already revoked"):
        user_service.revoke_token(token)
    assert [e.action for e in timeline_for("User", user.id)] == ["token_revoke", "token_issue"]
    _secrets_absent(session, raw, token.token_hash)


def test_no_token_for_a_deactivated_account(session):
    user = factories.user("officer")
    user_service.deactivate(user)
    with pytest.raises(Refused, match="Reactivate"):
        user_service.issue_token(user)


def test_services_flush_but_never_commit(session):
    user_service.create_user("rolled@example.test", "Rolled", "officer", password="long-enough-password")
    session.rollback()
    assert user_service.find_user("rolled@example.test") is None


def test_find_organization_by_name_acronym_or_key_any_case(session):
    org = factories.organization(name="Agence Test de Coopération", acronym="ATC", reference_key="atc-test")
    for text in ("agence test de coopération", "atc", "ATC-TEST"):
        assert user_service.find_organization(text) is org
    with pytest.raises(Refused, match="No organization"):
        user_service.find_organization("Nobody at all")
    factories.organization(name="Another", acronym="ATC")
    with pytest.raises(Refused, match="several organizations"):
        user_service.find_organization("atc")


def test_donor_organizations_are_donor_governments_and_contributors(session):
    names = {o.name for o in user_service.donor_organizations()}
    kinds = {o.kind for o in session.scalars(sa.select(Organization).where(Organization.name.in_(names)))}
    assert names and kinds <= {k.value for k in OrganizationKind}
    partner = factories.organization(name="A partner, not a donor", kind=OrganizationKind.INSTITUTE.value)
    assert partner.name not in {o.name for o in user_service.donor_organizations()}


def test_authenticate(session):
    user = factories.user("officer", password="the-right-password")
    assert user_service.authenticate(user.email.upper(), "the-right-password") is user
    assert user_service.authenticate(user.email, "the-wrong-password") is None
    assert user_service.authenticate("ghost@example.test", "the-right-password") is None
    user.is_active_account = False
    assert user_service.authenticate(user.email, "the-right-password") is None


def test_timeline_is_newest_first_and_only_that_record(session):
    one, two = factories.user("officer"), factories.user("officer")
    user_service.rename(one, "First name")
    user_service.rename(two, "Other")
    user_service.rename(one, "Second name")
    entries = timeline_for("User", one.id)
    assert [e.after["name"] for e in entries] == ["Second name", "First name"]
    assert timeline_for("User", one.id, limit=1) == entries[:1]
    assert session.get(User, one.id).name == "Second name"


@pytest.mark.parametrize("text", ["Canada", "canada", "Government of Canada", "CAN"])
def test_a_donor_is_found_by_its_name_key_state_or_government(session, text):
    assert find_organization(text).reference_key == "canada"


@pytest.mark.parametrize("text, key", [("United Kingdom", "united-kingdom"), ("the United States", "united-states"),
                                       ("USA", "united-states")])
def test_a_donor_government_is_found_through_its_states_names(session, text, key):
    assert find_organization(text).reference_key == key


def test_a_name_that_is_no_donor_is_refused(session):
    with pytest.raises(Refused, match="No organization is named 'Atlantis'"):
        find_organization("Atlantis")


# ------------------------------------------------------------------ passwords (issue 8, item 6)
@pytest.mark.parametrize("password", ["qwerty123456", "1q2w3e4r5t6y", "1qaz2wsx3edc",
                                      "Password2024!", "!!iloveyou1234", "Qwerty123456", "aaaaaaaaaaaa",
                                      "abababababab"])
def test_common_and_trivial_passwords_are_refused(password):
    from forms.base import checked_password
    with pytest.raises(ValueError, match="commonly used|over and over"):
        checked_password(password)


@pytest.mark.parametrize("password, message", [
    ("ann.officer-2024!", "e-mail or name"),      # the local part
    ("xx-ANN.OFFICER@EXAMPLE.TEST", "e-mail or name"),  # the whole address, any case
    ("officer-of-the-day", "e-mail or name"),     # a part of the local part
    ("my-name-is-Bartholomew", "e-mail or name"),  # a part of the name, 4+ characters
    ("palermo-is-a-city", "name of this application"),
])
def test_passwords_built_from_the_account_are_refused(password, message):
    from forms.base import checked_password
    with pytest.raises(ValueError, match=message):
        checked_password(password, email="Ann.Officer@example.test", name="Ann Bartholomew")


def test_short_name_parts_do_not_refuse_ordinary_passwords():
    from forms.base import checked_password, common_passwords
    assert len(common_passwords()) >= 9_900  # the shipped list of the 10,000 most common
    assert checked_password("a-quiet-harbour-at-dusk", email="li@example.test", name="Li Ng") == \
        "a-quiet-harbour-at-dusk"


def test_every_service_that_sets_a_password_applies_the_check(session):
    with pytest.raises(Refused, match="commonly used") as refused:
        user_service.create_user("new.person@example.test", "New Person", "officer", password="1qaz2wsx3edc")
    assert refused.value.field == "password"
    with pytest.raises(Refused, match="e-mail or name"):
        user_service.create_user("new.person@example.test", "New Person", "officer", password="i-am-new.person")
    user = factories.user("officer", name="Gwendolyn Smith")
    with pytest.raises(Refused, match="e-mail or name"):
        user_service.reset_password(user, "gwendolyn-forever")
    for _ in range(20):  # generated passwords always pass the same check
        from forms.base import checked_password
        checked_password(user_service.reset_password(user), email=user.email, name=user.name)
