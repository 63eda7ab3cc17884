"""Instrument pages: status as at a date, progress to the 40, the cumulative chart as inline SVG."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.scoping import for_user
from app.services.treaties import treaty_record
from models import Instrument, MemberState, Organization, TreatyAction, db
from tests.helpers import inline_code


def org(key):
    return db.session.scalar(sa.select(Organization).filter_by(reference_key=key))


@pytest.fixture()
def officer(login_as):
    return login_as("officer")


def test_the_list_shows_each_instrument_as_at_the_date(client, officer):
    page = client.get("/instruments/?as_of=2003-07-02").get_data(as_text=True)
    for code in ("UNTOC", "TIP", "SOM", "FIREARMS"):
        assert f">{code}</a>" in page
    assert '<a href="/states/ARM">Armenia</a>, 1 July 2003' in page and "29 September 2003" in page
    needed = dict(re.findall(r'>(TIP|SOM|FIREARMS)</a>.*?(\d+) more needed', page, re.S))
    assert needed == {"TIP": "11", "SOM": "12", "FIREARMS": "36"}  # the record: TIP 29, SOM 28, FIREARMS 4


def test_the_convention_page_before_entry_into_force(client, officer):
    page = client.get("/instruments/UNTOC?as_of=2003-07-02").get_data(as_text=True)
    assert "Entry into force</dt>" in page and "29 September 2003 (after 2 July 2003)" in page
    assert '<a href="/states/ARM">Armenia</a>, 1 July 2003' in page
    assert "more counted deposit" not in page
    assert '<progress max="40" value="40"' in page


def test_the_page_says_how_many_counted_deposits_are_still_needed(client, officer):
    page = client.get("/instruments/TIP?as_of=2003-07-02").get_data(as_text=True)
    assert "<strong>11</strong> more counted deposits needed before entry into force" in page
    assert "not yet known" in page


def test_the_chart_is_inline_svg_with_the_threshold_and_the_entry_into_force(client, officer):
    response = client.get("/instruments/UNTOC?as_of=2003-12-31")
    page = response.get_data(as_text=True)
    assert "<svg" in page and 'class="threshold"' in page and 'class="eif"' in page
    assert "entry into force 29 September 2003" in page and "threshold: 40" in page
    path = re.search(r'class="parties" d="([^"]+)"', page).group(1)
    untoc = db.session.scalar(sa.select(Instrument).filter_by(code="UNTOC"))
    days = {p.date for p in treaty_record.instrument_status(untoc, date(2003, 12, 31)).parties}
    assert path.startswith("M") and path.count("V") == len(days) > 40  # a step per deposit date
    assert inline_code(page) == []  # the CSP forbids inline scripts and styles


def test_the_parties_table_pages_and_sorts(client, officer):
    page = client.get("/instruments/UNTOC?as_of=2003-07-02&sort=-date").get_data(as_text=True)
    table = page[page.index("<h2 class=\"h5 mt-4\" id=\"parties\">Parties"):]
    first = re.search(r'href="/states/(\w+)"', table).group(1)
    assert first == "ARM"  # the latest deposit first
    by_name = client.get("/instruments/UNTOC?as_of=2003-07-02&sort=name").get_data(as_text=True)
    assert re.search(r'href="/states/(\w+)"', by_name[by_name.index("Parties</h2>"):]).group(1) == "ALB"
    assert "Page 1 of 1" not in page  # 40 parties fit on one page: no pager


def test_a_protocol_that_reaches_40_waits_for_the_convention(client, officer, session):
    # Take the Convention back below 40 and give the Trafficking Protocol its 40: no entry into force yet.
    untoc, tip = (db.session.scalar(sa.select(Instrument).filter_by(code=c)) for c in ("UNTOC", "TIP"))
    db.session.execute(sa.delete(TreatyAction).where(
        TreatyAction.instrument_id == untoc.id, TreatyAction.category == "deposit",
        TreatyAction.action_date >= date(2003, 4, 1)))
    parties = sa.select(TreatyAction.state_id).where(TreatyAction.instrument_id == tip.id,
                                                     TreatyAction.category == "deposit")
    others = db.session.scalars(sa.select(MemberState.id).where(MemberState.id.not_in(parties),
                                                                MemberState.kind == "state")
                                .order_by(MemberState.id).limit(11)).all()
    db.session.add_all(TreatyAction(state_id=i, instrument_id=tip.id, kind="accession", action_date=date(2003, 6, 1),
                                    source="entered by hand") for i in others)
    db.session.commit()
    page = client.get("/instruments/TIP?as_of=2003-07-02").get_data(as_text=True)
    assert "40 counted toward the threshold" in page
    assert ("not before the <a href=\"/instruments/UNTOC\" title=\"Organized Crime Convention\">UNTOC</a> enters into "
            "force (7 counted deposits of the Convention still needed)") in page


def test_bad_date_and_unknown_instrument(client, officer):
    response = client.get("/instruments/UNTOC?as_of=2003-13-01")
    assert response.status_code == 400 and "is not a date" in response.get_data(as_text=True)
    assert client.get("/instruments/?as_of=nope").status_code == 400
    assert client.get("/instruments/NOPE").status_code == 404


def test_a_donor_sees_only_the_instruments_its_money_touches(client, login_as):
    donor = login_as("donor", donor=org("canada"))
    mine = set(db.session.scalars(for_user(donor).instrument_ids()))
    codes = dict(db.session.execute(sa.select(Instrument.id, Instrument.code)).all())
    page = client.get("/instruments/").get_data(as_text=True)
    for instrument_id, code in codes.items():
        assert (f">{code}</a>" in page) == (instrument_id in mine)
        assert client.get(f"/instruments/{code}").status_code == (200 if instrument_id in mine else 404)


def test_admins_see_the_imports_of_an_instrument_on_its_page(client, login_as):
    from app.seed.reference import DATA
    from app.services.treaties.treaty_import import import_file
    login_as("admin")
    import_file(DATA / "untc" / "XVIII-12-b-SOM.csv", "SOM")
    db.session.commit()
    page = client.get("/instruments/SOM").get_data(as_text=True)
    assert "History: imports of depositary tables" in page
    assert "XVIII-12-b-SOM.csv imported" in page


def test_the_fortieth_deposit_of_tip_is_said_to_be_one_of_four(client, officer):
    """The list and the instrument page say the 40th deposit of TIP is one of four made on 26 Sep 2003 and name the
    four, instead of naming Rwanda alone by alphabetical order."""
    for path in ("/instruments/?as_of=2014-01-01", "/instruments/TIP?as_of=2014-01-01"):
        page = client.get(path).get_data(as_text=True)
        tie = page[page.index('class="threshold-tie"'):]
        tie = tie[:tie.index("</span>")]
        assert "one of 4 counted deposits made on 26 September 2003" in tie, path
        assert "numbers 37 to 40" in tie and "does not say which of them was number 40" in tie
        for name in ("Belize", "Poland", "Rwanda", "Lao"):
            assert name in tie, (path, name)
    untoc = client.get("/instruments/UNTOC?as_of=2014-01-01").get_data(as_text=True)
    assert 'class="threshold-tie"' not in untoc and "Armenia" in untoc
