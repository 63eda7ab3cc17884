"""Issue 29 items 1 and 2 in a real browser: an officer logs a mission with two visits and three experts with the
keyboard alone — pickers searched by typing (GET /api/v1/lookup/<kind>), rows added in place with the focus on
the new row, no page reload until Save."""
from tests.e2e.typeahead import pick


def type_into(page, selector: str, text: str) -> None:
    page.focus(selector)
    page.keyboard.type(text)


def add_row(page, list_name: str) -> None:
    """Press "Add another …" from the keyboard: the row appears in place and takes the focus."""
    page.focus(f"button[name=add][value={list_name}]")
    page.keyboard.press("Enter")


def focus_moves_to(page, element_id: str) -> None:
    """The new row takes the focus (once its picker is set up)."""
    page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=element_id,
                           timeout=5000)


def test_an_officer_logs_a_mission_with_two_visits_and_three_experts_by_keyboard(page, live_server, sign_in):
    sign_in("officer")
    page.goto(live_server["url"] + "/activities/new")
    page.wait_for_selector("#visits-0-country-ts-control")  # the pickers are set up
    loaded = page.evaluate("performance.getEntriesByType('navigation').length")
    type_into(page, "select[name=kind]", "Adv")
    type_into(page, "input[name=title]", "Keyboard mission to Bolivia and Peru")
    # In 2005: the live server is shared, and the activity browser test counts on its expert free in March 2004.
    for n, (city, country, label, start, end) in enumerate([("La Paz", "Boliv", "Bolivia", "05022005", "05042005"),
                                                             ("Lima", "Peru", "Peru", "05082005", "05092005")]):
        if n:
            add_row(page, "visits")
            focus_moves_to(page, f"visits-{n}-city")
        type_into(page, f"input[name='visits-{n}-city']", city)
        pick(page, f"visits-{n}-country", country, label)
        type_into(page, f"input[name='visits-{n}-start_date']", start)
        type_into(page, f"input[name='visits-{n}-end_date']", end)
    pick(page, "served", "Boliv", "Bolivia")
    for n, (typed, label) in enumerate([("Director, Centre", "Director, Centre"),
                                        ("Executive Director", "Executive Director"),
                                        ("Monetary", "International Monetary Fund")]):
        if n:
            add_row(page, "deployments")
            focus_moves_to(page, f"deployments-{n}-expert-ts-control")
        pick(page, f"deployments-{n}-expert", typed, label)
        type_into(page, f"input[name='deployments-{n}-role']", "lecturer")
    assert page.evaluate("performance.getEntriesByType('navigation').length") == loaded  # no reload so far
    page.focus("input[name=title]")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text box saves (the form's first submit button is Save)
    main = page.inner_text("main")
    assert "Saved “Keyboard mission to Bolivia and Peru”." in main, main[:300]
    assert "La Paz" in main and "Lima" in main
    assert "Director, Centre for International Crime Prevention — lecturer" in main
    assert "International Monetary Fund" in main and "Executive Director" in main
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_a_list_is_filtered_by_a_state_and_an_officer_picked_by_name(page, live_server, sign_in):
    """The request list's State and officer filters are pickers too: typed names, the keys sent, the chips in words."""
    sign_in("manager")
    page.goto(live_server["url"] + "/requests/")
    page.click("details.filter-fold > summary")  # the filters fold behind "Filter"
    pick(page, "state", "Boliv", "Bolivia")
    pick(page, "assigned_officer", "Nobo", "Nobody")  # a fixed choice beside the accounts
    with page.expect_navigation():
        page.click("form.filter-bar button[type=submit]")
    assert "state=BOL" in page.url and "assigned_officer=none" in page.url
    chips = page.inner_text(".filter-chips")
    assert "State: Bolivia (Plurinational State of) (BOL)" in chips and "Assigned officer: Nobody" in chips
    assert page.console_errors == []
