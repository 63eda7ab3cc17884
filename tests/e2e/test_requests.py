"""A request's path in a real browser: an officer logs it through the form, a manager finds it in the queue,
assigns it to the officer and approves it with a reason, the officer finds it under "my requests".

Screenshots of the form, the queue (wide and at 390 px) and the request page are saved to
test-results/screenshots/ when E2E_SCREENSHOTS is set."""
from datetime import date, timedelta

from tests.e2e.screenshots import shot
from tests.e2e.session import sign_out
from tests.e2e.typeahead import pick

SUBJECT = "E2E review of the draft law on organized crime"





def test_log_assign_approve_and_find_under_my_requests(page, live_server, sign_in):
    url = live_server["url"]
    today = date.today()

    # An officer logs the request through the form.
    sign_in("officer")
    page.goto(url + "/requests/new")
    pick(page, "state", "Bosnia")  # the static script shows its status beside each instrument
    assert page.inner_text("[data-note-for=UNTOC]") == "already a party since 24 April 2002"
    pick(page, "state", "Iran", replace=True)  # signed in 2000, not a party in the 2014 tables
    assert "already a party" not in page.inner_text("[data-note-for=UNTOC]")
    page.check("input[name=instruments][value=UNTOC]")
    page.check("input[name=instruments][value=TIP]")
    page.select_option("select[name=kind]", "legislative_review")
    page.fill("input[name=received_date]", (today - timedelta(days=40)).isoformat())
    page.select_option("select[name=channel]", "note_verbale")
    page.fill("input[name=requesting_authority]", "Ministry of the Interior")
    page.fill("input[name=subject]", SUBJECT)
    page.fill("textarea[name=description]", "Comments on the participation offence (art. 5).")
    page.select_option("select[name=priority]", "high")
    page.fill("input[name=due_date]", (today + timedelta(days=20)).isoformat())
    shot(page, "request-form")
    page.click("main form.request-form [type=submit]")
    page.wait_for_load_state()
    assert "/requests/" in page.url and "logged" in page.inner_text("main")
    request_path = page.url.removeprefix(url)
    request_id = request_path.rsplit("/", 1)[-1]
    assert page.console_errors == []
    sign_out(page)

    # A manager finds it in the queue, assigns it to the officer and approves it with a reason.
    sign_in("manager")
    page.goto(url + "/")
    page.click("main a[href='/queue']")  # the home page's "requests awaiting a decision" figure
    page.wait_for_load_state()
    assert page.url.endswith("/queue")
    assert "31–90 days" in page.inner_text(".queue-buckets")
    row = page.locator(f"#request-{request_id}")
    assert SUBJECT in row.inner_text()
    row.locator("input[name=requests]").check()
    page.click("details.triage-fold > summary")  # the triage bar, folded until asked for
    pick(page, "officer", "officer@e2e.test")  # the officer's picker: active officers and managers
    page.click("#bulk-assign-button")
    page.wait_for_load_state()
    assert "1 request assigned" in page.inner_text("main")
    row = page.locator(f"#request-{request_id}")
    assert "officer" in row.inner_text().lower()
    shot(page, "queue")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "queue-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    row.locator("summary").click()
    row.locator("textarea[name=reason]").fill("Draft law ready; the Ministry asked for comments by the due date.")
    row.locator("button", has_text="Approve").click()
    page.wait_for_load_state()
    assert page.url.endswith("/queue") and f"Request #{request_id}" in page.inner_text("main")
    assert page.locator(f"#request-{request_id}").count() == 0  # decided: it left the queue
    page.goto(url + request_path)
    text = page.inner_text("main")
    assert "Approved" in text and "Draft law ready" in text and "Pending → Approved" in text
    shot(page, "request-page")
    assert page.console_errors == []
    sign_out(page)

    # The officer sees it under "my requests".
    sign_in("officer")
    page.click("nav button:has-text('Casework')")  # the menu that holds it
    page.click("nav >> text=My requests")
    page.wait_for_load_state()
    assigned = page.inner_text("main")
    assert SUBJECT in assigned[assigned.index("Assigned to me"):assigned.index("Logged by me")]
    assert SUBJECT in assigned[assigned.index("Logged by me"):]
    shot(page, "my-requests")
    page.click("nav button:has-text('Casework')")
    page.click("nav a[href='/requests/']")
    page.wait_for_load_state()
    assert SUBJECT in page.inner_text("main") and "Download these" in page.inner_text("main")
    shot(page, "request-list")
    assert page.console_errors == []


def test_a_form_with_bad_input_keeps_it_and_says_why(page, live_server, sign_in):
    sign_in("officer")
    page.goto(live_server["url"] + "/requests/new?state=NAM")
    page.fill("input[name=subject]", "<b>Bold</b> request")
    page.fill("input[name=received_date]", (date.today() + timedelta(days=2)).isoformat())
    page.click("main form.request-form [type=submit]")
    page.wait_for_load_state()
    assert page.locator("#subject-error").inner_text().startswith("Write plain text")
    assert "is in the future" in page.locator("#received_date-error").inner_text()
    assert "Choose at least one instrument" in page.locator("#instruments-error").inner_text()
    assert page.input_value("input[name=subject]") == "<b>Bold</b> request"
    assert page.inner_text("[data-note-for=UNTOC]") == "already a party since 16 August 2002"
    shot(page, "request-form-errors")
    # The refusal is a 422 (the browser notes the status); nothing else may go wrong (no CSP violation).
    assert [e for e in page.console_errors if "status of 422" not in e] == []
