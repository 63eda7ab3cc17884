"""An import never moves the record's date by itself (issue 24, item 1): the browser form and the command line both
state the day the table was taken, the preview shows the date change, a table holding a later action is refused
with the row named, and re-importing an unchanged table changes nothing at all."""
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.seed.reference import DATA
from app.services.treaties.treaty_import import ImportRefused, import_text
from models import AuditEntry, Instrument, TreatyAction, TreatyActionSource, db
from models.record_version import RECORD, TREATIES, current_stamp
from tests.conftest import csrf_token
from tests.helpers import field_errors

SOM = (DATA / "untc" / "XVIII-12-b-SOM.csv").read_text(encoding="utf-8")


def som_day() -> date:
    return db.session.scalar(sa.select(Instrument.record_complete_to).filter_by(code="SOM"))


def snapshot() -> tuple:
    """Everything an import could touch: actions, claims, audit entries, the instruments' days, the stamps."""
    actions = db.session.execute(sa.select(TreatyAction.id, TreatyAction.kind, TreatyAction.action_date,
                                           TreatyAction.source, TreatyAction.updated_at)).all()
    claims = db.session.execute(sa.select(TreatyActionSource.id, TreatyActionSource.kind,
                                          TreatyActionSource.action_date, TreatyActionSource.locator)).all()
    audit = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    days = db.session.execute(sa.select(Instrument.code, Instrument.record_complete_to,
                                        Instrument.updated_at)).all()
    return (sorted(actions), sorted(claims), audit, sorted(days),
            current_stamp(db.session, TREATIES), current_stamp(db.session, RECORD))


def upload(client, text: str, complete_to: str | None, instrument="SOM"):
    data = {"instrument": instrument, "file": (io.BytesIO(text.encode()), "som.csv"),
            "csrf_token": csrf_token(client, "/treaties/import")}
    if complete_to is not None:
        data["complete_to"] = complete_to
    return client.post("/treaties/import", content_type="multipart/form-data", data=data)


@pytest.fixture()
def admin(login_as):
    return login_as("admin")


# ------------------------------------------------------------------ the service
def test_an_import_without_a_stated_day_leaves_the_records_day_alone(session):
    assert som_day() == date(2014, 7, 1)
    report = import_text(SOM, "SOM")
    assert som_day() == date(2014, 7, 1) and report.complete_to == date(2014, 7, 1)


def test_reimporting_the_unchanged_table_changes_nothing_at_all(session):
    db.session.commit()
    before = snapshot()
    report = import_text(SOM, "SOM", complete_to=date(2014, 7, 1))
    db.session.commit()
    assert report.counts()["unchanged"] > 0 and not report.changes_anything
    assert snapshot() == before  # no action, no claim, no audit entry, no day, no stamp changed


def test_a_table_with_an_action_after_its_complete_to_day_is_refused_with_the_row_named(session):
    later = SOM.rstrip("\n") + "\nFiji,,2 Jun 2015 a\n"
    before = snapshot()
    with pytest.raises(ImportRefused) as refused:
        import_text(later, "SOM", complete_to=date(2014, 7, 1))
    db.session.rollback()
    line = len(later.rstrip("\n").splitlines())
    assert any(text.startswith(f"line {line}: Deposit: 2 June 2015 of \"Fiji\" is after the day the table is "
                               "complete to (1 July 2014)") for text in refused.value.lines()), refused.value.lines()
    assert snapshot() == before
    # The same table stated as taken later is accepted, and moves the day to that one.
    report = import_text(later, "SOM", complete_to=date(2015, 6, 2))
    assert [str(c) for c in report.added] == [f"Fiji: accession 2 June 2015 (line {line})"]
    assert som_day() == date(2015, 6, 2)


# ------------------------------------------------------------------ the command line
def test_the_cli_never_moves_the_day_by_itself_and_refuses_a_later_action(app, session, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "som.csv"
    path.write_text(SOM, encoding="utf-8")
    undated = runner.invoke(args=["treaties", "import", str(path), "--instrument", "SOM"])
    assert undated.exit_code == 0, undated.output
    assert som_day() == date(2014, 7, 1)  # no --as-at: the record keeps its day, today is never assumed
    early = runner.invoke(args=["treaties", "import", str(path), "--instrument", "SOM", "--as-at", "2005-01-01"])
    assert early.exit_code == 1 and "is after the day the table is complete to (1 January 2005)" in early.output
    assert som_day() == date(2014, 7, 1)
    db.session.commit()
    before = snapshot()
    same = runner.invoke(args=["treaties", "import", str(path), "--instrument", "SOM", "--as-at", "2014-07-01"])
    assert same.exit_code == 0 and "0 added, 0 changed" in same.output
    assert snapshot() == before


# ------------------------------------------------------------------ the browser
def test_the_browser_form_requires_the_day_with_no_default(client, admin):
    page = client.get("/treaties/import").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="complete_to"[^>]*>', page).group(0)
    assert 'value=""' in field or "value=" not in field  # nothing filled in
    response = upload(client, SOM, None)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "complete_to") == [
        "Give the day the table was taken from the UN Treaty Collection."]
    future = upload(client, SOM, "2199-01-01")
    assert future.status_code == 422
    assert field_errors(future.get_data(as_text=True), "complete_to") == [
        "The day the table was taken cannot be in the future."]


def test_the_preview_shows_the_date_change_and_confirming_applies_it(client, admin):
    response = upload(client, SOM, "2014-08-15")
    assert response.status_code == 303
    location = response.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert 'Record complete to: 1 July 2014 <span class="dir-arrow">→</span> <strong>15 August 2014</strong>' in page
    assert som_day() == date(2014, 7, 1)  # a preview writes nothing
    confirmed = client.post(location + "/confirm", data={"csrf_token": csrf_token(client, "/treaties/import")})
    assert confirmed.status_code == 303
    assert som_day() == date(2014, 8, 15)
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(action="import").order_by(AuditEntry.id.desc()))
    assert entry.before == {"record_complete_to": "2014-07-01"} and entry.after["record_complete_to"] == "2014-08-15"


def test_the_browser_refuses_a_table_with_an_action_after_the_stated_day(client, admin):
    later = SOM.rstrip("\n") + "\nFiji,,2 Jun 2015 a\n"
    response = upload(client, later, "2014-07-01")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "nothing was imported" in body
    assert "Deposit: 2 June 2015 of &#34;Fiji&#34; is after the day the table is complete to (1 July 2014)" in body \
        or 'Deposit: 2 June 2015 of "Fiji" is after the day the table is complete to (1 July 2014)' in body


def test_reimporting_the_unchanged_table_through_the_browser_changes_nothing(client, admin):
    db.session.commit()
    response = upload(client, SOM, "2014-07-01")
    location = response.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    arrow = '<span class="dir-arrow">→</span>'
    assert f"Record complete to: 1 July 2014 {arrow} <strong>1 July 2014</strong> (unchanged)" in page
    assert "Confirming changes nothing." in page
    before = snapshot()
    confirmed = client.post(location + "/confirm", data={"csrf_token": csrf_token(client, "/treaties/import")})
    assert confirmed.status_code == 303
    job_page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "0 added, 0 changed" in job_page and "record complete to 1 July 2014" in job_page
    # The treaty record, its audit trail and its stamp are as they were (the job's own record is bookkeeping: only
    # the whole record's stamp, which every committed row moves, changes with it).
    assert snapshot()[:5] == before[:5]
