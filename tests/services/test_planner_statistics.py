"""Bulk writes end with ANALYZE on PostgreSQL (issue 26 item 4): `seed synthetic` and every import, so that the
next page is planned on the tables as they are, not as they were before thousands of rows came in."""
import pytest

from app.services.core import planner_statistics
from app.services.treaties.treaty_import import import_text
from models import db
from tests.helpers import count_queries

HEADER = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'


def _analyzed(statements) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("ANALYZE")]


def _expected(n: int) -> int:
    return n if db.engine.dialect.name == "postgresql" else 0  # SQLite plans without statistics


def test_seed_synthetic_ends_with_analyze(app, session):
    with count_queries() as statements:
        result = app.test_cli_runner().invoke(args=["seed", "synthetic", "--requests", "40", "--seed", "26"])
    assert result.exit_code == 0, result.output
    analyzed = _analyzed(statements)
    assert len(analyzed) == _expected(1)
    assert all(s.strip().upper() == "ANALYZE" for s in analyzed)  # every table: the command filled them all
    # then, committed, the pages marked all visible on a connection of its own (VACUUM runs in no transaction)
    vacuumed = [s for s in statements if s.lstrip().upper().startswith("VACUUM")]
    assert vacuumed == ["VACUUM (ANALYZE, SKIP_LOCKED)"] * _expected(1)


def test_a_treaty_import_that_changes_the_record_analyzes_what_it_wrote(session):
    with count_queries() as statements:
        report = import_text(HEADER + "Mali,12 Dec 2000,12 Apr 2002\n", "TIP", allow_mass_removal=True)
    assert report.changes_anything
    analyzed = _analyzed(statements)
    assert len(analyzed) == _expected(1)
    assert all("treaty_actions" in s for s in analyzed)
    with count_queries() as statements:  # the same table again changes nothing: nothing to analyse
        import_text(HEADER + "Mali,12 Dec 2000,12 Apr 2002\n", "TIP", allow_mass_removal=True)
    assert _analyzed(statements) == []


def test_only_the_applications_tables_can_be_named(session):
    with pytest.raises(ValueError, match="not tables"):
        planner_statistics.analyze("pg_class; DROP TABLE users")
    from app.services.activities import activity_sheet
    from app.services.requests import request_sheet
    with count_queries() as statements:  # the sheet kinds name tables that exist
        planner_statistics.analyze(*request_sheet.TABLES, *activity_sheet.TABLES)
    assert len(_analyzed(statements)) == _expected(1)
