"""An import cannot wipe or corrupt the record, and oversized input stays cheap (issue 8, items 2 and 11)."""
from datetime import date

import pytest
import sqlalchemy as sa

from app.formats import untc
from app.seed.reference import DATA
from app.services.treaties.treaty_import import ImportRefused, MassRemovalRefused, import_file, import_text
from models import Instrument, TreatyAction, TreatyActionSource, db

UNTC = DATA / "untc"
#: The command line's required --as-at: the day the shipped TIP table was taken.
AS_AT = ["--as-at", "2014-01-01"]
HEADER = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'


def record_of(code: str) -> list[tuple]:
    """Everything the record holds about one instrument: its actions and its sources' claims."""
    instrument_id = db.session.scalar(sa.select(Instrument.id).filter_by(code=code))
    actions = db.session.execute(sa.select(TreatyAction.state_id, TreatyAction.kind, TreatyAction.action_date,
                                           TreatyAction.source).filter_by(instrument_id=instrument_id)).all()
    claims = db.session.execute(sa.select(TreatyActionSource.source, TreatyActionSource.state_id,
                                          TreatyActionSource.kind, TreatyActionSource.action_date)
                                .filter_by(instrument_id=instrument_id)).all()
    return sorted(actions) + sorted(claims)


def refusal(text: str, code: str, **kwargs) -> ImportRefused:
    before = record_of(code)
    with pytest.raises(ImportRefused) as refused:
        import_text(text, code, **kwargs)
    db.session.rollback()
    assert record_of(code) == before  # nothing written
    return refused.value


# ------------------------------------------------------------------ no rows
@pytest.mark.parametrize("text", [HEADER, HEADER + "\n\n", "\ufeff" + HEADER + " , , \n"])
def test_a_table_with_no_participant_rows_is_refused(session, text):
    import_file(UNTC / "XVIII-12-a-TIP.csv", "TIP")  # a record worth protecting: 276 actions
    db.session.commit()
    refused = refusal(text, "TIP")
    assert refused.lines() == ["The table has no participant rows: nothing was imported (an empty table would "
                               "remove the whole record of the instrument)"]


def test_a_table_with_no_participant_rows_is_refused_in_a_dry_run_too(session):
    with pytest.raises(ImportRefused, match="1 problem"):
        import_text(HEADER, "TIP", dry_run=True)


# ------------------------------------------------------------------ impossible dates
@pytest.mark.parametrize("row, message", [
    ("France,12 Dec 2000,31 Dec 9999", "Deposit: 31 December 9999 is in the future"),
    ("France,12 Dec 2000,21 Aug 2031", "Deposit: 21 August 2031 is in the future"),
    ("France,12 Dec 2000,1 Jan 0001 a", "Deposit: 1 January 1 is before UNTOC was adopted (15 November 2000)"),
    ("France,1 Jan 1000,29 Oct 2002", "Signature: 1 January 1000 is before UNTOC was adopted"),
])
def test_dates_in_the_future_or_before_adoption_are_refused(session, row, message):
    refused = refusal(HEADER + row + "\n", "UNTOC")
    assert any(message in line and line.startswith("line 2: ") for line in refused.lines()), refused.lines()


def test_today_is_accepted_and_tomorrow_refused(session):
    table = HEADER + "France,12 Dec 2000,{}\n"
    import_text(table.format("3 Mar 2031"), "UNTOC", dry_run=True, today=date(2031, 3, 3))
    with pytest.raises(ImportRefused, match="1 problem"):
        import_text(table.format("4 Mar 2031"), "UNTOC", dry_run=True, today=date(2031, 3, 3))


def test_the_conventions_table_chosen_as_the_firearms_protocol_is_refused(session):
    """12 Dec 2000 signatures for a Protocol adopted on 31 May 2001: the wrong table, not 270 additions."""
    before = record_of("FIREARMS")
    with pytest.raises(ImportRefused) as refused:
        import_file(UNTC / "XVIII-12-UNTOC.csv", "FIREARMS")
    lines = refused.value.lines()
    assert lines[0].endswith("fall before FIREARMS was adopted on 31 May 2001: is this the table of another "
                             "instrument?")
    assert any("Signature: 12 December 2000 is before FIREARMS was adopted (31 May 2001)" in line for line in lines)
    assert record_of("FIREARMS") == before
    with pytest.raises(ImportRefused):  # the preview (a dry run) says so too
        import_file(UNTC / "XVIII-12-UNTOC.csv", "FIREARMS", dry_run=True)


# ------------------------------------------------------------------ removing most of the record
def test_removing_most_of_the_record_needs_an_explicit_confirmation(session):
    import_file(UNTC / "XVIII-12-a-TIP.csv", "TIP")
    db.session.commit()
    before = record_of("TIP")
    one_row = HEADER + "Mali,12 Dec 2000,12 Apr 2002\n"
    dry = import_text(one_row, "TIP", dry_run=True)
    assert dry.mass_removal and len(dry.removed) > dry.existing / 2
    with pytest.raises(MassRemovalRefused) as refused:
        import_text(one_row, "TIP")
    assert f"would remove {len(dry.removed)} of the {dry.existing} actions of TIP" in refused.value.lines()[0]
    with pytest.raises(MassRemovalRefused):  # a confirmation covers the count it named, not more
        import_text(one_row, "TIP", allow_mass_removal=len(dry.removed) - 1)
    db.session.rollback()
    assert record_of("TIP") == before
    report = import_text(one_row, "TIP", allow_mass_removal=len(dry.removed))
    assert len(report.removed) == len(dry.removed)


def test_removing_less_than_half_needs_no_confirmation(session):
    import_file(UNTC / "XVIII-12-a-TIP.csv", "TIP")
    rows = (UNTC / "XVIII-12-a-TIP.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    report = import_text("".join(rows[:-20]), "TIP")  # twenty participants fewer
    assert 0 < len(report.removed) < report.existing / 2 and not report.mass_removal


# ------------------------------------------------------------------ oversized input (item 11)
def test_errors_are_bounded_and_the_rest_counted(session):
    bad = HEADER + "".join(f"France,{i % 28 + 1} Smarch 2001,\n" for i in range(900))
    refused = refusal(bad, "UNTOC")
    lines = refused.lines()
    assert len(lines) == untc.MAX_ERRORS + 1 and refused.total == 900
    assert lines[-1] == f"… and {900 - untc.MAX_ERRORS} more problems"


def test_a_huge_table_is_counted_not_kept(session, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for i in range(50_000):
            handle.write(f"Atlantis {i},12 Dec 2000,1 Jan 2004 a\n")
    table = untc.parse_file(path)
    assert len(table.rows) <= untc.MAX_ROWS and len(table.errors) <= untc.MAX_ERRORS + 1
    assert table.errors[-1].message.startswith(f"The table goes on for {50_000 - untc.MAX_ROWS:,} more rows")
    with pytest.raises(ImportRefused) as refused:
        import_file(path, "TIP")
    assert len(refused.value.lines()) <= untc.MAX_ERRORS + 1
    assert refused.value.lines()[0].startswith("The table goes on for 49,000 more rows")


def test_a_file_that_stops_being_utf8_halfway_is_refused(session, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(HEADER.encode() + b"France,12 Dec 2000,29 Oct 2002\n" * 3 + b"Espa\xf1a,,\n")
    table = untc.parse_file(path)
    assert any("not UTF-8" in e.message for e in table.errors)


def test_the_cli_prints_a_bounded_number_of_lines(app, session, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "".join(f"Atlantis {i},12 Dec 2000,\n" for i in range(5000)), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["treaties", "import", str(path), "--instrument", "TIP", *AS_AT])
    assert result.exit_code == 1
    printed = result.output.splitlines()
    assert len(printed) <= untc.MAX_ERRORS + 3
    assert any("more problems" in line for line in printed) and "nothing was imported" in printed[-1]


def test_the_cli_refuses_a_mass_removal_unless_allowed(app, session, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["treaties", "import", str(UNTC / "XVIII-12-a-TIP.csv"), "--instrument", "TIP", *AS_AT]
                         ).exit_code == 0
    path = tmp_path / "one.csv"
    path.write_text(HEADER + "Mali,12 Dec 2000,12 Apr 2002\n", encoding="utf-8")
    dry = runner.invoke(args=["treaties", "import", str(path), "--instrument", "TIP", *AS_AT, "--dry-run"])
    assert dry.exit_code == 0 and "needs --allow-mass-removal" in dry.output
    refused = runner.invoke(args=["treaties", "import", str(path), "--instrument", "TIP", *AS_AT])
    assert refused.exit_code == 1 and "would remove" in refused.output and "Traceback" not in refused.output
    allowed = runner.invoke(args=["treaties", "import", str(path), "--instrument", "TIP", *AS_AT,
                                  "--allow-mass-removal"])
    assert allowed.exit_code == 0, allowed.output


def test_the_cli_refuses_an_empty_table(app, session, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text(HEADER, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["treaties", "import", str(path), "--instrument", "TIP", *AS_AT])
    assert result.exit_code == 1 and "no participant rows" in result.output
