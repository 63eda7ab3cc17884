"""The IATI file streamed from a server-side cursor (issue 26 item 4, app.services.funding.iati_rows): byte for byte
the file the portal's whole load made (its generation time aside), valid against the IATI schema, in the same
three statements whatever the size of the record, and without loading the records into the session."""
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from lxml import etree

from app.scoping import EVERYTHING, Scope
from app.seed.synthetic import generate
from app.services.funding import donor_portal, iati, iati_rows
from models import Activity, Allocation, Contribution, Organization, db
from tests.helpers import count_queries

AS_AT = date(2003, 7, 2)


def _whole_tree(portal) -> bytes:
    """The file as it was made before it was streamed: every activity of the portal's load in one lxml tree,
    serialized at once (iati.build as it was)."""
    root = etree.Element("iati-activities", version=iati.VERSION,
                         **{"generated-datetime": datetime.now(UTC).isoformat(timespec="seconds")})
    reporter = iati._reporter()
    for funded in portal.activities:
        reason = iati._dates(funded.activity, portal.as_of)[1]
        if reason:
            root.append(etree.Comment(f" Activity {funded.activity.id} is not reported: {reason}. "))
        else:
            iati._activity(root, funded, reporter, portal.as_of)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _streamed(scope, donor, as_of) -> bytes:
    return b"".join(iati.chunks(iati_rows.funded(scope, donor), as_of))


def _timeless(document: bytes) -> bytes:
    return re.sub(rb'generated-datetime="[^"]*"', b'generated-datetime=""', document)


def _files(scope, donor, as_of) -> tuple[bytes, bytes, bytes]:
    """The file made whole and streamed, their generation times left out, and the streamed file itself."""
    before = _whole_tree(donor_portal.portal(scope, donor, as_of))
    db.session.expunge_all()
    after = _streamed(scope, donor, as_of)
    return _timeless(before), _timeless(after), after


def _busiest_donor() -> Organization:
    return db.session.scalar(sa.select(Organization).join(Contribution, Contribution.donor_id == Organization.id)
                             .join(Allocation).group_by(Organization.id)
                             .order_by(sa.func.count().desc(), Organization.id).limit(1))


def test_the_reference_record_streams_the_same_bytes_and_validates(session):
    canada = db.session.scalar(sa.select(Organization).filter_by(reference_key="canada"))
    for scope, donor in ((EVERYTHING, None), (Scope(donor_id=canada.id), canada), (EVERYTHING, canada)):
        before, after, document = _files(scope, donor, AS_AT)
        assert after == before
        assert iati.problems(document, AS_AT) == []
    assert after.count(b"<iati-activity ") == 15


@pytest.mark.parametrize("as_of", [AS_AT, date(2026, 11, 23)])
def test_a_synthetic_record_streams_the_same_bytes(session, as_of):
    generate(300, seed=5)
    donor = _busiest_donor()
    for scope, who in ((EVERYTHING, None), (Scope(donor_id=donor.id), donor)):
        before, after, document = _files(scope, who, as_of)
        assert after == before and after.count(b"<iati-activity ") > 10
        assert iati.schema().validate(etree.fromstring(document)), iati.schema().error_log


def test_an_empty_file_is_the_root_alone(session):
    nobody = Organization(name="A donor with no money", kind="donor_government")
    db.session.add(nobody)
    db.session.flush()
    before, after, _document = _files(Scope(donor_id=nobody.id), nobody, AS_AT)
    assert after == before and after.endswith(b"/>\n")


def test_the_file_costs_three_statements_at_any_size_and_loads_no_record(session):
    def cost() -> int:
        db.session.expunge_all()
        with count_queries() as statements:
            document = _streamed(EVERYTHING, None, date(2026, 11, 23))
        assert not any(isinstance(o, Activity | Allocation | Contribution) for o in db.session.identity_map.values())
        assert document.count(b"<iati-activity ") > 0
        return len(statements)
    generate(200, seed=3)
    small = cost()
    generate(800, seed=4)
    assert cost() == small == 3
