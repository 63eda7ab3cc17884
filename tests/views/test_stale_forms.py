"""No lost updates through the pages: two people open the same edit form, the first saves, the second's save is
refused (409) with a message naming who changed the record and when, nothing is overwritten, the second person's
input is kept in the form (now carrying the current version), and saving it again applies it deliberately."""
import html
from decimal import Decimal

import pytest

from models import Activity, AssistanceRequest, AuditEntry, Contribution, db
from tests import factories
from tests.conftest import login
from tests.helpers import form_fields, with_values


@pytest.fixture()
def two(app, make_user):
    """Two signed-in browsers: (client, user) for an officer Alice and a manager Bob."""
    out = []
    for role, name in (("manager", "Alice Ahlberg"), ("manager", "Bob Brandt")):
        user = make_user(role, name=name)
        client = app.test_client()
        assert login(client, user).status_code in (302, 303)
        out.append((client, user))
    return out


def _audit_count() -> int:
    return db.session.query(AuditEntry).count()


def _race(two, path, field, first, second, form_class=None):
    """Both load `path`, Alice saves `field`=first, Bob then saves `field`=second from his stale page."""
    (alice, _), (bob, _) = two
    page_a = form_fields(alice.get(path).get_data(as_text=True), form_class)
    page_b = form_fields(bob.get(path).get_data(as_text=True), form_class)
    assert dict(page_a).get("version") == "1" and dict(page_b).get("version") == "1"
    saved = alice.post(path, data=with_values(page_a, **{field: first}))
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    audited = _audit_count()
    refused = bob.post(path, data=with_values(page_b, **{field: second}))
    return page_b, refused, audited


CASES = [
    ("request", lambda: factories.request("BOL", subject="Original"), "/requests/{id}/edit", "subject", None,
     AssistanceRequest),
    ("activity", lambda: factories.activity(title="Original"), "/activities/{id}/edit", "title", "activity-form",
     Activity),
    ("contribution", lambda: factories.contribution(amount=Decimal("1000.00"), currency="USD", note="Original"),
     "/contributions/{id}/edit", "note", None, Contribution),
]


@pytest.mark.parametrize("kind, make, path, field, form_class, model", CASES, ids=[c[0] for c in CASES])
def test_the_second_save_from_a_stale_page_is_refused_naming_who_and_when(two, kind, make, path, field,
                                                                          form_class, model):
    record = make()
    db.session.commit()
    path = path.format(id=record.id)
    page_b, refused, audited = _race(two, path, field, "Alice's text", "Bob's text", form_class)

    assert refused.status_code == 409
    body = html.unescape(refused.get_data(as_text=True))
    assert "changed since this page was loaded" in body and "Alice Ahlberg changed it on" in body
    assert "Bob's text" in body  # his input is kept, to re-apply
    db.session.expire_all()
    current = db.session.get(model, record.id)
    assert getattr(current, field) == "Alice's text" and current.version == 2 and _audit_count() == audited

    # The re-rendered form carries the current version: saving it again is Bob's deliberate choice, and works.
    again = form_fields(refused.get_data(as_text=True), form_class)
    assert dict(again)["version"] == "2"
    (_, _), (bob, _) = two
    assert bob.post(path, data=with_values(again)).status_code == 302
    db.session.expire_all()
    current = db.session.get(model, record.id)
    assert getattr(current, field) == "Bob's text" and current.version == 3


def test_a_change_to_an_activity_s_visits_alone_moves_its_version_on(two):
    activity = factories.activity(title="Mission")
    db.session.commit()
    (alice, _), _ = two
    path = f"/activities/{activity.id}/edit"
    page = form_fields(alice.get(path).get_data(as_text=True), "activity-form")
    assert alice.post(path, data=with_values(page, **{"visits-0-city": "Somewhere else"})).status_code == 302
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).version == 2


def test_a_form_without_its_version_changes_nothing(two):
    record = factories.contribution(amount=Decimal("10.00"), currency="USD", note="Original")
    db.session.commit()
    (alice, _), _ = two
    path = f"/contributions/{record.id}/edit"
    page = [(k, v) for k, v in form_fields(alice.get(path).get_data(as_text=True)) if k != "version"]
    response = alice.post(path, data=with_values(page, note="Changed"))
    assert response.status_code == 422 and "which version" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contribution, record.id).note == "Original"


def test_a_contribution_step_from_a_stale_page_is_refused(two):
    money = factories.contribution(amount=Decimal("10.00"), currency="USD", status="pledged", note="Original")
    db.session.commit()
    (alice, _), (bob, _) = two
    detail = f"/contributions/{money.id}"
    step = form_fields(bob.get(detail).get_data(as_text=True))
    assert dict(step)["version"] == "1"
    edit = form_fields(alice.get(f"{detail}/edit").get_data(as_text=True))
    assert alice.post(f"{detail}/edit", data=with_values(edit, note="Alice's")).status_code == 302
    refused = bob.post(f"{detail}/status", data=with_values(step, on="2003-02-01"))
    assert refused.status_code == 409 and "Alice Ahlberg changed it on" in html.unescape(
        refused.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Contribution, money.id).status == "pledged"


def test_a_finding_moved_from_a_stale_page_is_refused(two):
    from models import LegislativeFinding
    finding = db.session.scalars(db.select(LegislativeFinding).order_by(LegislativeFinding.id)).first()
    (alice, _), (bob, _) = two
    path = f"/findings/{finding.id}"
    page_a = form_fields(alice.get(path).get_data(as_text=True))
    page_b = form_fields(bob.get(path).get_data(as_text=True))
    assert dict(page_b)["version"] == str(finding.version)
    note = {"status": "enacted" if finding.status != "enacted" else "draft_law", "note": "moved on"}
    first = alice.post(f"{path}/status", data=with_values(page_a, status_date="2004-01-01", **note))
    assert first.status_code == 302, first.get_data(as_text=True)[:1500]
    refused = bob.post(f"{path}/status", data=with_values(page_b, status_date="2004-02-01", **note))
    assert refused.status_code == 409 and "Alice Ahlberg changed it on" in html.unescape(
        refused.get_data(as_text=True))
