"""Searching inside the requests' and activities' text (app.listing.holds): what a picker or a list finds is the
same whichever index answers — pg_trgm's on PostgreSQL; on SQLite the FTS5 table of trigrams, kept in step by
triggers (models/sqlite_trigrams.py), for text that few rows hold, and LIKE for text that many rows hold."""
import pytest
import sqlalchemy as sa

from app.listing import Paging, holds
from app.scoping import EVERYTHING
from app.services.activities import activity_reads
from app.services.overview import lookup
from app.services.requests import request_reads
from models import Activity, AssistanceRequest, db, sqlite_trigrams
from tests import factories


def _picked(kind: str, text: str) -> set:
    return {item.id for item in lookup.search(kind, EVERYTHING, text)}


def _listed(text: str) -> set:
    page = request_reads.list_page(EVERYTHING, request_reads.RequestFilters(q=text), Paging(per_page=100))
    return {r.id for r in page.items}


def _uses_trigrams(condition) -> bool:
    return "_trigrams" in str(condition.compile(dialect=db.engine.dialect))


def test_a_request_is_found_by_any_part_of_its_subject_in_any_case_as_it_changes(session):
    wanted = factories.request(subject="Zyxwv legislative review on TRAFFICKING")
    other = factories.request(subject="Training of judges")
    session.flush()
    for typed in ("zyxwv", "ZYXWV LEG", "trafficking", "ve review on traf"):
        assert _picked("requests", typed) == {wanted.id}, typed
        assert _listed(typed) == {wanted.id}, typed

    wanted.subject = "Qpqpq drafting mission"
    session.flush()
    assert _picked("requests", "zyxwv") == set()  # the old words are gone from the index too
    assert _picked("requests", "qpqpq") == {wanted.id}
    assert _listed("drafting mis") == {wanted.id}

    session.delete(wanted)
    session.flush()
    assert _picked("requests", "qpqpq") == set()
    assert _picked("requests", "judges") == {other.id}


def test_a_request_is_found_by_its_requesting_authority(session):
    wanted = factories.request(subject="Plain subject", requesting_authority="Ministère de la Justice, Bogotá")
    factories.request(subject="Another subject", requesting_authority=None)
    session.flush()
    assert _listed("justice, bog") == {wanted.id}
    session.execute(sa.update(AssistanceRequest).where(AssistanceRequest.id == wanted.id)
                    .values(requesting_authority="Fiscalía General"))  # a Core write: the triggers see it too
    assert _listed("justice") == set()
    assert _listed("fiscal") == {wanted.id}


def test_quotes_and_wildcards_in_the_text_stand_for_themselves(session):
    quoted = factories.request(subject='The "Palermo" 100% review_plan')
    factories.request(subject="The Palermo 1000 reviewXplan")
    session.flush()
    for typed in ('"palermo"', '100%', 'w_pl', '"Palermo" 1'):
        assert _picked("requests", typed) == {quoted.id}, typed
        assert _listed(typed) == {quoted.id}, typed


def test_an_activity_is_found_by_its_title(session):
    wanted = factories.activity(title="Kvkvk regional workshop")
    session.flush()
    assert _picked("activities", "KVKVK reg") == {wanted.id}
    page = activity_reads.list_page(EVERYTHING, activity_reads.ActivityFilters(q="kvkvk"), Paging(per_page=100))
    assert {a.id for a in page.items} == {wanted.id}


@pytest.mark.parametrize("many", [0, 1000])
def test_text_many_rows_hold_finds_the_same_rows_as_text_few_rows_hold(session, monkeypatch, many):
    """Above MANY matching rows SQLite reads the table with LIKE instead of fetching every id from the trigrams;
    both ways find the same rows (PostgreSQL asks pg_trgm's index either way)."""
    monkeypatch.setattr(sqlite_trigrams, "MANY", many)
    made = {factories.request(subject=f"Wqwqw review {n}").id for n in range(3)}
    titled = factories.activity(title="Wqwqw seminar").id
    session.flush()
    assert _picked("requests", "wqwqw") == made
    assert _listed("wqwqw rev") == made
    assert _picked("activities", "wqwqw") == {titled}
    condition = holds(AssistanceRequest.subject, "wqwqw")
    on_sqlite = db.engine.dialect.name == "sqlite" and sqlite_trigrams.available()
    assert _uses_trigrams(condition) == (on_sqlite and many > 0)
    assert _uses_trigrams(holds(Activity.title, "wq")) is False  # two letters have no trigram: a plain search


def test_a_picker_looks_for_one_or_two_letters_among_the_newest_records_only(session, monkeypatch):
    """Text with no word of three letters has no trigram to look up: a picker of a growing kind looks for it among
    its NEWEST records (a third letter, or the number, finds any)."""
    monkeypatch.setattr(lookup, "NEWEST", 2)
    oldest, *newer = [factories.request(subject=f"Zj review {n}") for n in range(3)]
    titled = [factories.activity(title=f"Zj seminar {n}") for n in range(3)]
    session.flush()
    assert _picked("requests", "zj") == {r.id for r in newer}
    assert _picked("requests", "zj r") == {r.id for r in newer}
    assert _picked("requests", "zj review") == {oldest.id, *(r.id for r in newer)}
    assert _picked("requests", f"#{oldest.id}") == {oldest.id}
    assert _picked("activities", "zj") == {a.id for a in titled[1:]}
    assert _listed("zj") == {oldest.id, *(r.id for r in newer)}  # a list searches every record, however short
