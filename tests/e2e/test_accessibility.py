"""Every main page for each role, in Chromium at a laptop's width (1366 px) and a phone's (390 px): no violation of
axe-core's WCAG 2.2 A and AA rules, whatever its impact, nothing wider than the screen, no console error; a
screenshot of each saved under test-results/screenshots/ when E2E_SCREENSHOTS is set (to look at). The pages are
tests/main_pages.py's: add yours there.

And the navigation on a phone: collapsed behind its button, opened by Bootstrap's own script, a skip link first,
a focus ring that shows on the dark bar.
"""
import pytest

from tests.e2e.axe import axe_violations, load_axe, widest, with_axe
from tests.e2e.screenshots import shot
from tests.e2e.session import noting_console_errors, sign_in
from tests.main_pages import ROLE_PAGES

WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}


def test_the_vendored_axe_knows_the_rules_of_wcag_2_2(page):
    load_axe(page)
    version, rules = page.evaluate("() => [axe.version, axe.getRules(['wcag22aa']).map(r => r.ruleId)]")
    assert tuple(int(n) for n in version.split(".")[:2]) >= (4, 5), version
    assert "target-size" in rules  # 2.5.8, new in WCAG 2.2


@pytest.fixture(scope="module")
def page_of(browser, live_server):
    """One signed-in tab per role, kept for the module: one test per page and role without signing in each time."""
    tabs = {}

    def tab(role):
        if role not in tabs:
            page = noting_console_errors(with_axe(browser.new_context()).new_page())
            if role != "anonymous":
                sign_in(page, live_server, role)
            tabs[role] = page
        tabs[role].console_errors.clear()
        return tabs[role]

    yield tab
    for page in tabs.values():
        page.context.close()


@pytest.mark.parametrize("role, main", ROLE_PAGES, ids=lambda v: getattr(v, "name", v))
def test_every_main_page_is_accessible_and_fits_a_phone(page_of, live_server, role, main):
    page = page_of(role)
    problems = []
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(live_server["url"] + main.path)
        assert response.status == 200, f"{main.path}: {response.status}"
        shot(page, f"{role}-{main.name}-{label}")
        if widest(page) > width:
            problems.append(f"{main.path}: {widest(page)} px wide on a {width} px screen")
        problems += [f"{main.path} at {width} px: {v}" for v in axe_violations(page)]
    assert not problems, "\n".join(problems)  # every line in full (a list's diff cuts them)
    assert page.console_errors == []  # no CSP violation, no script error


def test_on_a_phone_the_menu_opens_with_bootstraps_script_and_shows_the_current_page(page, live_server, sign_in):
    sign_in("admin")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server["url"] + "/states/BOL")
    bar = page.locator("nav.navbar").bounding_box()
    assert bar["height"] < 80  # a bar, not a 250 px block
    menu = page.locator("#main-menu")
    assert not menu.is_visible()
    page.click("button.navbar-toggler")
    page.wait_for_selector("#main-menu.collapse.show")  # opened, its transition over
    treaties = page.locator("#menu-treaties")
    assert "active" in treaties.get_attribute("class")  # the menu holding the current page
    treaties.click()
    current = page.locator('#main-menu a[aria-current="page"]')
    assert current.count() == 1 and current.inner_text() == "States" and current.is_visible()
    shot(page, "admin-menu-open-phone")
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_the_skip_link_comes_first_and_the_focus_ring_shows_on_the_dark_bar(page, live_server, sign_in):
    sign_in("officer")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server["url"] + "/instruments/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("e => e === document.activeElement") and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.goto(live_server["url"] + "/instruments/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the brand, on the dark bar
    ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [document.activeElement.className, s.outlineStyle, s.outlineWidth, s.outlineColor]; }""")
    assert ring[0] == "navbar-brand" and ring[1] == "solid" and ring[2] == "3px" and ring[3] == "rgb(255, 191, 71)"


def test_the_search_in_the_bar_finds_a_state_by_a_former_name(page, live_server, sign_in):
    sign_in("officer")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server["url"] + "/")
    page.fill("#nav-search-q", "Yugoslavia")
    page.press("#nav-search-q", "Enter")
    page.wait_for_load_state()
    page.click("#found-states a:text('Serbia')")
    page.wait_for_load_state()
    assert page.url.endswith("/states/SRB")
    assert page.console_errors == []
