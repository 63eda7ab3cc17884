"""Treaty administration in the browser: import with a preview, reconciliation, an action entered by hand."""
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.seed.reference import DATA
from app.services.treaties.treaty_import import import_file
from models import AuditEntry, Instrument, MemberState, TreatyAction, db
from tests import factories
from tests.conftest import csrf_token
from tests.helpers import field_errors

UNTC = DATA / "untc"


def deposits_of(code: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(TreatyAction).join(Instrument).where(
        Instrument.code == code, TreatyAction.category == "deposit"))


def upload(client, content: bytes, instrument="SOM", name="table.csv", token=None, complete_to="2014-07-01"):
    return client.post("/treaties/import", content_type="multipart/form-data", data={
        "instrument": instrument, "file": (io.BytesIO(content), name), "complete_to": complete_to,
        "csrf_token": token or csrf_token(client, "/treaties/import")})


def preview_of(client, response):
    """The preview page an accepted upload redirects to: (its URL, its text)."""
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    location = response.headers["Location"]
    assert re.fullmatch(r"/treaties/import/[A-Za-z0-9_-]{24}", location), location
    return location, client.get(location).get_data(as_text=True)


def _without_csrf(page: str) -> str:
    return re.sub(r'(name="csrf-token" content|name="csrf_token" type="hidden" value|value)="[^"]*"', "", page)


def confirm(client, location, **data):
    return client.post(location + "/confirm", data={"csrf_token": csrf_token(client, "/treaties/import"), **data})


@pytest.fixture()
def admin(login_as):
    return login_as("admin")


@pytest.fixture()
def annex_record(session):
    """A record that held the annex's deposits, as installations did before the shipped tables became the record:
    importing the real tables into it adds, changes and warns."""
    factories.record_as_printed_in_the_annex()
    db.session.commit()


@pytest.fixture()
def record_of_2003(session):
    """The depositary's record as at 2 July 2003: the deposits made since are free to enter by hand."""
    factories.record_until(date(2003, 7, 2))
    db.session.commit()


# ------------------------------------------------------------------ import
def test_upload_previews_without_writing_then_confirm_commits(client, admin, annex_record):
    import_file(UNTC / "XVIII-12-UNTOC.csv", "UNTOC")  # the Convention first, or every SOM party "is not party"
    db.session.commit()
    before = deposits_of("SOM")
    location, page = preview_of(client, upload(client, (UNTC / "XVIII-12-b-SOM.csv").read_bytes(),
                                               name="XVIII-12-b-SOM.csv"))
    assert "111 to add, 1 to change, 138 unchanged, 0 to remove, 1 warning(s)" in page
    assert "Tajikistan: ratification 8 July 2002 -&gt; accession 8 July 2002" in page
    assert deposits_of("SOM") == before  # the preview wrote nothing
    again = client.get(location).get_data(as_text=True)  # a reload shows it again, posting nothing
    # The same page but for the CSRF token, which is signed with the time of the request (to the second).
    assert _without_csrf(again) == _without_csrf(page)

    confirmed = confirm(client, location)  # a job (issue 28): the browser goes to its page
    assert confirmed.status_code == 303 and confirmed.headers["Location"].startswith("/jobs/")
    assert deposits_of("SOM") == 138
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(action="import").order_by(AuditEntry.id.desc()))
    assert entry.actor_id == admin.id and entry.after["added"] == 111
    job_page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Imported XVIII-12-b-SOM.csv: SOM: 111 added" in job_page and 'href="/instruments/SOM"' in job_page
    assert "European Union" in job_page  # the table's warning


def test_a_malformed_upload_is_refused_naming_every_line(client, admin):
    bad = b"Participant,Signature,Ratification\nAtlantis,12 Dec 2000,\nFrance,32 Dec 2000,\n"
    response = upload(client, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "was refused: nothing was imported" in page
    assert "line 2: Participant: &#34;Atlantis&#34; is not a known State" in page
    assert "line 3: Signature: &#34;32 Dec 2000&#34; is not a date" in page


def test_an_upload_that_is_not_text_or_not_csv_is_refused(client, admin):
    assert "not UTF-8 text" in upload(client, b"\xff\xfe\x00bad").get_data(as_text=True)
    response = upload(client, b"Participant\n", name="table.xlsx")
    assert response.status_code == 422 and "must be a .csv file" in response.get_data(as_text=True)


def test_an_unknown_or_forged_preview_is_refused(client, admin, annex_record):
    location, page = preview_of(client, upload(client, (UNTC / "XVIII-12-c-FIREARMS.csv").read_bytes(),
                                               instrument="FIREARMS"))
    assert "not party to the Convention" in page  # UNTOC not imported: the record shows only the annex's
    before = deposits_of("FIREARMS")
    for forged in (location[:-4] + "AAAA", "/treaties/import/x", "/treaties/import/" + "." * 24):
        assert client.get(forged).status_code == 404
        response = confirm(client, forged)
        assert response.status_code == 404 and "upload the file again" in response.get_data(as_text=True)
    assert client.get("/treaties/import/..%2F..%2Fsecret_key").status_code == 404
    assert deposits_of("FIREARMS") == before


def test_a_preview_cannot_be_seen_or_confirmed_by_another_account(client, admin, login_as):
    location, _ = preview_of(client, upload(client, (UNTC / "XVIII-12-c-FIREARMS.csv").read_bytes(),
                                            instrument="FIREARMS"))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/treaties/import")})
    login_as("admin")
    before = deposits_of("FIREARMS")
    assert client.get(location).status_code == 403
    response = confirm(client, location)
    assert response.status_code == 403 and "belongs to another account" in response.get_data(as_text=True)
    assert deposits_of("FIREARMS") == before


@pytest.mark.parametrize("role", ["officer", "manager", "donor"])
def test_only_admins_import(client, login_as, role):
    login_as(role)
    assert client.get("/treaties/import").status_code == 403


# ------------------------------------------------------------------ reconciliation
def test_reconciliation_lists_the_real_differences_and_filters(client, login_as):
    login_as("officer")
    page = client.get("/treaties/reconciliation").get_data(as_text=True)
    rows = re.findall(r'<td><a href="/instruments/\w+"[^>]*>(UNTOC|TIP|SOM|FIREARMS)</a></td>'
                      r'\s*<td><a href="/states/(\w+)"', page)
    assert sorted(rows) == [("SOM", "ARM"), ("SOM", "TJK"), ("TIP", "ARM"), ("TIP", "TJK")]
    assert "Ratification, 8 July 2002" in page and "Accession, 8 July 2002" in page
    assert "not in A/58/165 annex" in page and "different kinds" in page
    som = client.get("/treaties/reconciliation?instrument=SOM").get_data(as_text=True)
    assert ">TIP</a></td>" not in som and ">SOM</a></td>" in som
    assert "The sources agree on UNTOC" in client.get("/treaties/reconciliation?instrument=UNTOC").get_data(
        as_text=True)
    assert client.get("/treaties/reconciliation?instrument=NOPE").status_code == 400  # refused, named


def test_donors_do_not_see_the_reconciliation(client, login_as):
    login_as("donor")
    assert client.get("/treaties/reconciliation").status_code == 403


# ------------------------------------------------------------------ an action entered by hand
def post_action(client, **fields):
    data = {"participant": "AND", "instrument": "UNTOC", "kind": "ratification", "action_date": "2011-09-22",
            "note": "", **fields}
    data["csrf_token"] = csrf_token(client, "/treaties/actions/new")
    return client.post("/treaties/actions/new", data=data)


def test_a_regular_action_is_recorded_and_the_state_page_shows_it(client, login_as, record_of_2003):
    login_as("officer")
    form = client.get("/treaties/actions/new?state=AND").get_data(as_text=True)
    assert '<option selected value="AND">' in form or 'value="AND" selected' in form
    response = post_action(client)
    assert response.status_code in (302, 303) and response.headers["Location"].endswith("/states/AND")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Recorded: ratification of UNTOC on 22 September 2011." in page  # dates in words on pages
    assert "Ratification, 22 September 2011" in page and "entered by hand" in page


def test_an_odd_action_is_recorded_with_a_visible_warning(client, login_as, record_of_2003):
    login_as("officer")
    response = post_action(client, participant="BHR", action_date="2004-06-07")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "alert-warning" in page and "Warning — Bahrain: ratification on 7 June 2004 with no signature" in page


@pytest.mark.parametrize("fields, field, message", [
    ({"action_date": "2150-01-01"}, "action_date", "is in the future"),
    ({"action_date": "2999-01-01"}, "action_date", "is out of range"),
    ({"participant": "MCO", "action_date": "2003-01-01"}, "kind", "already has a deposit of UNTOC"),
    ({"participant": "BHR", "kind": "signature", "action_date": "2003-01-10"}, "action_date",
     "closed for signature on 12 December 2002"),
    ({"action_date": "22/09/2011"}, "action_date", "is not a date: write it as YYYY-MM-DD"),
    ({"participant": "XXX"}, "participant", "Choose the participant from the list"),
])
def test_a_refused_action_shows_the_message_next_to_the_field(client, login_as, fields, field, message):
    login_as("officer")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(TreatyAction))
    response = post_action(client, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    feedback = field_errors(page, field)
    assert feedback and message in feedback[0]
    assert f'aria-describedby="{field}-error"' in page or f'{field}-error"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TreatyAction)) == before


def test_donors_cannot_enter_actions(client, login_as):
    login_as("donor")
    assert client.get("/treaties/actions/new").status_code == 403


def test_the_state_page_offers_the_form_to_staff(client, login_as):
    login_as("officer")
    page = client.get("/states/AND").get_data(as_text=True)
    assert "/treaties/actions/new?state=AND" in page
    assert db.session.scalar(sa.select(MemberState).filter_by(code="AND")) is not None


# ------------------------------------------------------------------ an import cannot wipe the record (issue 8)
HEADER = 'Participant,Signature,"Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"\n'


def test_the_preview_puts_its_summary_and_button_first_and_changes_before_unchanged_rows(client, admin,
                                                                                         annex_record):
    location, page = preview_of(client, upload(client, (UNTC / "XVIII-12-a-TIP.csv").read_bytes(),
                                               instrument="TIP", name="XVIII-12-a-TIP.csv"))
    summary, button = page.index('id="summary"'), page.index("Confirm the import")
    changes, unchanged = page.index("To change (1)"), page.index("Unchanged (144)")
    first_entry = page.index("<li>", page.index("<main"))
    assert summary < button < first_entry and button < changes < unchanged
    assert page.index("To add (131)") < unchanged and page.index("Warnings (") < unchanged
    assert "allow_mass_removal" not in page  # an ordinary import needs no extra confirmation


def test_an_empty_table_or_the_wrong_instruments_table_is_refused_at_upload(client, admin):
    response = upload(client, HEADER.encode(), instrument="TIP")
    assert response.status_code == 422 and "no participant rows" in response.get_data(as_text=True)
    response = upload(client, (UNTC / "XVIII-12-UNTOC.csv").read_bytes(), instrument="FIREARMS")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "is this the table of another instrument?" in page and "270 to add" not in page


def test_removing_most_of_the_record_needs_the_box_that_names_the_count(client, admin):
    import_file(UNTC / "XVIII-12-a-TIP.csv", "TIP")
    db.session.commit()
    before = deposits_of("TIP")
    location, page = preview_of(client, upload(client, (HEADER + "Mali,12 Dec 2000,12 Apr 2002\n").encode(),
                                               instrument="TIP"))
    [label] = re.findall(r'<label class="form-check-label" for="allow_mass_removal">([^<]+)</label>', page)
    count = int(re.match(r"Yes, remove (\d+) of the 276 actions of TIP on record", label).group(1))
    assert count > 138  # more than half
    assert page.index(f"would remove {count} of the 276 actions") < page.index("Confirm the import")
    refused = confirm(client, location, removals=str(count))  # the button alone is not enough: the job fails
    job_page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "It failed" in job_page and f"would remove {count} of the 276 actions of TIP" in job_page
    assert deposits_of("TIP") == before
    not_that_many = confirm(client, location, allow_mass_removal="y", removals="10")
    assert "It failed" in client.get(not_that_many.headers["Location"]).get_data(as_text=True)
    assert deposits_of("TIP") == before
    done = confirm(client, location, allow_mass_removal="y", removals=str(count))
    assert done.status_code == 303 and deposits_of("TIP") == 1


def test_a_confirmed_preview_cannot_be_confirmed_again(client, admin):
    imports = sa.select(sa.func.count()).select_from(AuditEntry).filter_by(action="import")
    before = db.session.scalar(imports)
    # A later day than the shipped table's: the import changes the record's date, so it leaves an audit entry.
    location, _ = preview_of(client, upload(client, (UNTC / "XVIII-12-c-FIREARMS.csv").read_bytes(),
                                            instrument="FIREARMS", complete_to="2014-08-01"))
    assert confirm(client, location).status_code == 303
    after = deposits_of("FIREARMS")
    again = confirm(client, location)
    assert again.status_code == 409 and "This preview was already imported into FIREARMS" in again.get_data(
        as_text=True)
    reload = client.get(location)
    assert reload.status_code == 409 and "already imported" in reload.get_data(as_text=True)
    assert deposits_of("FIREARMS") == after
    assert db.session.scalar(imports) == before + 1


def test_an_upload_over_the_size_limit_is_answered_413_clearly(app, client, admin):
    token = csrf_token(client, "/treaties/import")
    big = HEADER.encode() + b"x" * app.config["MAX_CONTENT_LENGTH"]
    response = upload(client, big, token=token)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The upload is too large: the limit is 5 MB" in page and "Nothing was imported" in page
