"""Rules judged at the record's own date (issue 24, item 3): the pre-ratification rule ("already a party") is
applied as at the request's received date, or where that is unknown as at its report's date — never as at today —
so the reference requests of A/58/165 para 19 stay editable, and a newly logged old request is judged at its day."""
from datetime import date

import pytest
import sqlalchemy as sa

from app.rules.record_dates import counted_to, fact_date, report_date, years_between
from models import AssistanceRequest, db


def reference_requests() -> list[AssistanceRequest]:
    return list(db.session.scalars(sa.select(AssistanceRequest).where(
        AssistanceRequest.reference_key.like("request-para19-%")).order_by(AssistanceRequest.id)))


def test_the_rules_module_dates():
    assert report_date("A/58/165 para. 19") == date(2003, 7, 4)
    assert report_date("upload.xlsx") is None and report_date(None) is None
    today = date(2026, 12, 6)
    assert fact_date(date(2002, 3, 1), "A/58/165 para. 19", today) == date(2002, 3, 1)
    assert fact_date(None, "A/58/165 para. 19", today) == date(2003, 7, 4)
    assert fact_date(None, None, today) == today
    assert counted_to(date(2014, 7, 1), today) == date(2014, 7, 1)
    assert counted_to(None, today) == today and counted_to(date(2030, 1, 1), today) == today
    assert years_between(date(2003, 7, 4), today) == 23 and years_between(date(2003, 12, 7), today) == 22


def test_patch_priority_of_the_bolivia_request_is_accepted(api_caller):
    bolivia = next(r for r in reference_requests() if r.state.code == "BOL")
    assert bolivia.received_date is None and bolivia.kind == "pre_ratification_advice"
    manager = api_caller("manager")
    response = manager.patch(f"/api/v1/requests/{bolivia.id}", {"priority": "high"}, if_match=bolivia.version)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["priority"] == "high"
    db.session.refresh(bolivia)
    assert bolivia.priority == "high"


def test_every_reference_request_stays_editable(api_caller):
    requests = reference_requests()
    assert len(requests) == 15
    manager = api_caller("manager")
    for request in requests:
        response = manager.patch(f"/api/v1/requests/{request.id}", {"priority": "high"}, if_match=request.version)
        assert response.status_code == 200, (request.state.code, response.get_json())


def test_the_rule_still_refuses_what_was_already_ratified_at_the_requests_own_date(api_caller):
    """Bolivia deposited UNTOC on 10 Oct 2005: advice received after that is refused, before it is accepted."""
    officer = api_caller("officer")
    body = {"state": "BOL", "instruments": ["UNTOC"], "kind": "pre_ratification_advice",
            "subject": "Advice towards ratification", "priority": "normal"}
    old = officer.post("/api/v1/requests", dict(body, received_date="2004-03-01"))
    assert old.status_code == 201, old.get_json()  # a newly logged old request, judged as at its own day
    late = officer.post("/api/v1/requests", dict(body, received_date="2006-03-01"))
    assert late.status_code == 422
    assert "was already a party on 1 March 2006 (UNTOC since 10 October 2005)" in \
        late.get_json()["error"]["fields"]["instruments"]
    undated = officer.post("/api/v1/requests", body)  # logged now with no date of its own: judged as at today
    assert undated.status_code == 422 and "already a party on" in undated.get_json()["error"]["fields"]["instruments"]


@pytest.mark.parametrize("received, status", [("2003-07-03", 200), ("2006-03-01", 422)])
def test_an_edit_giving_the_reference_request_a_date_is_judged_at_that_date(api_caller, received, status):
    bolivia = next(r for r in reference_requests() if r.state.code == "BOL")
    manager = api_caller("manager")
    response = manager.patch(f"/api/v1/requests/{bolivia.id}", {"received_date": received},
                             if_match=bolivia.version)
    assert response.status_code == status, response.get_json()



def test_the_edit_form_shows_the_treaty_status_as_at_the_requests_own_date(client, login_as):
    bolivia = next(r for r in reference_requests() if r.state.code == "BOL")
    login_as("manager")
    page = client.get(f"/requests/{bolivia.id}/edit").get_data(as_text=True)
    assert "treaty status as at 4 July 2003" in page
    assert "already a party since 10 October 2005" not in page  # Bolivia's UNTOC deposit, after the report
