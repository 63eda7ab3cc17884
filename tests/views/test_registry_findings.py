"""Legislative issues: the para. 15 catalogue, findings per State with their status over time and history, the
per-State checklist on the State page."""
from datetime import date

import sqlalchemy as sa

from models import Activity, AuditEntry, LegislativeFinding, LegislativeIssue, Organization, db
from tests.conftest import csrf_token
from tests.helpers import field_errors


def issue(code):
    return db.session.scalar(sa.select(LegislativeIssue).filter_by(code=code))


def test_the_catalogue_lists_para_15_with_articles(client, login_as):
    login_as("donor", donor=db.session.scalar(sa.select(Organization).filter_by(reference_key="japan")))
    page = client.get("/issues/").get_data(as_text=True)
    for title, article in (("Criminalization of participation in an organized criminal group", "UNTOC art. 5"),
                           ("Obligation to extradite or prosecute offenders", "UNTOC art. 16(10)"),
                           ("Liability of legal persons", "UNTOC art. 10"), ("Jurisdiction", "UNTOC art. 15"),
                           ("Criminalization of trafficking in persons", "TIP art. 3(a) and 5")):
        assert title in page and article in page
    assert f'href="/issues/{issue("TIP-5").id}"' in page


def test_an_issue_page_lists_the_states_where_it_came_up(client, login_as):
    login_as("officer")
    page = client.get(f"/issues/{issue('TIP-5').id}").get_data(as_text=True)
    for state in ("Cambodia", "Russian Federation", "Ukraine"):
        assert state in page


def test_record_a_finding_move_it_and_see_the_checklist(client, login_as):
    officer = login_as("officer")
    minsk = db.session.scalar(sa.select(Activity).filter_by(reference_key="seminar-2003-minsk-national"))
    token = csrf_token(client, "/findings/new")
    response = client.post("/findings/new", data={
        "csrf_token": token, "state": "BLR", "issue": str(issue("UNTOC-15").id), "activity": str(minsk.id),
        "status": "identified", "status_date": "2003-06-17", "note": "Jurisdiction raised at the Minsk seminar."})
    assert response.status_code == 302
    finding = db.session.scalar(sa.select(LegislativeFinding).filter_by(issue_id=issue("UNTOC-15").id))
    moved = client.post(f"/findings/{finding.id}/status", data={
        "csrf_token": token, "status": "draft_law", "status_date": "2004-02-01", "note": "",
        "version": str(finding.version)})
    assert moved.status_code == 302
    db.session.expire_all()
    finding = db.session.get(LegislativeFinding, finding.id)
    assert [(h.status, h.status_date) for h in finding.history] == [("identified", date(2003, 6, 17)),
                                                                     ("draft_law", date(2004, 2, 1))]
    assert finding.history[1].actor_id == officer.id
    assert db.session.scalar(sa.select(AuditEntry).filter_by(record_type="LegislativeFinding",
                                                             record_id=finding.id, action="status"))
    state_page = client.get("/states/BLR").get_data(as_text=True)
    checklist = state_page[state_page.index("Legislative checklist"):]
    assert f'href="/findings/{finding.id}">Jurisdiction</a>' in checklist
    assert "17 June 2003" in checklist and "1 February 2004" in checklist and ">now<" in checklist
    history = client.get(f"/findings/{finding.id}").get_data(as_text=True)
    # users by name (issue 29 item 7), not by e-mail
    assert "Draft law" in history and "Identified" in history and officer.name in history


def test_bad_moves_are_refused_beside_the_field(client, login_as):
    login_as("officer")
    finding = db.session.scalar(sa.select(LegislativeFinding).where(
        LegislativeFinding.issue_id == issue("TIP-5").id,
        LegislativeFinding.state.has(code="RUS")))  # a draft law since 20 February 2003
    token = csrf_token(client, "/findings/new")
    for data, message in (({"status": "draft_law", "status_date": "2003-03-01"}, "already"),
                          ({"status": "enacted", "status_date": "2003-01-01"}, "cannot come before"),
                          ({"status": "identified", "status_date": "2003-05-01"}, "needs a reason"),
                          ({"status": "enacted", "status_date": "2199-01-01"}, "in the future")):
        response = client.post(f"/findings/{finding.id}/status", data={"csrf_token": token, "note": "", **data,
                                                                      "version": str(finding.version)})
        assert response.status_code == 422
        assert any(message in m for m in field_errors(response.get_data(as_text=True), "status")), data
    db.session.expire_all()
    assert len(db.session.get(LegislativeFinding, finding.id).history) == 1


def test_a_second_finding_on_the_same_issue_is_refused(client, login_as):
    login_as("officer")
    before = db.session.scalar(sa.select(sa.func.count(LegislativeFinding.id)))
    response = client.post("/findings/new", data={
        "csrf_token": csrf_token(client, "/findings/new"), "state": "KHM", "issue": str(issue("TIP-5").id),
        "activity": "", "status": "identified", "status_date": "", "note": "<b>again</b>"})
    assert response.status_code == 422
    assert "already has a finding" in " ".join(field_errors(response.get_data(as_text=True), "issue"))
    assert db.session.scalar(sa.select(sa.func.count(LegislativeFinding.id))) == before


def test_donors_see_findings_of_what_they_fund_only(client, login_as):
    login_as("donor", donor=db.session.scalar(sa.select(Organization).filter_by(reference_key="japan")))
    ukraine = client.get("/states/UKR").get_data(as_text=True)
    assert "Legislative checklist" in ukraine and 'href="/findings/' in ukraine  # the Kyiv seminar: funded
    madagascar = db.session.scalar(sa.select(LegislativeFinding).where(LegislativeFinding.state.has(code="MDG")))
    assert client.get(f"/findings/{madagascar.id}").status_code == 404
    assert client.get("/findings/new").status_code == 403
