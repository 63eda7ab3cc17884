"""The experts roster: search by instrument, legal topic, language, legal tradition and availability in a date
range; an expert's page with deployment history; contact details never shown to donors."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from models import Expert, Organization, db
from tests import factories
from tests.helpers import field_errors


def org(key):
    return db.session.scalar(sa.select(Organization).filter_by(reference_key=key))


def names_on(page: str) -> list[str]:
    return re.findall(r'<td><a href="/experts/\d+">([^<]+)</a></td>', page)


@pytest.fixture()
def roster(session):
    a = factories.expert(name="Aline Civil", topics=["extradition", "mutual legal assistance"],
                         languages=["French", "Spanish"], legal_tradition="civil_law",
                         instruments=[factories.instrument("UNTOC")])
    b = factories.expert(name="Bob Common", topics=["money-laundering"], languages=["English"],
                         legal_tradition="common_law", instruments=[factories.instrument("TIP")])
    busy = factories.activity(visits=[("BOL", date(2004, 4, 10), date(2004, 4, 20))])
    factories.deployment(b, busy)
    cancelled = factories.activity(status="cancelled", visits=[("PER", date(2004, 4, 1), date(2004, 4, 30))])
    factories.deployment(a, cancelled)
    session.commit()
    return a, b


@pytest.mark.parametrize("query, expected", [
    ("topic=extradition", ["Aline Civil"]), ("topic=LAUNDERING", ["Bob Common"]), ("language=french", ["Aline Civil"]),
    ("legal_tradition=common_law", ["Bob Common"]), ("instrument=TIP&q=o", ["Bob Common"]),
    ("available_from=2004-04-15&available_to=2004-04-16", ["Aline Civil"]),  # a cancelled activity keeps no one
    ("available_from=2004-04-21&available_to=2004-04-30", ["Aline Civil", "Bob Common"]),
    ("available_from=2004-04-20", ["Aline Civil"]),
])
def test_the_roster_searches(client, login_as, roster, query, expected):
    login_as("officer")
    found = names_on(client.get(f"/experts/?{query}&per_page=500").get_data(as_text=True))
    assert [n for n in found if n in ("Aline Civil", "Bob Common")] == expected


def test_the_api_takes_the_same_search(api_as, roster):
    get, _ = api_as("officer")
    items = get("/api/v1/experts?topic=extradition&language=Spanish&available_from=2004-04-15").get_json()["items"]
    assert [e["name"] for e in items] == ["Aline Civil"]
    assert get("/api/v1/experts?available_from=2004-05-01&available_to=2004-04-01").status_code == 400


def test_an_expert_page_shows_the_deployment_history_and_contacts_to_staff(client, login_as, roster):
    login_as("officer")
    _, bob = roster
    page = client.get(f"/experts/{bob.id}").get_data(as_text=True)
    assert "legal adviser" in page and 'href="/activities/' in page and bob.email in page


def test_donors_never_see_contact_details(client, login_as):
    login_as("donor", donor=org("canada"))  # funds the State Duma mission, with the Centre's expert
    expert = db.session.scalar(sa.select(Expert).filter_by(reference_key="cicp-expert-state-duma"))
    expert.email, expert.phone = "duma.expert@cicp.test", "+43 1 26060"
    db.session.commit()
    page = client.get(f"/experts/{expert.id}").get_data(as_text=True)
    assert "State Duma" in page and "duma.expert@cicp.test" not in page and "+43 1 26060" not in page
    listing = client.get("/experts/").get_data(as_text=True)
    assert expert.name in listing and "duma.expert" not in listing
    madagascar = db.session.scalar(sa.select(Expert).filter_by(reference_key="imf-expert-madagascar"))
    assert client.get(f"/experts/{madagascar.id}").status_code == 404  # not on anything Canada funds


def test_between_two_visits_an_expert_is_available(client, login_as, session):
    """Deployed on Romania's two visits (January and November 2002) with no dates of its own: free in June."""
    login_as("officer")
    expert = factories.expert(name="Between Visits")
    romania = session.scalar(sa.select(factories.Activity).filter_by(reference_key="mission-2002-romania"))
    factories.deployment(expert, romania)
    session.commit()
    june = names_on(client.get("/experts/?available_from=2002-06-01&available_to=2002-06-30&q=Between")
                    .get_data(as_text=True))
    january = names_on(client.get("/experts/?available_from=2002-01-10&q=Between").get_data(as_text=True))
    assert june == ["Between Visits"] and january == []


# ------------------------------------------------------------------ adding and editing (issue 14)
def test_add_then_edit_an_expert_through_the_form(client, login_as):
    from models import AuditEntry, Expert
    from tests.helpers import form_fields, with_values
    login_as("officer")
    page = client.get("/experts/new").get_data(as_text=True)
    data = with_values(form_fields(page), name="Ana Experta", kind="consultant", nationality="BOL",
                       instruments=["UNTOC", "SOM"], topics="extradition, witness protection",
                       languages="Spanish, English", email="ana@example.test")
    response = client.post("/experts/new", data=data)
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    expert = db.session.scalar(sa.select(Expert).filter_by(name="Ana Experta"))
    assert [i.code for i in expert.instruments] == ["UNTOC", "SOM"] and expert.nationality.code == "BOL"
    assert expert.topics == ["extradition", "witness protection"] and expert.languages == ["Spanish", "English"]
    edit = form_fields(client.get(f"/experts/{expert.id}/edit").get_data(as_text=True))
    assert dict(edit)["version"] == "1"
    assert client.post(f"/experts/{expert.id}/edit", data=with_values(edit, phone="+591 2 123456")).status_code == 302
    db.session.expire_all()
    expert = db.session.get(Expert, expert.id)
    assert expert.phone == "+591 2 123456" and expert.version == 2
    stale = client.post(f"/experts/{expert.id}/edit", data=with_values(edit, phone="+1"))
    assert stale.status_code == 409 and "changed since this page was loaded" in stale.get_data(as_text=True)
    actions = db.session.scalars(sa.select(AuditEntry.action).filter_by(record_type="Expert", record_id=expert.id))
    assert sorted(actions) == ["create", "update"]


def test_bad_expert_input_is_refused_beside_the_field(client, login_as):
    from tests.helpers import form_fields, with_values
    login_as("officer")
    page = client.get("/experts/new").get_data(as_text=True)
    response = client.post("/experts/new", data=with_values(form_fields(page), name="<b>x</b>", kind="wizard",
                                                            email="not-an-email", nationality="XXX"))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    for field in ("name", "kind", "email", "nationality"):
        assert field_errors(body, field), field


def test_donors_cannot_add_experts(client, login_as):
    login_as("donor", donor=db.session.scalar(sa.select(Organization).filter_by(reference_key="canada")))
    assert client.get("/experts/new").status_code == 403
