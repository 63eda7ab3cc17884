"""Contribution pages, allocations, exchange rates, the donor portal and statements, through the pages with real
CSRF tokens: bad input gets a message beside its field, the input kept, nothing saved."""
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import Allocation, Contribution, ExchangeRate, db
from tests import factories
from tests.conftest import csrf_token, login
from tests.helpers import count_queries, field_errors


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **data})


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _form(donor, **kw):
    values = {"donor_id": str(donor.id), "project_id": "", "amount": "250,000.00", "currency": "eur",
              "pledged_date": "2003-01-10", "status": "pledged", "instruments": ["UNTOC", "TIP"],
              "source": "Agreement 2003/1", "note": ""}
    values.update(kw)
    return values


def test_officers_read_and_managers_write(client, login_as, session):
    money = factories.contribution()
    session.commit()
    login_as("officer")
    assert client.get("/contributions/").status_code == 200
    assert client.get(f"/contributions/{money.id}").status_code == 200
    assert client.get("/contributions/new").status_code == 403
    assert _post(client, f"/contributions/{money.id}/status", on="2003-01-01").status_code == 403
    assert client.get("/rates/").status_code == 403


def test_a_manager_records_a_pledge_commits_and_receives_it(client, login_as, session):
    donor = factories.organization(name="Donor of the page test")
    session.commit()
    login_as("manager")
    response = _post(client, "/contributions/new", **_form(donor))
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    money = db.session.scalars(sa.select(Contribution).filter_by(donor_id=donor.id)).one()
    assert (money.amount, money.currency, money.status, [i.code for i in money.instruments]) == (
        Decimal("250000.00"), "EUR", "pledged", ["UNTOC", "TIP"])
    assert _post(client, f"/contributions/{money.id}/status", on="2003-02-01", reason="Signed").status_code == 302
    refused = _post(client, f"/contributions/{money.id}/status", on="2003-01-31")
    assert refused.status_code == 422
    assert "cannot be before the committed date" in refused.get_data(as_text=True)
    assert _post(client, f"/contributions/{money.id}/status", on="2003-03-01").status_code == 302
    page = client.get(f"/contributions/{money.id}").get_data(as_text=True)
    assert "1 February 2003" in page and "1 March 2003" in page and "Signed" in page
    db.session.expire_all()
    assert db.session.get(Contribution, money.id).status == "received"


@pytest.mark.parametrize("changes, field, message", [
    ({"amount": "-5"}, "amount", "more than zero"),
    ({"amount": "2000000000000"}, "amount", "not a plausible amount"),
    ({"amount": "1e309"}, "amount", "1E+309 is not a plausible amount"),  # past rounding to cents: as typed
    ({"amount": "12abc"}, "amount", "as a number"),
    ({"amount": "10.001"}, "amount", "two decimals"),
    ({"currency": "XYZ"}, "currency", "is not an ISO 4217 currency code"),
    ({"currency": "<b>Q</b>"}, "currency", "is not an ISO 4217 currency code"),
    ({"amount": ""}, "amount", "Give the amount, or tick"),
    ({"status": "received", "committed_date": "2003-01-05", "received_date": "2003-01-01"}, "received_date",
     "cannot be received before it was pledged"),
    ({"period_start": "2003-06-01", "period_end": "2003-05-01"}, "period_end", "ends before it starts"),
])
def test_bad_contributions_are_refused_beside_the_field_and_nothing_is_saved(client, login_as, session, changes,
                                                                            field, message):
    donor = factories.organization()
    session.commit()
    login_as("manager")
    before = _count(Contribution)
    response = _post(client, "/contributions/new", **_form(donor, **changes))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert any(message in e for e in field_errors(body, field)), field_errors(body)
    assert _count(Contribution) == before
    for value in changes.values():  # the input is kept (escaped where it holds markup)
        if value.startswith("<"):
            assert "&lt;B&gt;Q&lt;/B&gt;" in body and "<B>Q</B>" not in body
        elif field != "amount" or value:
            assert f'value="{value}"' in body or f'value="{value.upper()}"' in body


def test_an_amount_not_recorded(client, login_as, session):
    donor = factories.organization()
    session.commit()
    login_as("manager")
    response = _post(client, "/contributions/new", **_form(donor, amount="", currency="", amount_not_recorded="y"))
    assert response.status_code == 302
    money = db.session.scalars(sa.select(Contribution).filter_by(donor_id=donor.id)).one()
    assert money.amount is None and "Amount not recorded" in client.get(f"/contributions/{money.id}").get_data(
        as_text=True)


def test_allocations_beyond_the_balance_or_outside_the_earmark_are_refused_with_the_reason(client, login_as,
                                                                                          session):
    money = factories.contribution(amount=Decimal("1000.00"), currency="USD", status="committed",
                                   instruments=("TIP",))
    inside = factories.activity(instruments=("TIP",))
    outside = factories.activity(instruments=("FIREARMS",), title="Firearms only")
    session.commit()
    login_as("manager")
    path = f"/contributions/{money.id}/allocations/new"
    assert _post(client, path, activity_id=str(inside.id), amount="600").status_code == 302
    before = _count(Allocation)
    beyond = _post(client, path, activity_id=str(outside.id), amount="500")
    assert beyond.status_code == 422 and _count(Allocation) == before
    assert "Outside the earmark" in field_errors(beyond.get_data(as_text=True), "activity_id")[0]
    second = factories.activity(instruments=("TIP",))
    session.commit()
    beyond = _post(client, path, activity_id=str(second.id), amount="500")
    assert beyond.status_code == 422 and _count(Allocation) == before
    assert field_errors(beyond.get_data(as_text=True), "amount") == [
        "Beyond the balance: USD 400.00 of this contribution is left to allocate, and USD 500.00 was asked."]
    assert 'value="500"' in beyond.get_data(as_text=True)


def test_admins_keep_exchange_rates(client, login_as, session):
    login_as("admin")
    before = _count(ExchangeRate)
    bad = _post(client, "/rates/new", currency="usd", rate="1", valid_from="2003-01-01")
    assert bad.status_code == 422 and "base currency" in field_errors(bad.get_data(as_text=True), "currency")[0]
    bad = _post(client, "/rates/new", currency="EUR", rate="-1", valid_from="2003-01-01")
    assert bad.status_code == 422 and field_errors(bad.get_data(as_text=True), "rate")
    assert _count(ExchangeRate) == before
    assert _post(client, "/rates/new", currency="eur", rate="1.1050", valid_from="2003-01-01",
                 source="UN rate").status_code == 302
    rate = db.session.scalars(sa.select(ExchangeRate).filter_by(currency="EUR")).one()
    page = client.get("/rates/").get_data(as_text=True)
    assert "1.105" in page and "1 January 2003" in page
    assert _post(client, f"/rates/{rate.id}/edit", currency="EUR", rate="1.2", valid_from="2003-01-01").status_code \
        == 302
    assert _post(client, f"/rates/{rate.id}/delete").status_code == 302
    assert _count(ExchangeRate) == before


@pytest.fixture()
def two_donors(session):
    db.session.add(ExchangeRate(currency="EUR", rate=Decimal("1.10"), valid_from=date(2003, 1, 1)))
    a, b = factories.organization(name="Donor Alpha"), factories.organization(name="Donor Beta")
    mine = factories.contribution(a, amount=Decimal("1000.00"), currency="EUR", status="received",
                                  instruments=(), pledged_date=date(2003, 1, 1), committed_date=date(2003, 1, 2),
                                  received_date=date(2003, 1, 3))
    factories.contribution(a, amount=Decimal("777.00"), currency="USD", status="pledged")
    theirs = factories.contribution(b, amount=Decimal("4321.00"), currency="USD", instruments=())
    activity = factories.activity(title="Alpha's seminar", served=("BOL", "PER"))
    other = factories.activity(title="Beta's seminar")
    factories.allocation(mine, activity, Decimal("400.00"))
    factories.allocation(theirs, other, Decimal("1234.00"))
    session.commit()
    return a, b, activity


def test_the_donor_portal_shows_its_own_money_and_the_statement(client, make_user, two_donors):
    a, b, activity = two_donors
    login(client, make_user("donor", donor=a))
    page = client.get("/funding/").get_data(as_text=True)
    assert "Alpha&#39;s seminar" in page and "Beta" not in page and "4,321.00" not in page
    assert "USD 1,100.00" in page  # EUR 1,000 received, at the rate of 1 January 2003
    assert "rate of 1 January 2003" in page and "USD 777.00" in page  # the pledge, shown apart
    assert "This is part of each list" in page
    assert client.get("/").get_data(as_text=True).count("Open your funding portal") == 1
    statement = client.get("/funding/statement.csv").get_data(as_text=True)
    assert statement.startswith("\ufeffdonor,") and "\r\n" in statement  # Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(statement.lstrip("\ufeff"))))
    assert [(r["activity"], r["allocation_amount"], r["currency"]) for r in rows if r["activity"]] == [
        ("Alpha's seminar", "400.00", "EUR")]
    assert {r["donor"] for r in rows} == {"Donor Alpha"}
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(client.get("/funding/statement.xlsx").get_data()))
    sheet = book["Statement"]
    header = [c.value for c in sheet[1]]
    assert sheet.max_row == 3 and header[:3] == ["donor", "contribution_id", "project"]
    assert "print.css" in client.get("/funding/statement").get_data(as_text=True)
    for path in ("/funding/", "/funding/statement", "/funding/statement.csv", "/iati.xml"):
        assert client.get(f"{path}?donor={b.id}").status_code == 404, path
    assert client.get(f"/funding/donors/{b.id}").status_code == 404
    assert client.get("/funding/?donor=abc").status_code == 400


def test_staff_see_every_donor_and_one_on_request(client, login_as, two_donors):
    a, b, _activity = two_donors
    login_as("manager")
    page = client.get("/funding/").get_data(as_text=True)
    assert "Donor Alpha" in page and "Donor Beta" in page
    one = client.get(f"/funding/donors/{b.id}").get_data(as_text=True)
    assert "Beta&#39;s seminar" in one and "Alpha&#39;s seminar" not in one
    xml = client.get(f"/iati.xml?donor={a.id}")
    assert xml.mimetype == "application/xml" and b"Alpha's seminar" in xml.data and b"Beta" not in xml.data
    from app.services.funding import iati
    assert iati.problems(xml.data) == [] and iati.problems(client.get("/iati.xml").data) == []


def _fund(n):
    donor = factories.organization()
    for i in range(n):
        money = factories.contribution(donor, amount=Decimal("100.00"), instruments=())
        factories.allocation(money, factories.activity(served=(("BOL", "CHL", "PER")[i % 3],),
                                                       instruments=("UNTOC", "TIP")), Decimal("50.00"))
    return donor


@pytest.mark.parametrize("path", ["/funding/", "/funding/statement", "/funding/statement.csv", "/iati.xml",
                                  "/contributions/", "/api/v1/contributions"])
def test_pages_take_the_same_number_of_queries_at_two_sizes(client, make_user, session, path):
    counts = []
    for n in (2, 20):
        donor = _fund(n)
        session.commit()
        user = make_user("donor", donor=donor)
        login(client, user)
        client.get(path)  # the treaty statuses it shows are computed once, then kept until the record changes
        session.expunge_all()
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        counts.append(len(statements))
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    print(path, counts)
    assert counts[0] == counts[1], counts


def test_editing_keeps_the_allocations_whole(client, login_as, session):
    money = factories.contribution(amount=Decimal("1000.00"), currency="USD", status="committed", instruments=())
    factories.allocation(money, factories.activity(), Decimal("600.00"))
    session.commit()
    login_as("manager")
    path = f"/contributions/{money.id}/edit"
    form = client.get(path).get_data(as_text=True)
    assert 'value="1000.00"' in form and 'value="USD"' in form
    fields = {"donor_id": str(money.donor_id), "project_id": "", "amount": "500", "currency": "USD",
              "pledged_date": "", "source": "", "note": "", "version": str(money.version)}
    below = _post(client, path, **fields)
    assert below.status_code == 422
    assert "less than the 600.00 already allocated" in field_errors(below.get_data(as_text=True), "amount")[0]
    other = _post(client, path, **{**fields, "amount": "1000", "currency": "EUR"})
    assert other.status_code == 422 and "remove them before changing the currency" in other.get_data(as_text=True)
    assert _post(client, path, **{**fields, "amount": "1200.50", "note": "Topped up"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, money.id).amount == Decimal("1200.50")
    assert "Topped up" in client.get(f"/contributions/{money.id}").get_data(as_text=True)


def test_the_portal_pages_each_list_on_its_own_and_links_to_the_statement(client, make_user, session, monkeypatch):
    from app.views.funding import portal
    monkeypatch.setattr(portal, "PORTAL_ROWS", 3)
    donor = _fund(5)
    session.commit()
    ids = sorted(c.id for c in db.session.scalars(sa.select(Contribution).filter_by(donor_id=donor.id)))
    login(client, make_user("donor", donor=donor))
    page = client.get("/funding/").get_data(as_text=True)
    # The latest three of each list, its count, and a pager on the list's own parameter back to its section.
    listed = page[page.index('id="contributions"'):page.index('id="activities"')]
    assert [f"/contributions/{i}" in listed for i in ids] == [False, False, True, True, True]
    assert "Page 1 of 2 · 5 in all" in page
    assert 'href="/funding/?contributions_page=2#contributions"' in page
    assert 'href="/funding/?activities_page=2#activities"' in page
    assert 'href="/funding/statement"' in page
    second = client.get("/funding/?contributions_page=2&activities_page=2").get_data(as_text=True)
    listed = second[second.index('id="contributions"'):second.index('id="activities"')]
    assert [f"/contributions/{i}" in listed for i in ids] == [True, True, False, False, False]
    # Each pager keeps the other lists' pages.
    assert 'href="/funding/?contributions_page=1&amp;activities_page=2#contributions"' in second
    for bad in ("contributions_page=0", "followed_page=abc", "states_page=-1"):
        assert client.get(f"/funding/?{bad}").status_code == 400, bad
    statement = client.get("/funding/statement").get_data(as_text=True)
    assert all(f"#{i}" in statement for i in ids)
