"""The reference record of A/58/165: complete, idempotent, figures from data, refused whole when inconsistent."""
import re
import shutil
from datetime import date

import pytest
import sqlalchemy as sa

from app.scoping import EVERYTHING
from app.seed.reference import DATA, ReferenceDataError, load_reference
from app.services.treaties import treaty_record
from models import (
    Activity,
    AssistanceRequest,
    AuditEntry,
    Contribution,
    MemberState,
    TreatyAction,
    TreatyActionSource,
    db,
)

AS_AT = date(2003, 7, 2)


def row_counts() -> dict[str, int]:
    return {t.name: db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables}


def status_on(code: str, day: date, source=None):
    return treaty_record.instrument_status(treaty_record.get_instrument(code, EVERYTHING), day, source)


def test_second_load_changes_nothing(session):
    before = row_counts()
    counts = load_reference()
    assert row_counts() == before
    assert all(added == updated == 0 for added, updated, _ in counts.values()), counts
    assert sum(unchanged for _, _, unchanged in counts.values()) > 1000


@pytest.mark.parametrize("code, signatures, ratifications", [
    ("UNTOC", 147, 40), ("TIP", 117, 28), ("SOM", 112, 27), ("FIREARMS", 52, 4)])
def test_annex_totals_come_from_the_data(session, code, signatures, ratifications):
    status = status_on(code, AS_AT, treaty_record.ANNEX)
    assert len(status.signatories) == signatures
    assert len(status.parties) == ratifications


def test_the_annex_summary_as_printed_is_what_the_data_gives(session):
    """Section A of the annex, read from the report's text: signatures and ratifications per instrument."""
    text = (DATA.parent / "sources" / "A-58-165-report-of-the-secretary-general.txt").read_text()
    summary = text[text.index("A. Summary of signatures and ratifications"):text.index("B. Ratification of")]
    printed = [tuple(map(int, pair)) for pair in re.findall(r"\t(\d+)\t(\d+)\s*$", summary, re.M)]
    assert printed == [(147, 40), (117, 28), (112, 27), (52, 4)]
    computed = [status_on(code, AS_AT, treaty_record.ANNEX) for code in ("UNTOC", "TIP", "SOM", "FIREARMS")]
    assert printed == [(len(s.signatories), len(s.parties)) for s in computed]


def test_the_shipped_tables_are_the_record_as_an_import_makes_it(session):
    untoc = treaty_record.get_instrument("UNTOC", EVERYTHING)
    assert [(i.code, i.record_complete_to) for i in treaty_record.visible_instruments(EVERYTHING)] == [
        ("UNTOC", date(2014, 1, 1)), ("TIP", date(2014, 1, 1)), ("SOM", date(2014, 7, 1)),
        ("FIREARMS", date(2014, 7, 1))]
    assert set(db.session.scalars(sa.select(TreatyAction.source).distinct())) == {"UNTC table"}
    today = {code: status_on(code, date(2014, 12, 31)) for code in ("UNTOC", "TIP", "SOM", "FIREARMS")}
    assert {c: (len(s.parties), s.entry_into_force) for c, s in today.items()} == {
        "UNTOC": (179, date(2003, 9, 29)), "TIP": (159, date(2003, 12, 25)), "SOM": (138, date(2004, 1, 28)),
        "FIREARMS": (109, date(2005, 7, 3))}
    entries = db.session.scalars(sa.select(AuditEntry).filter_by(action="import", record_type="Instrument",
                                                                 record_id=untoc.id)).all()
    assert [(e.actor_label, e.after["file"], e.after["record_complete_to"]) for e in entries] == [
        ("seed reference", "XVIII-12-UNTOC.csv", "2014-01-01")]


def test_seeding_reloads_the_shipped_table_over_an_older_one_but_not_over_a_newer(session):
    from app.services.treaties.treaty_import import import_text
    table = (DATA / "untc" / "XVIII-12-UNTOC.csv").read_text(encoding="utf-8")
    without_monaco = "\n".join(line for line in table.splitlines() if not line.startswith("Monaco,"))
    # A table older than the shipped one: taken in 2010, it holds nothing dated later.
    older = "\n".join(line for line in without_monaco.splitlines()
                      if not any(f" {year}" in line for year in range(2010, 2015)))
    import_text(older, "UNTOC", complete_to=date(2010, 1, 1))
    assert "MCO" not in {p.participant for p in status_on("UNTOC", AS_AT).parties}
    load_reference()
    assert "MCO" in {p.participant for p in status_on("UNTOC", AS_AT).parties}
    assert treaty_record.get_instrument("UNTOC", EVERYTHING).record_complete_to == date(2014, 1, 1)
    import_text(without_monaco, "UNTOC", complete_to=date(2020, 6, 30))  # newer: seeding leaves it alone
    before = row_counts()
    load_reference()
    assert row_counts() == before
    assert "MCO" not in {p.participant for p in status_on("UNTOC", AS_AT).parties}
    assert treaty_record.get_instrument("UNTOC", EVERYTHING).record_complete_to == date(2020, 6, 30)


def test_the_convention_enters_into_force_from_the_fortieth_deposit(session):
    status = status_on("UNTOC", AS_AT)
    assert status.threshold_deposit.participant == "ARM"
    assert status.entry_into_force == date(2003, 9, 29)


def test_every_member_state_and_the_european_union(session):
    members = db.session.scalar(sa.select(sa.func.count()).select_from(MemberState).where(MemberState.is_un_member))
    assert members == 193
    eu = db.session.scalar(sa.select(MemberState).filter_by(code="EUU"))
    assert eu.is_reio and eu.regional_group is None
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(MemberState.regional_group)))) == 5


def test_serbia_keeps_its_names_over_time(session):
    srb = db.session.scalar(sa.select(MemberState).filter_by(code="SRB"))
    assert srb.name_on(date(2001, 9, 6)) == "Yugoslavia"
    assert srb.name_on(AS_AT) == "Serbia and Montenegro"
    assert srb.name_on(date(2014, 1, 1)) == "Serbia"
    assert [n.valid_from for n in srb.name_changes_between(date(2001, 9, 6), AS_AT)] == [date(2003, 2, 4)]


def test_romania_mission_has_two_visits(session):
    mission = db.session.scalar(sa.select(Activity).where(
        Activity.kind == "mission", Activity.source.contains("para. 16"),
        Activity.title.contains("Romania")))
    assert [(v.city, v.start_date, v.end_date) for v in mission.visits] == [
        ("Bucharest", date(2002, 1, 8), date(2002, 1, 11)), ("Bucharest", date(2002, 11, 5), date(2002, 11, 6))]


def test_the_fifteen_pending_requests_of_paragraph_19(session):
    pending = db.session.scalars(sa.select(AssistanceRequest).filter_by(status="pending")).all()
    assert sorted(r.state.code for r in pending) == sorted(
        ["BOL", "BIH", "CHL", "HRV", "ECU", "GMB", "GIN", "HUN", "JOR", "NAM", "NRU", "RWA", "THA", "URY", "VEN"])
    assert all(r.received_date is None for r in pending)  # the report gives no dates: none invented
    assert all(len(r.status_changes) == 1 for r in pending)


def test_contributions_have_no_invented_amounts(session):
    contributions = db.session.scalars(sa.select(Contribution)).all()
    assert {c.donor.state.code for c in contributions} == {"CAN", "FRA", "ITA", "JPN", "NOR", "GBR", "USA"}
    assert all(c.amount is None and c.currency is None for c in contributions)


def test_regional_meeting_has_its_participating_states(session):
    algiers = db.session.scalar(sa.select(Activity).where(Activity.visits.any(city="Algiers")))
    assert len(algiers.states) == 44


def test_the_annex_and_the_treaty_collection_are_both_kept_as_claims(session):
    claims = db.session.scalars(sa.select(TreatyActionSource).where(
        TreatyActionSource.state.has(code="ARM"), TreatyActionSource.category == "deposit",
        TreatyActionSource.instrument.has(code="UNTOC"))).all()
    assert {(c.source, c.action_date) for c in claims} == {
        ("A/58/165 annex", date(2003, 7, 1)), ("UNTC table", date(2003, 7, 1))}


@pytest.fixture()
def broken_data(tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(DATA, target)
    return target


def test_inconsistent_data_is_refused_whole_with_every_problem_named(session, broken_data):
    path = broken_data / "activities.yaml"
    text = path.read_text()
    text = text.replace("{city: Bucharest, country: ROU, start: 2002-01-08, end: 2002-01-11",
                        "{city: Bucharest, country: ROU, start: 2002-01-08, end: 2001-01-11", 1)
    text = text.replace("country: BOL", "country: XXX", 1)
    path.write_text(text)
    names = broken_data / "annex_ratifications.csv"
    names.write_text(names.read_text().replace("UNTOC,40,Armenia,ARM,2003-07-01", "UNTOC,40,Armenia,ARM,2003-13-01"))
    before = row_counts()
    db.session.begin_nested()
    with pytest.raises(ReferenceDataError) as error:
        load_reference(broken_data)
    db.session.rollback()
    message = str(error.value)
    assert "end: 2001-01-11 is before the start 2002-01-08" in message
    assert "unknown State code 'XXX'" in message
    assert "annex_ratifications.csv line 41: date: '2003-13-01' is not a date" in message
    assert "nothing was loaded" in message
    assert row_counts() == before


def test_a_changed_file_updates_its_records_and_says_so(session, broken_data):
    names = broken_data / "state_names.csv"
    names.write_text(names.read_text().replace("SRB,Yugoslavia,", "SRB,Federal Republic of Yugoslavia,"))
    counts = load_reference(broken_data)
    assert counts["member_state_names"][:2] == (0, 1)
    srb = db.session.scalar(sa.select(MemberState).filter_by(code="SRB"))
    assert srb.name_on(date(2001, 1, 1)) == "Federal Republic of Yugoslavia"
