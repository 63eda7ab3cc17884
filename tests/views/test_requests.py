"""Request pages through the real forms: intake and edit, every bad input the issue lists, the workflow's moves
(and the ones refused), the request page, "my requests", the list and its exports, and query counts."""
import csv
import html
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from models import Activity, AssistanceRequest, AuditEntry, RequestStatusChange, db
from tests import factories
from tests.conftest import csrf_token
from tests.helpers import count_queries, field_errors

TODAY = date.today()


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                 for m in (AssistanceRequest, RequestStatusChange, AuditEntry))


def form_data(**overrides) -> dict:
    data = {"state": "BOL", "instruments": ["UNTOC", "TIP"], "kind": "legislative_review",
            "received_date": (TODAY - timedelta(days=3)).isoformat(), "channel": "note_verbale",
            "requesting_authority": "Ministry of Justice", "subject": "Review of the draft organized crime bill",
            "description": "Comments on articles 5 and 10.", "priority": "high",
            "due_date": (TODAY + timedelta(days=30)).isoformat()}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, path, data, token_from="/"):
    return client.post(path, data=dict(data, csrf_token=csrf_token(client, token_from)))


# ------------------------------------------------------------------ intake and edit
def test_an_officer_logs_a_request_through_the_form(client, login_as, session):
    officer = login_as("officer")
    page = client.get("/requests/new?state=BIH").get_data(as_text=True)
    assert 'data-note-for="UNTOC">already a party since 24 April 2002<' in page  # the State's status, as at today
    french = client.get("/requests/new?state=BIH", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'data-note-for="UNTOC">déjà partie depuis le 24 avril 2002<' in french  # in the reader's language
    assert '<option selected value="BIH">' in page and 'src="/static/request_form.js?v=' in page
    response = post(client, "/requests/new", form_data(), "/requests/new")
    assert response.status_code == 302
    request = db.session.scalar(sa.select(AssistanceRequest).order_by(AssistanceRequest.id.desc()))
    assert response.headers["Location"] == f"/requests/{request.id}"
    assert (request.state.code, [i.code for i in request.instruments], request.status, request.logged_by_id,
            request.priority, request.channel) == ("BOL", ["UNTOC", "TIP"], "pending", officer.id, "high",
                                                   "note_verbale")
    assert request.status_changes[0].actor_id == officer.id


BAD_INPUT = [
    ({"received_date": (TODAY + timedelta(days=1)).isoformat()}, "received_date", "is in the future"),
    ({"due_date": (TODAY - timedelta(days=10)).isoformat()}, "due_date", "before the date received"),
    ({"instruments": None}, "instruments", "Choose at least one instrument"),
    ({"state": "ZZZ"}, "state", "Unknown State"),
    ({"subject": ""}, "subject", "Give the subject of the request."),
    ({"subject": "x" * 256}, "subject", "255"),
    ({"requesting_authority": "M" * 201}, "requesting_authority", "200"),
    ({"description": "d" * 5001}, "description", "5000"),
    ({"subject": "<script>alert(1)</script> help"}, "subject", "markup such as <b> or <script> is not allowed"),
    ({"received_date": "2003-02-30"}, "received_date", "is not a date"),
    ({"kind": "cake"}, "kind", "Not a valid choice"),
]


@pytest.mark.parametrize("overrides, field, message", BAD_INPUT, ids=[b[1] + "-" + b[2][:20] for b in BAD_INPUT])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(client, login_as, session, overrides, field,
                                                                     message):
    login_as("officer")
    before = counts()
    response = post(client, "/requests/new", form_data(**overrides), "/requests/new")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert any(message in m for m in field_errors(body, field)), field_errors(body)
    assert counts() == before
    assert 'value="Ministry of Justice"' in body or field == "requesting_authority"  # the input is kept
    if field == "subject" and "script" in overrides["subject"]:
        assert "&lt;script&gt;alert(1)&lt;/script&gt; help" in body and "<script>alert" not in body


def test_the_pre_ratification_rule_is_explained_beside_the_instruments(client, login_as, session):
    login_as("officer")
    before = counts()
    response = post(client, "/requests/new", form_data(state="NAM", kind="pre_ratification_advice",
                                                       instruments=["TIP", "FIREARMS"]), "/requests/new")
    assert response.status_code == 422 and counts() == before
    message = field_errors(response.get_data(as_text=True), "instruments")[0]
    assert "Namibia was already a party" in message and "TIP since 16 August 2002" in message


def test_editing_uses_the_same_form_and_refuses_a_stale_version(client, login_as, session):
    login_as("officer")
    request = factories.request("CHL", instruments=["SOM"], received=TODAY - timedelta(days=5))
    session.commit()
    page = client.get(f"/requests/{request.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page and 'value="SOM" checked' in page
    response = post(client, f"/requests/{request.id}/edit", form_data(state="CHL", version="1",
                                                                      subject="Edited subject"))
    assert response.status_code == 302
    session.refresh(request)
    assert request.subject == "Edited subject" and request.version == 2
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(record_id=request.id, action="update"))
    assert entry.after["subject"] == "Edited subject" and "instruments" in entry.after
    before = counts()
    response = post(client, f"/requests/{request.id}/edit", form_data(state="CHL", version="1", subject="Late"))
    assert response.status_code == 409
    assert "changed since this page was loaded" in html.unescape(response.get_data(as_text=True))
    session.refresh(request)
    assert request.subject == "Edited subject" and counts() == before


# ------------------------------------------------------------------ the workflow
def test_a_manager_approves_with_a_reason_and_the_timeline_shows_it(client, login_as, session):
    manager = login_as("manager")
    request = factories.request()
    session.commit()
    response = post(client, f"/requests/{request.id}/approve", {"reason": "Draft law ready", "version": "1",
                                                                "next": "/queue?kind=training"})
    assert response.status_code == 302 and response.headers["Location"] == "/queue?kind=training"
    session.refresh(request)
    assert (request.status, request.decision_reason, request.version) == ("approved", "Draft law ready", 2)
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    timeline = page[page.index("Timeline"):]
    assert 'Pending <span class="dir-arrow">→</span> <strong>Approved</strong>' in timeline
    assert "Draft law ready" in timeline
    assert manager.name in timeline
    # Only legal moves are offered now: start the work or record a withdrawal.
    assert f'formaction="/requests/{request.id}/start"' in page and f"/requests/{request.id}/approve" not in page


@pytest.mark.parametrize("status, path, data, message", [
    ("pending", "approve", {"reason": ""}, "needs a reason"),
    ("pending", "decline", {"reason": "  "}, "needs a reason"),
    ("declined", "put-back", {}, "needs a reason"),
    ("approved", "withdraw", {}, "needs a reason"),
    ("completed", "approve", {"reason": "by hand"}, "is completed: it cannot be moved to approved"),
    ("withdrawn", "put-back", {"reason": "by hand"}, "is withdrawn: it cannot be moved to pending"),
    ("pending", "approve", {"reason": "no version", "version": None}, "which version"),
    ("pending", "approve", {"reason": "old page", "version": "7"}, "changed since this page was loaded"),
])
def test_refused_moves_change_nothing(client, login_as, session, status, path, data, message):
    login_as("manager")
    request = factories.request(status=status)
    session.commit()
    before = counts()
    payload = {k: v for k, v in dict({"version": "1"}, **data).items() if v is not None}
    response = post(client, f"/requests/{request.id}/{path}", payload)
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    session.refresh(request)
    assert request.status == status and request.version == 1 and counts() == before


def test_an_officer_cannot_decide(client, login_as, session):
    login_as("officer")
    request = factories.request()
    session.commit()
    assert post(client, f"/requests/{request.id}/approve", {"reason": "I would", "version": "1"}).status_code == 403
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert "/approve" not in page and f'formaction="/requests/{request.id}/withdraw"' in page


def test_assignment_from_the_request_page(client, login_as, make_user, session):
    login_as("manager")
    officer, inactive = make_user("officer"), make_user("officer", is_active_account=False)
    request = factories.request()
    session.commit()
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    # The officer is picked by type-ahead: the page lists no account, the picker's lookup the active ones only.
    assert f'value="{officer.id}"' not in page and 'data-lookup="/api/v1/lookup/users?among=assignable"' in page
    for account, offered in ((officer, True), (inactive, False)):
        found = client.get(f"/api/v1/lookup/users?among=assignable&q={account.email}").get_json()["items"]
        assert ([i["id"] for i in found] == [account.id]) is offered
    response = post(client, f"/requests/{request.id}/assign", {"officer": str(inactive.id), "version": "1"})
    assert response.status_code == 422 and request.assigned_officer_id is None
    response = post(client, f"/requests/{request.id}/assign", {"officer": str(officer.id), "version": "1"})
    assert response.status_code == 302
    session.refresh(request)
    assert request.assigned_officer_id == officer.id and request.version == 2


# ------------------------------------------------------------------ the request page
def test_the_request_page_shows_the_response_and_the_treaty_actions(client, login_as, session):
    login_as("officer")
    request = factories.request("ROU", instruments=["UNTOC", "FIREARMS"], received=date(2002, 1, 2))
    first = factories.activity(visits=[("ROU", date(2002, 1, 8), date(2002, 1, 11), "Bucharest")], served=["ROU"],
                               title="Mission to Bucharest")
    later = factories.activity(visits=[("ROU", date(2002, 11, 5), date(2002, 11, 6))], served=["ROU"])
    cancelled = factories.activity(visits=[("ROU", date(2001, 12, 1), date(2001, 12, 2))], status="cancelled")
    for activity in (later, first, cancelled):
        activity.requests.append(request)
    session.commit()
    page = client.get(f"/requests/{request.id}").get_data(as_text=True)
    assert "<strong>6 days</strong> after the request was received" in page
    response = page[page.index("The response"):page.index("and the instruments concerned")]
    assert "Mission to Bucharest" in response and response.count("first response") == 1
    assert 'href="/instruments/UNTOC"' in page and 'href="/states/ROU"' in page
    treaty = page[page.index("and the instruments concerned"):page.index("Workflow")]
    assert "Ratification, 4 December 2002" in treaty  # Romania's UNTOC deposit, as the annex gives it


def test_a_reference_request_is_marked_inferred(client, login_as, session):
    login_as("officer")
    bih = db.session.scalar(sa.select(AssistanceRequest).filter_by(reference_key="request-para19-bosnia-and-"
                                                                                 "herzegovina"))
    page = client.get(f"/requests/{bih.id}").get_data(as_text=True)
    assert "<strong>Inferred.</strong>" in page and "A/58/165 para. 19" in page
    assert "Firearms Protocol" in page and ">inferred</span>" in page



def test_the_request_list_marks_inferred_instruments_in_their_column(client, login_as, session):
    """Para 19 names the States that asked, not what about: the list's instrument column carries the mark, and a
    request logged with its instruments stated does not."""
    login_as("officer")
    stated = factories.request("BOL", instruments=["TIP"], subject="Stated instruments")
    session.commit()
    page = client.get("/requests/?per_page=100&q=").get_data(as_text=True)
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    para19 = [r for r in rows if "Bosnia and Herzegovina" in r]
    assert para19 and all(re.search(r'</a>\s*<span class="badge text-bg-warning inferred-mark"', r.split("<td>")[4])
                          for r in para19)
    mine = next(r for r in rows if "Stated instruments" in r)
    assert "inferred-mark" not in mine and f"/requests/{stated.id}" in mine


# ------------------------------------------------------------------ my requests and the home page
def test_my_requests_and_the_home_panel(client, login_as, session):
    officer = login_as("officer")
    factories.request(assigned_officer=officer, received=TODAY - timedelta(days=20),
                                due_date=TODAY - timedelta(days=2), subject="Overdue one")
    factories.request(logged_by=officer, subject="Logged one")
    session.commit()
    page = client.get("/requests/mine").get_data(as_text=True)
    overdue_part = page[page.index('id="overdue"'):page.index('id="assigned"')]
    assert "Overdue one" in overdue_part and "Logged one" in page[page.index('id="logged"'):]
    home = client.get("/").get_data(as_text=True)
    assert "My requests" in home and 'href="/requests/?logged_by=' in home
    assert '<a class="text-danger" href="/requests/mine#overdue">1</a>' in home


def test_the_managers_figure_links_to_the_queue(client, login_as):
    login_as("manager")
    assert '<dd class="col-sm-9"><a href="/queue">15</a></dd>' in client.get("/").get_data(as_text=True)


# ------------------------------------------------------------------ the list and its exports
def _ids_of_list(client, query: str) -> list[int]:
    ids, page = [], 1
    while True:
        body = client.get(f"/api/v1/requests?{query}&per_page=7&page={page}").get_json()
        ids += [item["id"] for item in body["items"]]
        if page >= body["pages"]:
            return ids
        page += 1


@pytest.mark.parametrize("query", ["", "instrument=FIREARMS&sort=state", "regional_group=African&sort=-priority",
                                   "q=organized&status=pending", "age=not-recorded&sort=received_date"])
def test_exports_carry_exactly_the_filtered_rows(client, login_as, session, query):
    login_as("officer")
    factories.request("BOL", instruments=["UNTOC", "TIP"], subject="Organized crime bill",
                      received=date(2003, 5, 1), due_date=date(2003, 6, 1), priority="urgent")
    factories.request("NGA", instruments=["FIREARMS"], subject="=HYPERLINK(\"x\")", received=date(2003, 4, 1))
    session.commit()
    expected = _ids_of_list(client, query)
    assert expected  # every case selects something
    response = client.get(f"/requests.csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [int(r["id"]) for r in rows] == expected
    workbook = load_workbook(io.BytesIO(client.get(f"/requests.xlsx?{query}").data))
    sheet = list(workbook.active.iter_rows(values_only=True))
    header = list(sheet[0])
    assert [r[0] for r in sheet[1:]] == expected and header == list(rows[0].keys() if rows else header)
    by_id = {int(r["id"]): r for r in rows}
    bolivia = next((r for r in by_id.values() if r["subject"] == "Organized crime bill"), None)
    if bolivia:
        assert (bolivia["instruments"], bolivia["kind"], bolivia["kind_label"], bolivia["received_date"],
                bolivia["priority_label"], bolivia["state_code"]) == ("UNTOC\nTIP", "legislative_review",
                                                                      "Legislative review or drafting", "2003-05-01",
                                                                      "Urgent", "BOL")


def test_a_formula_in_a_subject_stays_text_in_the_exports(client, login_as, session):
    login_as("officer")
    request = factories.request("NGA", subject='=HYPERLINK("http://x")')
    session.commit()
    rows = list(csv.DictReader(io.StringIO(client.get("/requests.csv?q=hyperlink").get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    assert rows[0]["subject"] == "'" + request.subject
    sheet = load_workbook(io.BytesIO(client.get("/requests.xlsx?q=hyperlink").data)).active
    assert sheet["H2"].value == request.subject and sheet["H2"].data_type == "s"


def test_the_list_sorts_priority_by_urgency_not_alphabetically(client, login_as, session):
    login_as("officer")
    for priority in ("low", "urgent", "normal", "high"):
        factories.request(priority=priority, subject=f"prio-{priority}")
    session.commit()
    items = client.get("/api/v1/requests?q=prio-&sort=priority").get_json()["items"]
    assert [i["priority"] for i in items] == ["urgent", "high", "normal", "low"]
    page = client.get("/requests/?q=prio-&sort=priority").get_data(as_text=True)
    assert page.index("prio-urgent") < page.index("prio-high") < page.index("prio-normal") < page.index("prio-low")


def test_the_list_sorts_by_the_states_and_the_officers_names_unassigned_last_both_ways(client, login_as, make_user,
                                                                                        session):
    login_as("officer")
    ann, zoe = make_user("officer", name="Ann Sorting"), make_user("officer", name="Zoe Sorting")
    nga = factories.request("NGA", subject="namesort-nga", assigned_officer_id=ann.id)
    bol = factories.request("BOL", subject="namesort-bol", assigned_officer_id=zoe.id)
    none = factories.request("ARG", subject="namesort-none")
    session.commit()

    def subjects(query):
        items = client.get(f"/api/v1/requests?q=namesort-&{query}").get_json()["items"]
        return [i["subject"] for i in items]
    assert subjects("sort=state") == ["namesort-none", "namesort-bol", "namesort-nga"]  # Argentina, Bolivia, Nigeria
    assert subjects("sort=-state") == ["namesort-nga", "namesort-bol", "namesort-none"]
    assert subjects("sort=assigned") == [nga.subject, bol.subject, none.subject]
    assert subjects("sort=-assigned") == [bol.subject, nga.subject, none.subject]  # unassigned last both ways
    page = client.get("/requests/?q=namesort-&sort=-assigned").get_data(as_text=True)
    assert page.index("namesort-bol") < page.index("namesort-nga") < page.index("namesort-none")


@pytest.mark.parametrize("path", ["/queue", "/requests/", "/requests.csv", "/requests.xlsx", "/requests/mine",
                                  "/requests/new", "/api/v1/queue", "/api/v1/requests"])
def test_donors_are_refused(client, login_as, path):
    login_as("donor")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/requests/?received_from=2003-05-01&received_to=2003-01-01",
                                  "/requests/?assigned_officer=0", "/requests.csv?age=ancient",
                                  "/requests.xlsx?sort=password_hash"])
def test_bad_list_parameters_are_a_400(client, login_as, path):
    login_as("officer")
    assert client.get(path).status_code == 400


def test_an_unknown_officer_lists_nothing(client, login_as):
    """Any account id filters (as the API documents it): one that assigned nothing lists nothing, and stays shown."""
    login_as("officer")
    response = client.get("/requests/?assigned_officer=999999")
    assert response.status_code == 200 and "#999999" in response.get_data(as_text=True)


# ------------------------------------------------------------------ speed
def _grow_to(session, total: int, officer_id: int):
    """Add requests (some assigned, undated, overdue, answered by an activity) until there are `total`."""
    from models import User
    officer = session.get(User, officer_id)
    present = session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest))
    codes = ["BOL", "CHL", "THA", "NGA", "ROU", "PER"]
    for n in range(total - present):
        received = None if n % 5 == 0 else TODAY - timedelta(days=n)
        request = factories.request(codes[n % 6], instruments=["UNTOC", "TIP"][: 1 + n % 2], received=received,
                                    priority=["urgent", "high", "normal", "low"][n % 4],
                                    assigned_officer=officer if n % 3 else None, logged_by=officer,
                                    due_date=received + timedelta(days=n % 7 * 3) if received else None)
        if n % 4 == 0 or n % 10 == 1:  # on every page's first rows, at either size
            activity = factories.activity(served=["BOL"])
            activity.requests.append(request)
    session.commit()


@pytest.mark.parametrize("path", ["/queue", "/requests/?per_page=500", "/requests/mine", "/api/v1/queue?per_page=500",
                                  "/requests.csv"])
def test_pages_cost_the_same_queries_at_20_and_200_requests(client, login_as, session, path):
    manager_id = login_as("manager").id
    client.get(path)  # warm: the first request of a session signs in

    def cost():
        session.expunge_all()  # as a new request's session would be: nothing already loaded
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)
    _grow_to(session, 20, manager_id)  # the 15 of the reference record and 5 more of every shape
    small = cost()
    _grow_to(session, 200, manager_id)
    assert session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest)) == 200
    assert session.scalar(sa.select(sa.func.count()).select_from(Activity).where(Activity.title.like("Test %")))
    assert cost() == small, path
    # Signing in, the page's count and rows, one query per eager load, the figures, the header's bell (issue 28),
    # the list's saved views (issue 29).
    assert small <= 14, small


def test_one_navigation_entry_is_active(client, login_as):
    login_as("manager")
    request_id = db.session.scalar(sa.select(sa.func.min(AssistanceRequest.id)))
    for path, label in (("/requests/mine", "My requests"), ("/requests/", "Requests"),
                        (f"/requests/{request_id}", "Requests"), ("/queue", "Queue")):
        page = client.get(path).get_data(as_text=True)
        nav = page[:page.index("</nav>")]
        assert re.findall(r'<a class="[^"]*" href="[^"]+" aria-current="page">([^<]+)<', nav) == [label], path
