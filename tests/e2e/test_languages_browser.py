"""Every main page for each role in the other languages, in Chromium (issue 30, "How it will be checked").

Arabic at a laptop's width (1366 px) and a phone's (390 px): `<html lang="ar" dir="rtl">`, nothing wider than the
screen, no console error, no violation of axe-core's WCAG 2.2 A and AA rules at the laptop's width (axe reads the
document, not its direction: the phone's width is axe-checked in the English walk, and a second axe run per page was
a sixth of this walk's time), and the page reads from the right: the brand at the right end of the bar, the main
heading's text against the right edge of its box, every arrow written as text turned round (`.dir-arrow`) and none
left pointing the English way, the charts' labels on the side of their line the chart chose (their axes stay left to
right). French and Spanish at the laptop's width:
`lang`, `dir="ltr"`, nothing wider than the screen, axe. The pages are tests/main_pages.py's, as in the English
walk (test_accessibility.py); screenshots under test-results/screenshots/ with E2E_SCREENSHOTS=1.

Each tab asks for its language the way a browser set to it does (Accept-Language, the context's locale): the
accounts keep no choice of their own, so the other browser tests sharing this live server see English whatever ran
here. The header's switcher is driven once, on the sign-in page, and put back.
"""
import pytest

from tests.e2e.axe import axe_violations, widest
from tests.e2e.screenshots import shot
from tests.e2e.session import noting_console_errors, sign_in
from tests.main_pages import ROLE_PAGES

WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}
#: Each language and the widths it is walked at: Arabic at both (its layout is the one that turns round), the
#: left-to-right ones at one (their layout is the English one, with longer words).
LANGUAGES = {"ar": ("laptop", "phone"), "fr": ("laptop",), "es": ("laptop",)}
WALK = [(language, role, main) for language in LANGUAGES for role, main in ROLE_PAGES]

#: Read from the page as shown: where the brand and the main heading's text sit, how the arrows are turned, and the
#: text of any arrow left as a character outside `.dir-arrow` (the translations write Arabic's own arrow, "←").
RTL_FACTS = """() => {
    const width = document.documentElement.clientWidth;
    const brand = document.querySelector(".navbar-brand").getBoundingClientRect();
    const heading = document.querySelector("main h1");
    let text = null, box = null;
    if (heading) {
        const range = document.createRange();
        range.selectNodeContents(heading);
        text = range.getBoundingClientRect();
        box = heading.getBoundingClientRect();
    }
    const main = getComputedStyle(document.querySelector("main"));
    const turned = [...document.querySelectorAll(".dir-arrow")].map(a => getComputedStyle(a).transform);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const english = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.nodeValue.includes("\u2192") && !node.parentElement.closest(".dir-arrow, [dir=ltr]")) {
            english.push(node.nodeValue.trim().slice(0, 80));
        }
    }
    // A chart's label (SVG) drawn on the side of its x the chart chose: its start at x, or its end (text-anchor).
    const misplaced = [];
    for (const label of document.querySelectorAll("svg text")) {
        const anchor = label.getAttribute("text-anchor") || "start";
        if (anchor === "middle" || !label.getClientRects().length) { continue; }
        const x = parseFloat(label.getAttribute("x")), box = label.getBBox();
        if (Math.abs((anchor === "start" ? box.x : box.x + box.width) - x) > 1.5) {
            misplaced.push(label.textContent.trim().slice(0, 40));
        }
    }
    return {width, misplaced, brandLeft: brand.left, brandRight: brand.right, direction: main.direction,
            align: main.textAlign, heading: heading ? heading.textContent.trim().slice(0, 60) : null,
            textRight: text && text.right, boxRight: box && box.right, turned, english};
}"""


def rtl_problems(page, where: str) -> list[str]:
    """What on an Arabic page does not read from the right."""
    facts = page.evaluate(RTL_FACTS)
    problems = []
    if facts["direction"] != "rtl" or facts["align"] not in ("start", "right"):
        problems.append(f"{where}: main is {facts['direction']}, text-align {facts['align']}")
    if facts["brandRight"] < facts["width"] - 40 or facts["brandLeft"] < facts["width"] / 2:
        problems.append(f"{where}: the brand is at {facts['brandLeft']:.0f}–{facts['brandRight']:.0f} px, "
                        f"not at the right end of {facts['width']} px")
    if facts["heading"] is None:
        problems.append(f"{where}: no h1 in main")
    elif abs(facts["textRight"] - facts["boxRight"]) > 2:  # its text starts at the right edge of its box
        gap = facts["boxRight"] - facts["textRight"]
        problems.append(f"{where}: the heading «{facts['heading']}» starts {gap:.0f} "
                        "px from the right edge")
    unturned = [t for t in facts["turned"] if t != "matrix(-1, 0, 0, 1, 0, 0)"]
    if unturned:
        problems.append(f"{where}: {len(unturned)} arrow(s) not turned round: {unturned[:3]}")
    if facts["misplaced"]:
        problems.append(f"{where}: chart labels on the wrong side of their place: {facts['misplaced'][:3]}")
    if facts["english"]:
        problems.append(f"{where}: an arrow pointing the English way in {facts['english'][:3]}")
    return problems


@pytest.fixture(scope="module")
def tab_in(browser, live_server):
    """One signed-in tab per role in one language at a time (the walk goes language by language): the tabs of the
    language before are closed when the next one starts. axe-core is loaded into a page only when it is run (once a
    page, at the laptop's width; `axe_violations`), not into every page by `with_axe`: compiling its 560 KB took
    about 0.15 s a visit, wasted on the Arabic walk's phone-width visits, and costs the same either way when run."""
    tabs = {}

    def tab(language, role):
        for key in [k for k in tabs if k[0] != language]:
            tabs.pop(key).context.close()
        if (language, role) not in tabs:
            page = noting_console_errors(browser.new_context(locale=language).new_page())
            if role != "anonymous":
                sign_in(page, live_server, role)
            tabs[(language, role)] = page
        tabs[(language, role)].console_errors.clear()
        return tabs[(language, role)]

    yield tab
    for page in tabs.values():
        page.context.close()


@pytest.mark.parametrize("language, role, main", WALK, ids=lambda v: getattr(v, "name", v))
def test_every_main_page_in_each_language(tab_in, live_server, language, role, main):
    page = tab_in(language, role)
    direction = "rtl" if language == "ar" else "ltr"
    problems = []
    for label in LANGUAGES[language]:
        width, height = WIDTHS[label]
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(live_server["url"] + main.path)
        assert response.status == 200, f"{main.path}: {response.status}"
        shot(page, f"{language}-{role}-{main.name}-{label}")
        where = f"{main.path} at {width} px"
        said = page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]")
        if said != [language, direction]:
            problems.append(f"{where}: <html lang={said[0]!r} dir={said[1]!r}>")
        # A table box that scrolls is a region named by its caption, else by the word "table" in this language.
        if page.locator(".table-responsive[role=region][aria-label=Table]").count():
            problems.append(f"{where}: a scrolling table named in English")
        if widest(page) > width:  # on a laptop too: the bar's longer words pushed its language menu off the screen
            problems.append(f"{where}: {widest(page)} px wide")
        if direction == "rtl":
            problems += rtl_problems(page, where)
        if label == "laptop":  # axe once a language: at the phone's width its findings are the English walk's
            problems += [f"{where}: {v}" for v in axe_violations(page)]
    assert not problems, "\n".join(problems)
    assert page.console_errors == []  # no CSP violation, no script error


def test_in_arabic_the_calendar_goes_back_to_the_right(tab_in, live_server):
    """The month before is at the right, where an Arabic line starts, its arrow pointing right; the month after at
    the left, pointing left."""
    page = tab_in("ar", "officer")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server["url"] + "/activities/calendar?month=2002-11")
    before = page.locator("nav a[href*='month=2002-10']")
    after = page.locator("nav a[href*='month=2002-12']")
    assert before.bounding_box()["x"] > after.bounding_box()["x"] + after.bounding_box()["width"]
    # The arrow's glyph is "←", drawn mirrored: pointing right, toward the start of the line.
    arrow = before.locator(".dir-arrow")
    assert arrow.inner_text() == "←"
    assert arrow.evaluate("a => getComputedStyle(a).transform") == "matrix(-1, 0, 0, 1, 0, 0)"


def test_the_headers_switcher_turns_the_sign_in_page_to_arabic_and_back(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server["url"] + "/login")
    page.click("#language-menu")
    page.click(".language-switcher button[value=ar]")
    page.wait_for_load_state()
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert page.url.endswith("/login")  # back on the page it was chosen on
    page.click("#language-menu")
    menu = page.locator(".language-switcher .dropdown-menu").bounding_box()
    assert menu["x"] >= 0 and menu["x"] + menu["width"] <= 390  # opened inside the screen, from the left end
    shot(page, "ar-anonymous-language-menu-phone", full_page=False)
    page.click(".language-switcher button[value=en]")
    page.wait_for_load_state()
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == ["en", "ltr"]
    assert page.console_errors == []


def test_in_arabic_a_picker_reads_from_the_right_with_its_buttons_on_the_left(tab_in, live_server):
    """Tom Select marks a right-to-left picker on its wrapper, its stylesheet looks for the mark on the control:
    palermo.css puts the caret's and the clear button's room on the left, where the text ends."""
    page = tab_in("ar", "officer")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server["url"] + "/requests/new?state=BIH")
    page.wait_for_selector("#state-ts-control")
    boxes = page.evaluate("""() => {
        const wrapper = document.querySelector("#state-ts-control").closest(".ts-wrapper");
        const box = e => e.getBoundingClientRect().toJSON();
        return {rtl: wrapper.classList.contains("rtl"), control: box(wrapper.querySelector(".ts-control")),
                item: box(wrapper.querySelector(".item")), clear: box(wrapper.querySelector(".clear-button"))};
    }""")
    assert boxes["rtl"]
    control, item, clear = boxes["control"], boxes["item"], boxes["clear"]
    assert control["right"] - item["right"] < 20  # the chosen State starts at the right (.75rem in)
    assert clear["right"] < control["left"] + 80  # the clear button at the left, beside the caret
    assert clear["right"] < item["left"]  # not over the text


def test_in_arabic_a_records_english_text_reads_left_to_right(tab_in, live_server):
    """Free text of the record (a description, a comment, a report) takes the direction of its own first letter
    (dir="auto"): an English description in an Arabic page keeps its full stop at its end, on the right."""
    page = tab_in("ar", "officer")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server["url"] + "/activities/1")
    description = page.locator("main p", has_text="Met to consider").first
    assert description.inner_text().strip().endswith(".")
    assert description.evaluate("p => getComputedStyle(p).direction") == "ltr"
    # The full stop is drawn at the right end of the last line, not carried to its left as in a right-to-left line.
    stop = description.evaluate("""p => {
        const text = p.firstChild, range = document.createRange();
        range.setStart(text, text.length - 1); range.setEnd(text, text.length);
        const line = document.createRange(); line.selectNodeContents(p);
        const rects = line.getClientRects();
        return [range.getBoundingClientRect().right, rects[rects.length - 1].right];
    }""")
    assert abs(stop[0] - stop[1]) < 2
