"""IATI activity XML 2.03: every file validates against the official schema and every code is in the codelists —
on the reference record and on generated data — and a donor's file holds its own money only."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from lxml import etree

from app.scoping import EVERYTHING, Scope
from app.services.funding import allocations as allocation_service
from app.services.funding import donor_portal, iati
from models import ExchangeRate, Organization, db
from tests import factories


def _file(scope, donor=None) -> tuple[bytes, etree._Element]:
    document = iati.build(donor_portal.portal(scope, donor, date(2003, 7, 2)))
    return document, etree.fromstring(document)


AS_AT = date(2003, 7, 2)


def test_the_reference_record_validates(session):
    document, root = _file(EVERYTHING)
    assert iati.problems(document, AS_AT) == []
    activities = root.findall("iati-activity")
    # Paras. 9 (4 meetings) and 16-17 (14 activities), less the written analysis for Cambodia: the report gives it
    # no date, and a closed activity needs an actual start and end; the file says so rather than invent them.
    assert len(activities) == 17
    left_out = [c.text for c in root.iterchildren(etree.Comment)]
    assert len(left_out) == 1 and "completed, but the record gives no date for it" in left_out[0]
    # The report gives no amount: no budget, and the file says why (no budget-not-provided code means that).
    assert not root.findall(".//budget")
    assert all("No budget: the record holds no amount for it." in a.xpath("string(comment())") for a in activities)
    for a in activities:
        assert a.find("default-flow-type").get("code") == "10" and a.find("default-aid-type").get("code") == "D02"
        assert a.find("description[@type='2']") is None
    assert not root.findall(".//transaction")  # the report gives no amount: no transaction is invented
    funders = {o.findtext("narrative") for o in root.iterfind("iati-activity/participating-org[@role='1']")}
    assert funders == {"Canada", "France", "Italy", "Japan", "Norway", "United States of America",
                       "United Kingdom of Great Britain and Northern Ireland"}
    romania = next(a for a in activities if a.find("recipient-country[@code='RO']") is not None)
    assert romania.find("sector").get("code") == "15130"
    assert "the record's inference" in romania.find("description[@type='4']/narrative").text


def test_canada_gets_its_own_activities_only(session):
    canada = db.session.scalar(sa.select(Organization).filter_by(reference_key="canada"))
    document, root = _file(Scope(donor_id=canada.id), canada)
    assert iati.problems(document, AS_AT) == []
    # The 14 of the project and the 2 Vancouver meetings, less the undated written analysis (named in a comment).
    assert len(root.findall("iati-activity")) == 15 and len(list(root.iterchildren(etree.Comment))) == 1
    assert {o.findtext("narrative") for o in root.iterfind(".//participating-org[@role='1']")} == {"Canada"}


@pytest.fixture()
def generated(session):
    """Two donors, several currencies, several countries, a planned activity and a written analysis."""
    db.session.add(ExchangeRate(currency="EUR", rate=Decimal("1.1"), valid_from=date(2003, 1, 1)))
    a, b = factories.organization(name="Donor <A> & Co"), factories.organization()
    eur = factories.contribution(a, amount=Decimal("1000.00"), currency="EUR", status="received",
                                 pledged_date=date(2003, 1, 1), committed_date=date(2003, 1, 2),
                                 received_date=date(2003, 2, 1), instruments=())
    jpy = factories.contribution(b, amount=Decimal("50000.00"), currency="JPY", status="committed",
                                 instruments=())
    regional = factories.activity(served=("BOL", "CHL", "ECU"), title="Regional <meeting> & more")
    planned = factories.activity(status="planned", visits=(("MLI", date(2004, 1, 5), date(2004, 1, 9)),),
                                 served=("MLI",))
    analysis = factories.activity(kind="written_analysis", visits=(), served=("KHM",), instruments=("TIP",))
    allocation_service.allocate(eur, regional, Decimal("400.00"), is_inferred=True, basis="Inferred for the test")
    allocation_service.allocate(jpy, regional, Decimal("20000.00"))
    allocation_service.allocate(jpy, planned, Decimal("1000.00"))
    allocation_service.allocate(eur, analysis, Decimal("100.00"))
    db.session.flush()
    return a, b, regional


def test_generated_data_validates_with_transactions_from_the_allocations(generated):
    a, b, regional = generated
    document, root = _file(EVERYTHING)
    assert iati.problems(document, AS_AT) == []
    mine = root.xpath(f"iati-activity[iati-identifier='{iati._reporter()['ref']}-ACT-{regional.id}']")[0]
    values = sorted((t.find("value").get("currency"), t.findtext("value"), t.find("transaction-type").get("code"))
                    for t in mine.iterfind("transaction"))
    assert values == [("EUR", "400.00", "1"), ("JPY", "20000.00", "11")]
    shares = [Decimal(c.get("percentage")) for c in mine.iterfind("recipient-country")]
    assert len(shares) == 3 and sum(shares) == 100
    assert mine.findtext("title/narrative") == "Regional <meeting> & more"  # escaped by lxml, read back whole


def test_a_donors_file_holds_its_own_money_only(generated):
    a, b, regional = generated
    document, root = _file(Scope(donor_id=a.id), a)
    assert iati.problems(document, AS_AT) == []
    assert {t.find("value").get("currency") for t in root.iter("transaction")} == {"EUR"}
    assert b"JPY" not in document and b.name.encode() not in document


def test_the_checks_catch_a_bad_code_and_a_broken_structure(generated):
    document = iati.build(donor_portal.portal(EVERYTHING, None, date.today()))
    bad_code = document.replace(b'code="15130"', b'code="99999"', 1)
    assert any("Sector codelist" in p for p in iati.problems(bad_code))
    broken = document.replace(b"<iati-identifier>", b"<iati-identifierx>", 1).replace(
        b"</iati-identifier>", b"</iati-identifierx>", 1)
    assert iati.problems(broken)


def _one(root, activity) -> etree._Element:
    return root.xpath(f"iati-activity[iati-identifier='{iati._reporter()['ref']}-ACT-{activity.id}']")[0]


def test_status_and_dates_agree_and_nothing_is_invented(session):
    donor = factories.organization()
    money = factories.contribution(donor, amount=Decimal("900.00"), currency="USD", pledged_date=date(2003, 1, 1),
                                   received_date=date(2003, 2, 1), instruments=())
    done = factories.activity(visits=(("BOL", date(2003, 3, 10), date(2003, 3, 12)),), outcome="A draft law")
    going = factories.activity(status="under_way", visits=(("PER", date(2003, 6, 30), date(2003, 7, 20)),))
    coming = factories.activity(status="planned", visits=(("MLI", date(2003, 9, 1), date(2003, 9, 3)),))
    stale = factories.activity(status="planned", visits=(("MLI", date(2003, 5, 1), date(2003, 5, 3)),))
    analysis = factories.activity(kind="written_analysis", visits=(), served=("KHM",))
    union = factories.activity(visits=(("BEL", date(2003, 4, 1), date(2003, 4, 2)),), served=("EUU",))
    for activity in (done, going, coming, stale, analysis, union):
        allocation_service.allocate(money, activity, Decimal("100.00"))
    db.session.flush()
    document, root = _file(Scope(donor_id=donor.id), donor)
    assert iati.problems(document, AS_AT) == []

    def dates(activity):
        return {d.get("type"): d.get("iso-date") for d in _one(root, activity).iterfind("activity-date")}
    assert _one(root, done).find("activity-status").get("code") == "4"
    assert dates(done) == {"2": "2003-03-10", "4": "2003-03-12"}
    assert _one(root, going).find("activity-status").get("code") == "2"
    assert dates(going) == {"2": "2003-06-30", "3": "2003-07-20"}
    assert _one(root, coming).find("activity-status").get("code") == "1"
    assert dates(coming) == {"1": "2003-09-01", "3": "2003-09-03"}
    # A written analysis with no date and a "planned" activity whose day has passed are named, not reported.
    reported = {a.findtext("iati-identifier") for a in root.iterfind("iati-activity")}
    assert not any(i.endswith((f"-ACT-{stale.id}", f"-ACT-{analysis.id}")) for i in reported)
    comments = " ".join(c.text for c in root.iterchildren(etree.Comment))
    assert f"Activity {stale.id} is not reported: planned, but its planned start has passed" in comments
    assert f"Activity {analysis.id} is not reported: completed, but the record gives no date" in comments
    # The European Union has no country code: a region instead.
    region = _one(root, union).find("recipient-region")
    assert _one(root, union).find("recipient-country") is None
    assert (region.get("code"), region.get("vocabulary"), region.get("percentage")) == ("998", "1", "100.00")
    # The outcome is a result; the money allocated is the budget of the activity's period.
    result = _one(root, done).find("result")
    assert result.get("type") == "2" and result.findtext("description/narrative") == "A draft law"
    assert result.find("indicator").get("measure") == "5"
    budget = _one(root, done).find("budget")
    assert (budget.find("period-start").get("iso-date"), budget.find("period-end").get("iso-date"),
            budget.findtext("value"), budget.find("value").get("currency")) == ("2003-03-10", "2003-03-12",
                                                                              "100.00", "USD")


def test_the_rules_catch_a_status_its_dates_contradict(session):
    document = iati.build(donor_portal.portal(EVERYTHING, None, AS_AT))
    assert iati.problems(document, AS_AT) == []
    no_end = document.replace(b'<activity-date type="4"', b'<activity-date type="3"', 1)
    assert any("without an activity-date of type 4" in p for p in iati.problems(no_end, AS_AT))
    outcome = b'<description type="2"><narrative>x</narrative></description>'
    as_description = document.replace(b"<participating-org", outcome + b"<participating-org", 1)
    assert any("not a result" in p for p in iati.problems(as_description, AS_AT))
    no_defaults = document.replace(b'<default-flow-type code="10"/>', b"", 1)
    assert any("no default-flow-type" in p for p in iati.problems(no_defaults, AS_AT))
    assert any("after 2003-01-01" in p for p in iati.problems(document, date(2003, 1, 1)))


def test_the_page_warns_while_the_reporting_identifier_is_the_placeholder(app, client, login_as):
    login_as("manager")
    page = client.get("/funding/").get_data(as_text=True)
    assert 'id="iati-placeholder"' in page and "XI-PALERMO-CICP" in page and "IATI_REPORTING_ORG_REF" in page
    app.config["IATI_REPORTING_ORG_REF"] = "XM-DAC-41123"
    try:
        assert 'id="iati-placeholder"' not in client.get("/funding/").get_data(as_text=True)
        assert b'ref="XM-DAC-41123"' in client.get("/iati.xml").data
    finally:
        app.config["IATI_REPORTING_ORG_REF"] = None
