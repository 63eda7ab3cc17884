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


def test_the_reference_record_validates(session):
    document, root = _file(EVERYTHING)
    assert iati.problems(document) == []
    activities = root.findall("iati-activity")
    assert len(activities) == 18  # paras. 9 (4 meetings) and 16-17 (14 activities)
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
    assert iati.problems(document) == []
    assert len(root.findall("iati-activity")) == 16  # the 14 of the project and the 2 Vancouver meetings
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
    assert iati.problems(document) == []
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
    assert iati.problems(document) == []
    assert {t.find("value").get("currency") for t in root.iter("transaction")} == {"EUR"}
    assert b"JPY" not in document and b.name.encode() not in document


def test_the_checks_catch_a_bad_code_and_a_broken_structure(generated):
    document = iati.build(donor_portal.portal(EVERYTHING, None, date.today()))
    bad_code = document.replace(b'code="15130"', b'code="99999"', 1)
    assert any("Sector codelist" in p for p in iati.problems(bad_code))
    broken = document.replace(b"<iati-identifier>", b"<iati-identifierx>", 1).replace(
        b"</iati-identifier>", b"</iati-identifierx>", 1)
    assert iati.problems(broken)
