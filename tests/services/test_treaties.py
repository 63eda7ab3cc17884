"""Treaty status from the database, the UN Treaty Collection import and reconciliation, on the real tables."""
from datetime import date

import pytest
import sqlalchemy as sa

from app.scoping import EVERYTHING
from app.seed.reference import DATA
from app.services.registry import states as state_service
from app.services.treaties import treaty_record
from app.services.treaties.reconciliation import differences
from app.services.treaties.treaty_import import ImportRefused, import_file, import_text
from models import AuditEntry, Instrument, MemberState, TreatyAction, TreatyActionSource, db
from tests import factories
from tests.helpers import count_queries

UNTC = DATA / "untc"  # the project's copy of the real tables (identical to ../shared/data/untc)
TABLES = {"UNTOC": "XVIII-12-UNTOC.csv", "TIP": "XVIII-12-a-TIP.csv", "SOM": "XVIII-12-b-SOM.csv",
          "FIREARMS": "XVIII-12-c-FIREARMS.csv"}
LATE = date(2014, 12, 31)


def instrument(code) -> Instrument:
    return db.session.scalar(sa.select(Instrument).filter_by(code=code))


def state(code) -> MemberState:
    return db.session.scalar(sa.select(MemberState).filter_by(code=code))


def row_counts() -> dict[str, int]:
    return {t.name: db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables}


@pytest.fixture()
def annex_record(session):
    """A record that held the annex's deposits, as installations did before the shipped tables became the record."""
    factories.record_as_printed_in_the_annex()
    db.session.commit()  # the command line's rollback (a dry run) must not undo it


@pytest.fixture()
def imported(annex_record):
    """The four real tables imported into it, Convention first (as an operator would)."""
    return {code: import_file(UNTC / name, code) for code, name in TABLES.items()}


# ------------------------------------------------------------------ status from the reference record
@pytest.mark.parametrize("code, signatures, parties", [
    ("UNTOC", 147, 40), ("TIP", 117, 28), ("SOM", 112, 27), ("FIREARMS", 52, 4)])
def test_the_annex_alone_gives_its_printed_totals(session, code, signatures, parties):
    status = treaty_record.instrument_status(instrument(code), date(2003, 7, 2), treaty_record.ANNEX)
    assert (len(status.signatories), len(status.parties)) == (signatures, parties)


@pytest.mark.parametrize("code, signatures, parties", [
    ("UNTOC", 147, 40), ("TIP", 117, 29), ("SOM", 112, 28), ("FIREARMS", 52, 4)])
def test_the_record_on_the_annex_date_adds_armenias_protocol_deposits(session, code, signatures, parties):
    status = treaty_record.instrument_status(instrument(code), date(2003, 7, 2))
    assert (len(status.signatories), len(status.parties)) == (signatures, parties)
    assert ("ARM" in {p.participant for p in status.parties}) == (code != "FIREARMS")


def test_the_annex_is_a_snapshot_and_says_so(session):
    untoc = instrument("UNTOC")
    assert treaty_record.complete_to(untoc, treaty_record.ANNEX) == date(2003, 7, 2)
    assert treaty_record.complete_to(untoc) == date(2014, 1, 1)
    later = treaty_record.instrument_status(untoc, LATE, treaty_record.ANNEX)
    assert len(later.parties) == 40 and len(later.signatories) == 147


@pytest.mark.parametrize("source", [None, treaty_record.ANNEX])
def test_status_of_one_instrument_is_one_query(session, source):
    with count_queries() as statements:
        # with its Convention, whose terms a Protocol's status needs
        som = treaty_record.get_instrument("SOM", EVERYTHING)
        status = treaty_record.instrument_status(som, date(2003, 7, 2), source)
    assert len(status.parties) == (27 if source else 28)
    assert len(statements) == 3, statements  # the instrument, the record's stamp, the actions
    with count_queries() as statements:  # asked again, the record unchanged: only the stamp
        assert treaty_record.instrument_status(som, date(2003, 7, 2), source) == status
    assert len(statements) == 1, statements


def test_status_of_every_instrument_is_one_query_after_the_import_too(imported):
    listed = treaty_record.visible_instruments(EVERYTHING)
    with count_queries() as statements:
        result = treaty_record.statuses(listed, LATE)
    assert len(statements) == 2  # the record's stamp, the actions
    assert sum(len(s.parties) for s in result.values()) == 179 + 159 + 138 + 109


# ------------------------------------------------------------------ names
@pytest.mark.parametrize("name, code", [
    ("Turkey", "TUR"), ("Türkiye", "TUR"), ("The former Yugoslav Republic of Macedonia", "MKD"),
    ("St. Lucia", "LCA"), ("European Union", "EUU"), ("European Community", "EUU"), ("Serbia", "SRB"),
    ("Serbia and Montenegro", "SRB"), ("Yugoslavia", "SRB"), ("Swaziland", "SWZ"),
    ("Bolivia (Plurinational State of)", "BOL"), ("  côte D'IVOIRE ", "CIV"), ("the Gambia", "GMB")])
def test_participants_resolve_through_every_name_and_alias(session, name, code):
    assert state_service.resolve_participant(name).code == code


@pytest.mark.parametrize("name", ["Atlantis", "", "   ", "Serbia and"])
def test_unknown_participants_do_not_resolve(session, name):
    assert state_service.resolve_participant(name) is None


# ------------------------------------------------------------------ the import of the real tables
def test_the_real_tables_give_the_real_entry_into_force_dates(imported):
    listed = treaty_record.visible_instruments(EVERYTHING)
    result = treaty_record.statuses(listed, LATE)
    assert {c: s.entry_into_force for c, s in result.items()} == {
        "UNTOC": date(2003, 9, 29), "TIP": date(2003, 12, 25), "SOM": date(2004, 1, 28),
        "FIREARMS": date(2005, 7, 3)}
    assert {c: result[c].threshold_deposit.participant for c in ("UNTOC", "SOM", "FIREARMS")} == {
        "UNTOC": "ARM", "SOM": "AZE", "FIREARMS": "POL"}
    for code, parties in {"UNTOC": 179, "TIP": 159, "SOM": 138, "FIREARMS": 109}.items():
        status = result[code]
        eu = next(p for p in status.parties if p.participant == "EUU")
        assert eu.is_reio and not eu.counted
        assert (len(status.parties), status.parties_counted) == (parties, parties - 1)


def test_the_first_import_reports_what_it_did(imported):
    untoc, tip, som, firearms = (imported[c] for c in TABLES)
    # The reference record holds the signatures and the annex's 40 deposits: the rest of the table is new.
    assert untoc.counts() == {"rows": 185, "added": 139, "changed": 0, "unchanged": 187, "removed": 0,
                              "warnings": 1}
    assert [str(c) for c in tip.changed] == ["Tajikistan: ratification 8 July 2002 -> accession 8 July 2002 "
                                             "(line 148)"]
    assert any("Armenia" in str(c) and "1 July 2003" in str(c) for c in tip.added)
    assert any("Antigua and Barbuda" in w and "no signature on record" in w for w in tip.warnings)
    assert any("Bahamas" in w and "no signature on record" in w for w in firearms.warnings)
    for report in imported.values():
        assert any("European Union" in w and "does not count" in w for w in report.warnings)
    assert som.counts()["changed"] == 1


def test_a_second_import_changes_nothing(imported):
    before = row_counts()
    again = {code: import_file(UNTC / name, code) for code, name in TABLES.items()}
    after = row_counts()
    assert {c: (r.counts()["added"], r.counts()["changed"], r.counts()["removed"]) for c, r in again.items()} == {
        c: (0, 0, 0) for c in TABLES}
    assert again["UNTOC"].unchanged == 326
    after.pop("audit_entries"), before.pop("audit_entries")  # only the four "import" entries are new
    assert after == before


def test_every_claim_of_the_table_is_kept_with_its_line(imported):
    claim = db.session.scalar(sa.select(TreatyActionSource).filter_by(
        source="UNTC table", state_id=state("SRB").id, instrument_id=instrument("UNTOC").id, category="deposit"))
    assert (claim.kind, claim.action_date, claim.name_as_printed, claim.locator) == (
        "ratification", date(2001, 9, 6), "Serbia", "line 146")
    action = db.session.scalar(sa.select(TreatyAction).filter_by(
        state_id=state("SRB").id, instrument_id=instrument("UNTOC").id, category="deposit"))
    assert action.source == "UNTC table"


def test_one_audit_entry_per_import_with_the_counts(imported):
    entries = db.session.scalars(sa.select(AuditEntry).filter_by(action="import", record_type="Instrument")
                                 .order_by(AuditEntry.id)).all()[-4:]
    assert [e.record_id for e in entries] == [instrument(c).id for c in TABLES]
    assert entries[0].after["added"] == 139 and entries[0].after["file"] == "XVIII-12-UNTOC.csv"


def test_a_dry_run_writes_nothing(annex_record, session):
    before = row_counts()
    report = import_file(UNTC / TABLES["TIP"], "TIP", dry_run=True)
    assert report.dry_run and report.counts()["added"] == 131 and report.counts()["changed"] == 1
    assert row_counts() == before
    assert not any(o for o in session.new) and not session.dirty and not session.deleted


BAD = """Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"
Armenia,15 Nov 2001,1 Jul 2003
Atlantis,12 Dec 2000,
France,31 Feb 2001,29 Oct 2002
Spain,13 Dec 2000,1 Mar 2002 q
Türkiye,13 Dec 2000,25 Mar 2003
Turkey,13 Dec 2000,25 Mar 2003
"""


def test_a_malformed_file_is_refused_whole_naming_every_bad_line(session):
    before = row_counts()
    with pytest.raises(ImportRefused) as refused:
        import_text(BAD, "UNTOC")
    lines = refused.value.lines()
    assert [e.line for e in refused.value.errors] == [3, 4, 5, 7]
    assert "Atlantis" in lines[0] and "not a known State" in lines[0]
    assert "31 Feb 2001" in lines[1]
    assert 'unknown flag "q"' in lines[2]
    assert "same State as line 6" in lines[3]
    assert row_counts() == before


def test_a_missing_column_is_refused(session):
    with pytest.raises(ImportRefused) as refused:
        import_text("Participant,Ratification\nFrance,29 Oct 2002\n", "UNTOC")
    assert refused.value.lines() == ['line 1: Missing column(s): "Signature"']


def test_an_unknown_instrument_is_refused(session):
    with pytest.raises(ImportRefused) as refused:
        import_text("Participant,Signature,Ratification\nFrance,12 Dec 2000,\n", "NOPE")
    assert "Unknown instrument" in refused.value.lines()[0]


def test_the_table_is_the_whole_record_but_hand_entries_stay(session):
    """What the table no longer holds is removed (its other sources' claims stay); hand entries are kept."""
    treaty_record.record_action("ARM", "FIREARMS", "signature", date(2002, 12, 1))
    table = ('Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a)"\n'
             "Mali,,3 May 2002 a\n")
    report = import_text(table, "FIREARMS", allow_mass_removal=True)  # a one-row table replaces nearly all
    firearms = instrument("FIREARMS")
    left = db.session.execute(sa.select(MemberState.code, TreatyAction.kind, TreatyAction.source)
                              .join(TreatyAction.state).where(TreatyAction.instrument_id == firearms.id)).all()
    assert sorted(left) == [("ARM", "signature", "entered by hand"), ("MLI", "accession", "UNTC table")]
    assert any("Burkina Faso" in str(c) for c in report.removed)
    assert any("Armenia" in w and "entered by hand" in w and "kept" in w for w in report.warnings)
    annex_claims = db.session.scalar(sa.select(sa.func.count()).select_from(TreatyActionSource).where(
        TreatyActionSource.instrument_id == firearms.id, TreatyActionSource.source == "A/58/165 annex"))
    assert annex_claims == 4
    untc_claims = db.session.scalar(sa.select(sa.func.count()).select_from(TreatyActionSource).where(
        TreatyActionSource.instrument_id == firearms.id, TreatyActionSource.source == "UNTC table"))
    assert untc_claims == 1


# ------------------------------------------------------------------ reconciliation
REAL_DIFFERENCES = {
    ("TIP", "ARM", "deposit", ("ratification",)), ("SOM", "ARM", "deposit", ("ratification",)),
    ("TIP", "TJK", "deposit", ("accession", "ratification")), ("SOM", "TJK", "deposit", ("accession", "ratification")),
}


def _found(diffs):
    return {(d.instrument, d.participant, d.category, tuple(d.kinds)) for d in diffs}


def test_reconciliation_finds_the_real_differences_between_the_annex_and_the_tables(session):
    diffs = differences(EVERYTHING)
    assert _found(diffs) == REAL_DIFFERENCES
    tajikistan = next(d for d in diffs if d.participant == "TJK" and d.instrument == "TIP")
    assert {s: (c.kind, c.date) for s, c in tajikistan.claims.items()} == {
        "A/58/165 annex": ("ratification", date(2002, 7, 8)), "UNTC table": ("accession", date(2002, 7, 8))}
    armenia = next(d for d in diffs if d.participant == "ARM" and d.instrument == "SOM")
    assert armenia.claims["A/58/165 annex"] is None and armenia.reason == "not in A/58/165 annex"


def test_reconciliation_after_the_import_still_compares_the_sources(imported):
    # The annex's claims survive the import: the record now follows the table, the differences remain.
    assert _found(differences(EVERYTHING)) == REAL_DIFFERENCES
    assert _found(differences(EVERYTHING, instrument_code="som")) == {d for d in REAL_DIFFERENCES if d[0] == "SOM"}


def test_a_snapshot_is_not_faulted_for_later_actions_and_a_hand_entry_is_compared(imported):
    # Afghanistan deposited UNTOC on 24 Sep 2003, after the annex: no difference. A hand entry that
    # disagrees with the table is one.
    afg = state("AFG")
    assert not [d for d in differences(EVERYTHING) if d.participant == "AFG"]
    db.session.add(TreatyActionSource(source="entered by hand", state_id=afg.id,
                                      instrument_id=instrument("UNTOC").id, kind="ratification",
                                      action_date=date(2003, 9, 25), name_as_printed="Afghanistan"))
    db.session.flush()
    afghan = [d for d in differences(EVERYTHING) if d.participant == "AFG"]
    assert len(afghan) == 1 and afghan[0].reason == "different dates"
    assert "A/58/165 annex" not in afghan[0].claims


# ------------------------------------------------------------------ the command line (CONTRACT.md)
def test_cli_import_prints_the_report_and_a_dry_run_writes_nothing(app, annex_record, tmp_path):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["treaties", "import", str(UNTC / TABLES["TIP"]), "--instrument", "tip", "--dry-run",
                                "--as-at", "2014-01-01"])
    assert dry.exit_code == 0, dry.output
    assert "TIP: 131 added, 1 changed, 144 unchanged, 0 removed, " in dry.output
    assert "(dry run: nothing written)" in dry.output
    # UNTOC not imported yet: the record knows only the annex's Convention deposits, and says so.
    assert "while not party to the Convention (UNTOC)" in dry.output
    assert "Tajikistan: ratification 8 July 2002 -> accession 8 July 2002" in dry.output
    assert "Antigua and Barbuda" in dry.output
    assert treaty_record.instrument_status(instrument("TIP"), LATE).parties_counted == 28
    real = runner.invoke(args=["treaties", "import", str(UNTC / TABLES["TIP"]), "--instrument", "TIP",
                                 "--as-at", "2014-01-01"])
    assert real.exit_code == 0 and "TIP: 131 added" in real.output
    assert len(treaty_record.instrument_status(instrument("TIP"), LATE).parties) == 159


def test_cli_import_stamps_the_record_with_the_day_the_table_was_taken(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["treaties", "import", str(UNTC / TABLES["SOM"]), "--instrument", "SOM",
                                 "--as-at", "2014-08-15"])
    assert result.exit_code == 0 and "record complete to 15 August 2014" in result.output
    assert instrument("SOM").record_complete_to == date(2014, 8, 15)
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(action="import", record_id=instrument("SOM").id)
                              .order_by(AuditEntry.id.desc()))
    assert (entry.before, entry.after["record_complete_to"]) == ({"record_complete_to": "2014-07-01"}, "2014-08-15")
    bad = runner.invoke(args=["treaties", "import", str(UNTC / TABLES["SOM"]), "--instrument", "SOM",
                              "--as-at", "15/08/2014"])
    assert bad.exit_code == 2 and "--as-at" in bad.output
    # No default: without --as-at the command refuses, and the record keeps its day.
    undated = runner.invoke(args=["treaties", "import", str(UNTC / TABLES["SOM"]), "--instrument", "SOM"])
    assert undated.exit_code == 2 and "--as-at" in undated.output
    assert instrument("SOM").record_complete_to == date(2014, 8, 15)


def test_cli_refuses_a_malformed_file_with_every_bad_line_and_exit_status_1(app, session, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    before = row_counts()
    result = app.test_cli_runner().invoke(args=["treaties", "import", str(bad), "--instrument", "UNTOC",
                                                            "--as-at", "2014-01-01"])
    assert result.exit_code == 1
    for line in (3, 4, 5, 7):
        assert f"bad.csv: line {line}: " in result.output
    assert "refused, 4 problem(s); nothing was imported" in result.output
    assert row_counts() == before


def test_cli_reconcile_prints_the_differences(app, session):
    result = app.test_cli_runner().invoke(args=["treaties", "reconcile", "--instrument", "TIP"])
    assert result.exit_code == 0
    assert "TIP\tTJK\tTajikistan\tdeposit\taccession/ratification\t" in result.output
    assert "A/58/165 annex: ratification 2002-07-08; UNTC table: accession 2002-07-08" in result.output
    assert result.output.strip().endswith("2 difference(s)")


def test_seeding_again_after_an_import_leaves_the_import_alone(session):
    """An import that drops a participant the annex lists removes its deposit; a later seed must not revive it."""
    from app.seed.reference import load_reference
    table = (UNTC / TABLES["UNTOC"]).read_text(encoding="utf-8")
    import_text("\n".join(line for line in table.splitlines() if not line.startswith("Monaco,")), "UNTOC",
                complete_to=date(2020, 6, 30))  # a later table than the shipped one
    actions = lambda: sorted(db.session.execute(sa.select(  # noqa: E731
        TreatyAction.state_id, TreatyAction.instrument_id, TreatyAction.kind, TreatyAction.action_date,
        TreatyAction.source)).all())
    before = actions()
    load_reference()
    assert actions() == before
    parties = {p.participant for p in treaty_record.instrument_status(instrument("UNTOC"), date(2003, 7, 2)).parties}
    assert "MCO" not in parties and "ARM" in parties


def test_a_newer_table_naming_states_by_their_current_names_imports(session):
    """Later tables use today's names and add new participants: every one must resolve."""
    text = ("Participant,Signature,\"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)\"\n"
            "Türkiye,13 Dec 2000,25 Mar 2003\nNorth Macedonia,12 Dec 2000,12 Jan 2005\n"
            "State of Palestine,,2 Jan 2018 a\nCzechia,12 Dec 2000,24 Sep 2013\nEswatini,8 Jan 2001,24 Sep 2012\n")
    report = import_text(text, "UNTOC", dry_run=True)
    assert report.rows == 5
