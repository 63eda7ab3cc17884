"""The UN Treaty Collection participant table parser (CONTRACT.md)."""
import datetime
from pathlib import Path

import pytest

from app.formats.untc import LineError, Row, parse, parse_file

D = datetime.date
DATA = Path("/work/shared/data/untc")
HEADER = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'


@pytest.mark.parametrize("name, count", [
    ("XVIII-12-UNTOC.csv", 185), ("XVIII-12-a-TIP.csv", 167),
    ("XVIII-12-b-SOM.csv", 152), ("XVIII-12-c-FIREARMS.csv", 123),
])
def test_real_tables_parse_without_errors(name, count):
    table = parse_file(DATA / name)
    assert table.errors == []
    assert table.ok
    assert len(table.rows) == count
    assert table.rows[0].line == 2 and table.rows[-1].line == count + 1


def test_real_untoc_rows():
    rows = {r.participant: r for r in parse_file(DATA / "XVIII-12-UNTOC.csv").rows}
    assert rows["Armenia"] == Row(9, "Armenia", D(2001, 11, 15), D(2003, 7, 1), "ratification")
    assert rows["European Union"].deposit_kind == "approval"
    assert "Bolivia (Plurinational State of)" in rows


def test_firearms_header_word_order_and_accession_flags():
    text = (DATA / "XVIII-12-c-FIREARMS.csv").read_text()
    assert text.splitlines()[0].endswith('"Approval(AA), Acceptance(A), Accession(a), Succession(d), Ratification"')
    rows = {r.participant: r for r in parse(text).rows}
    assert rows["Albania"] == Row(2, "Albania", None, D(2008, 2, 8), "accession")
    assert rows["Argentina"].deposit_kind == "ratification"


def test_columns_in_any_order_and_extra_columns_ignored():
    text = 'Notes,"Accession(a), Ratification",Participant,Signature\nx,3 Mar 2003 a,Chile,\n'
    table = parse(text)
    assert table.errors == []
    assert table.rows == [Row(2, "Chile", None, D(2003, 3, 3), "accession")]


@pytest.mark.parametrize("cell, kind", [
    ("1 Jan 2003", "ratification"), ("1 Jan 2003 A", "acceptance"), ("1 Jan 2003 AA", "approval"),
    ("1 Jan 2003 a", "accession"), ("1 Jan 2003 d", "succession"), ("1 Jan 2003   a", "accession"),
])
def test_every_flag(cell, kind):
    table = parse(HEADER + f"Chile,,{cell}\n")
    assert table.errors == []
    assert table.rows[0].deposit_kind == kind
    assert table.rows[0].deposit == D(2003, 1, 1)


@pytest.mark.parametrize("cell", ["1 Jan 2003 aa", "1 Jan 2003 D", "1 Jan 2003 x", "1 Jan 2003 a a"])
def test_unknown_flags_are_errors(cell):
    table = parse(HEADER + f"Chile,,{cell}\n")
    assert table.rows == []
    assert [e.line for e in table.errors] == [2]
    assert "Deposit" in table.errors[0].message and "flag" in table.errors[0].message


def test_full_month_names_and_case_of_month():
    table = parse(HEADER + "Chile,12 December 2000,29 november 2004\n")
    assert table.rows[0].signature == D(2000, 12, 12)
    assert table.rows[0].deposit == D(2004, 11, 29)


def test_three_bad_lines_are_all_reported():
    text = (HEADER + "Albania,12 Dec 2000,21 Aug 2002\n"
            "Chile,31 Feb 2001,\n"              # line 3: impossible date
            "Denmark,12 Dec 2000,1 Jan 2003\n"
            "Egypt,,5 Mar 2004 x\n"             # line 5: unknown flag
            "France,12 Dec 2000\n"              # line 6: two fields
            "Gabon,12 Dec 2000,\n")
    table = parse(text)
    assert not table.ok
    assert [e.line for e in table.errors] == [3, 5, 6]
    assert table.errors[0] == LineError(3, 'Signature: "31 Feb 2001" is not a date like 12 Dec 2000')
    assert "x" in table.errors[1].message
    assert "2 fields" in table.errors[2].message
    assert [r.participant for r in table.rows] == ["Albania", "Denmark", "Gabon"]


def test_other_row_errors():
    text = (HEADER + ",12 Dec 2000,\n"            # line 2: empty participant
            "Chile,,\n"                            # line 3: neither date
            "Chile,12 Dec 2000,\n"
            "Chile 2,,1 Jan 2004 a\n"              # line 5: duplicate after footnote stripping
            "Peru,2000-12-12,bad\n")               # line 6: two bad fields, both reported
    errors = parse(text).errors
    assert [e.line for e in errors] == [2, 3, 5, 6, 6]
    assert "Participant" in errors[0].message
    assert "neither" in errors[1].message
    assert '"Chile" appears twice (first on line 4)' in errors[2].message
    assert errors[3].message.startswith('Signature: "2000-12-12"')
    assert errors[4].message.startswith('Deposit: "bad"')


def test_missing_columns_reported_on_line_1_with_no_rows():
    table = parse("Participant,Date\nChile,12 Dec 2000\n")
    assert table.rows == []
    assert [e.line for e in table.errors] == [1]
    assert "Signature" in table.errors[0].message and "deposit" in table.errors[0].message
    assert "Participant" not in parse("Participant,Signature\n").errors[0].message.split(":", 1)[1]


def test_empty_file_is_an_error():
    assert [e.line for e in parse("").errors] == [1]
    assert not parse("\n\n").ok


def test_bom_and_crlf(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "Chile,12 Dec 2000,29 Nov 2004\n").replace("\n", "\r\n").encode())
    table = parse_file(path)
    assert table.errors == []
    assert table.rows == [Row(2, "Chile", D(2000, 12, 12), D(2004, 11, 29), "ratification")]


def test_not_utf8_gives_one_error_on_line_0(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(HEADER.encode() + "Côte d'Ivoire,,1 Jan 2004 a\n".encode("latin-1"))
    table = parse_file(path)
    assert table.rows == []
    assert [e.line for e in table.errors] == [0]
    assert "UTF-8" in table.errors[0].message


@pytest.mark.parametrize("raw", ["Denmark 2", "Denmark2", "Denmark 2, 3", "  Denmark  ", "Denmark 12"])
def test_footnote_markers_and_whitespace_stripped(raw):
    table = parse(HEADER + f'"{raw}",12 Dec 2000,\n')
    assert table.errors == []
    assert table.rows[0].participant == "Denmark"


def test_quoted_fields_blank_lines_and_line_numbers():
    text = (HEADER + "\n"
            '"Bolivia (Plurinational State of)","12 Dec 2000","10 Oct 2005"\n'
            '"Congo,\nRepublic of the",,"1 Jan 2004 a"\n'   # a quoted field spanning two lines
            "\n"
            "Iran   (Islamic Republic of),12 Dec 2000,\n")
    table = parse(text)
    assert table.errors == []
    assert [(r.line, r.participant) for r in table.rows] == [
        (3, "Bolivia (Plurinational State of)"), (4, "Congo, Republic of the"),
        (7, "Iran (Islamic Republic of)")]
    assert table.rows[2].deposit is None and table.rows[2].deposit_kind is None
