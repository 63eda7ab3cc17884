"""An officer's path through the activity log in a real browser: a mission with two visits that answers a request
and deploys an expert, an overlapping deployment warned about, the calendar, a finding on the State's checklist.
Screenshots in test-results/screenshots/ when E2E_SCREENSHOTS is set."""
from tests.e2e.screenshots import shot
from tests.e2e.typeahead import pick


def log_mission(page, url: str, title: str, visits, expert_text: str, request_number: int | None = None) -> None:
    page.goto(url + "/activities/new")
    page.wait_for_selector("#visits-0-country-ts-control")
    page.select_option("select[name=kind]", "mission")
    page.fill("input[name=title]", title)
    for n, (city, country, start, end) in enumerate(visits):
        if n > 0:
            page.click("button[name=add][value=visits]")  # the row is added in place (form_rows.js)
        page.fill(f"input[name='visits-{n}-city']", city)
        pick(page, f"visits-{n}-country", country)
        page.fill(f"input[name='visits-{n}-start_date']", start)
        page.fill(f"input[name='visits-{n}-end_date']", end)
    pick(page, "served", visits[0][1])
    page.select_option("select[name=instruments]", ["UNTOC", "TIP"])
    if request_number:
        pick(page, "requests", f"#{request_number}")
    pick(page, "deployments-0-expert", expert_text)
    page.fill("input[name='deployments-0-role']", "legal adviser")
    page.click("form.activity-form .btn-primary[type=submit]")
    page.wait_for_load_state()


def test_an_officer_logs_missions_sees_the_calendar_and_records_a_finding(page, live_server, sign_in):
    url = live_server["url"]
    sign_in("officer")
    page.set_viewport_size({"width": 1280, "height": 900})

    log_mission(page, url, "Advisory mission to Bolivia on the Convention",
                [("La Paz", "BOL", "2004-03-01", "2004-03-04"), ("Santa Cruz", "BOL", "2004-06-07", "2004-06-08")],
                "Director, Centre", request_number=1)  # para 19's first request: Bolivia
    main = page.inner_text("main")
    assert "Saved “Advisory mission to Bolivia on the Convention”." in main
    assert "1 March 2004 – 4 March 2004" in main and "7 June 2004 – 8 June 2004" in main
    assert "Request #1" in main and "Director, Centre for International Crime Prevention — legal adviser" in main
    shot(page, "activity-logged")

    log_mission(page, url, "Workshop in Peru with the same expert", [("Lima", "PER", "2004-03-03", "2004-03-05")],
                "Director, Centre")
    warning = page.inner_text(".alert-warning")
    assert "also deployed on “Advisory mission to Bolivia on the Convention” from 1 March 2004 to 4 March 2004" \
        in warning
    shot(page, "overlap-warning")

    page.goto(url + "/activities/calendar?month=2004-03")
    calendar = page.inner_text("main")
    assert "La Paz" in calendar and "Lima" in calendar and "Advisory mission to Bolivia" in calendar
    shot(page, "calendar-march-2004")

    page.goto(url + "/findings/new?state=BOL")
    pick(page, "issue", "Liability of legal persons")
    pick(page, "activity", "Advisory mission to Bolivia")
    page.select_option("select[name=status]", "advice_given")
    page.fill("input[name=status_date]", "2004-03-04")
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    assert "Recorded “Liability of legal persons” for Bolivia" in page.inner_text("main")
    page.goto(url + "/states/BOL")
    checklist = page.inner_text("table.checklist")
    assert "Liability of legal persons" in checklist and "4 March 2004" in checklist
    shot(page, "state-checklist")
    assert page.console_errors == []


def test_bad_input_keeps_every_row_and_pages_fit_a_phone(page, live_server, sign_in):
    url = live_server["url"]
    sign_in("officer")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url + "/activities/new")
    page.select_option("select[name=kind]", "written_analysis")
    page.fill("input[name=title]", "<b>Analysis</b>")
    page.fill("input[name='visits-0-city']", "Phnom Penh")
    page.wait_for_selector("#visits-0-country-ts-control")
    pick(page, "visits-0-country", "KHM")
    page.fill("input[name='visits-0-start_date']", "2004-05-02")
    page.fill("input[name='visits-0-end_date']", "2004-05-01")
    page.click("form.activity-form .btn-primary[type=submit]")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "nothing was saved" in main and "Write plain text" in main and "The visit ends before it starts." in main
    assert page.input_value("input[name='visits-0-city']") == "Phnom Penh"
    assert page.input_value("input[name=title]") == "<b>Analysis</b>"
    shot(page, "form-bad-input-phone")
    for path, name in (("/activities/", "list-phone"), ("/activities/calendar?month=2002-11", "calendar-phone")):
        page.goto(url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 400, (path, width)  # tables scroll inside their box, the page does not
        shot(page, name, full_page=False)
    # The refused form answers 422 (the browser logs the status); nothing else: no CSP violation, no script error.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
