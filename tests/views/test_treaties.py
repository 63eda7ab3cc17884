"""Treaty administration in the browser: import with a preview, reconciliation, an action entered by hand."""
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.services.reference import DATA
from app.services.treaty_import import import_file
from models import AuditEntry, Instrument, MemberState, TreatyAction, db
from tests import factories
from tests.conftest import csrf_token
from tests.helpers import field_errors

UNTC = DATA / "untc"


def deposits_of(code: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(TreatyAction).join(Instrument).where(
        Instrument.code == code, TreatyAction.category == "deposit"))


def upload(client, content: bytes, instrument="SOM", name="table.csv", token=None):
    return client.post("/treaties/import", content_type="multipart/form-data", data={
        "instrument": instrument, "file": (io.BytesIO(content), name),
        "csrf_token": token or csrf_token(client, "/treaties/import")})


def hidden_upload(page: str) -> str:
    return re.search(r'name="upload" type="hidden" value="([^"]+)"|value="([^"]+)"[^>]*name="upload"', page).group(1)


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
    response = upload(client, (UNTC / "XVIII-12-b-SOM.csv").read_bytes(), name="XVIII-12-b-SOM.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "111 to add, 1 to change, 138 unchanged, 0 to remove, 1 warning(s)" in page
    assert "Tajikistan: ratification 8 July 2002 -&gt; accession 8 July 2002" in page
    assert deposits_of("SOM") == before  # the preview wrote nothing

    confirm = client.post("/treaties/import/confirm", data={
        "upload": hidden_upload(page), "csrf_token": csrf_token(client, "/treaties/import")})
    assert confirm.status_code in (302, 303) and confirm.headers["Location"].endswith("/instruments/SOM")
    assert deposits_of("SOM") == 138
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(action="import").order_by(AuditEntry.id.desc()))
    assert entry.actor_id == admin.id and entry.after["added"] == 111
    shown = client.get(confirm.headers["Location"]).get_data(as_text=True)
    assert "Imported XVIII-12-b-SOM.csv: SOM: 111 added" in shown and "European Union" in shown


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


def test_a_tampered_preview_is_refused(client, admin, annex_record):
    page = upload(client, (UNTC / "XVIII-12-c-FIREARMS.csv").read_bytes(), instrument="FIREARMS").get_data(
        as_text=True)
    assert "not party to the Convention" in page  # UNTOC not imported: the record shows only the annex's
    forged = hidden_upload(page)[:-4] + "AAAA"
    before = deposits_of("FIREARMS")
    response = client.post("/treaties/import/confirm", data={
        "upload": forged, "csrf_token": csrf_token(client, "/treaties/import")})
    assert response.status_code in (302, 303) and deposits_of("FIREARMS") == before
    assert "was altered" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_preview_cannot_be_confirmed_by_another_account(client, admin, login_as):
    page = upload(client, (UNTC / "XVIII-12-c-FIREARMS.csv").read_bytes(), instrument="FIREARMS").get_data(
        as_text=True)
    signed = hidden_upload(page)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/treaties/import")})
    login_as("admin")
    before = deposits_of("FIREARMS")
    response = client.post("/treaties/import/confirm", data={
        "upload": signed, "csrf_token": csrf_token(client, "/treaties/import")})
    assert deposits_of("FIREARMS") == before
    assert "another account" in client.get(response.headers["Location"]).get_data(as_text=True)


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
    assert "Recorded: ratification of UNTOC on 2011-09-22." in page
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
    ({"participant": "XXX"}, "participant", "Not a valid choice"),
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
