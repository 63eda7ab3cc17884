"""Issue 29 item 7, words not internals: a record's history and the audit trail say "Status: pending → under review",
"Instruments: UNTOC, TIP → UNTOC", "Assigned to: <a name>": labels, not column names, stored values or Python
reprs; one date format for instants; the names cost one query for the whole trail."""
import html
import re
from datetime import UTC, datetime

import pytest

from app.services.core import audit
from app.services.requests import request_writes
from tests import factories
from tests.helpers import count_queries


def text_of(body: str) -> str:
    """The page as a reader sees it: tags out, entities decoded, white space collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_a_request_history_reads_as_words(client, login_as, make_user, session):
    manager = login_as("manager")
    officer = make_user("officer", name="Ana Officer", email="ana.officer@example.test")
    request = factories.request("BOL", instruments=("UNTOC", "TIP"))
    session.flush()
    request_writes.move(request, "review", manager, None, request.version)
    request_writes.assign(request, officer.id, request.version)
    # what an edit of the instruments records (request_writes.update: the changed fields, before and after)
    audit.record_for(request, "update", f"Request #{request.id} edited", before={"instruments": ["UNTOC", "TIP"]},
                     after={"instruments": ["UNTOC"], "due_date": "2026-12-06"})
    session.commit()
    page = text_of(client.get(f"/requests/{request.id}").get_data(as_text=True)).split("Timeline", 1)[1]
    assert "Status: pending → under review" in page
    assert "Instruments: UNTOC, TIP → UNTOC" in page
    assert "Assigned to: — → Ana Officer" in page
    assert "Due: 6 December 2026" in page
    assert re.search(r"\d{1,2} [A-Z][a-z]+ 20\d\d, \d\d:\d\d UTC · Ana Officer", page) is None  # not the actor
    assert not re.search(r"20\d\d-\d\d-\d\d \d\d:\d\d", page)  # no ISO instants left for people to read
    for internal in ("['UNTOC', 'TIP']", "under_review", "assigned_officer", "due_date", "ana.officer@"):
        assert internal not in page, page[max(0, page.find(internal) - 200):page.find(internal) + 80]


def test_the_audit_trail_names_people_and_fields_in_one_query(client, login_as, make_user, session):
    login_as("admin")
    officer = make_user("officer", name="Ana Officer")
    for _ in range(3):
        request = factories.request("BOL")
        session.flush()
        audit.record_for(request, "assign", f"Request #{request.id} assigned", actor=officer,
                         before={"assigned_officer": None}, after={"assigned_officer": officer.email})
    session.commit()
    page = client.get("/admin/audit?record_type=AssistanceRequest").get_data(as_text=True)
    text = text_of(page)
    assert "Assigned to: — → Ana Officer" in text and "assigned_officer" not in text
    assert ">Assigned</span>" in page  # the action in words, not its code
    assert re.search(r'<a href="/requests/\d+">Request #\d+</a>', page) and "AssistanceRequest #" not in page
    with count_queries() as statements:
        client.get("/admin/audit?record_type=AssistanceRequest")
    names = [s for s in statements if "FROM users" in s and "users.name" in s and "lower(users.email)" in s]
    assert len(names) == 1, names


def test_an_account_entry_names_its_donor_once(client, login_as, session):
    """An account's entries keep the donor's number and its name: the trail says "Donor: Japan" once, not also
    "Donor: 4" (both keys would take the same label)."""
    login_as("admin")
    japan = factories.organization(name="Japan probe donor")
    session.flush()
    audit.record("create", record_type="User", record_id=1, summary="Created a donor account",
                 after={"email": "d@example.test", "role": "donor", "donor_id": japan.id, "donor": japan.name})
    audit.record("update", record_type="Contribution", record_id=1, summary="Edited a contribution",
                 before={"donor_id": japan.id}, after={"donor_id": japan.id + 1})
    session.commit()
    text = text_of(client.get("/admin/audit").get_data(as_text=True))
    assert "Donor: Japan probe donor" in text and f"Donor: {japan.id}" not in text.replace(
        f"Donor: {japan.id} → {japan.id + 1}", "")
    assert f"Donor: {japan.id} → {japan.id + 1}" in text  # a number alone is still said


def test_instants_are_written_one_way():
    from app.formatting import format_date, format_datetime
    instant = datetime(2026, 12, 6, 14, 5, tzinfo=UTC)
    assert format_datetime(instant) == "6 December 2026, 14:05 UTC"
    assert format_date(instant.date()) == "6 December 2026"


def test_dates_follow_the_language_of_the_request(app):
    from datetime import date

    from app.formatting import format_date, format_datetime
    # each in its own application context, as each request has in production (Babel keeps the locale on `g`)
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert format_date(date(2026, 12, 6)) == "6 décembre 2026"
        assert format_datetime(datetime(2026, 12, 6, 14, 5, tzinfo=UTC)) == "6 décembre 2026, 14:05 UTC"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en-US"}):
        assert format_date(date(2026, 12, 6)) == "6 December 2026"  # the report's style, not "December 6, 2026"


@pytest.mark.parametrize("key, value, record_type, words", [
    ("status", "under_review", "AssistanceRequest", "under review"),
    ("status", "in_progress", "FollowUpAction", "in progress"),
    ("instruments", ["UNTOC", "TIP"], "", "UNTOC, TIP"),
    ("instruments", [], "", "—"),
    ("priority", "urgent", "", "Urgent"),
    ("assigned_officer", 7, "", "account #7"),  # an account gone since: its number, never a repr
    ("due_date", "2026-12-06", "", "6 December 2026"),
    ("visits", ["Minsk, BLR, 2003-03-10 – 2003-03-12 (day)"], "", "Minsk, BLR, 10 March 2003 – 12 March 2003 (day)"),
    ("file", "untoc-2003-07-02.csv", "", "untoc-2003-07-02.csv"),
    ("is_active", False, "", "no"),
])
def test_stored_values_in_words(app, key, value, record_type, words):
    from app.history_words import value_text
    assert value_text(key, value, record_type) == words
