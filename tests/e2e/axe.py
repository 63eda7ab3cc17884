"""axe-core (vendored under vendor/, its licence beside it) run in the page as shown, and the width a page takes: what
every browser walk of the main pages checks (test_accessibility.py in English, test_languages_browser.py in the
other languages)."""
from pathlib import Path

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")

#: The rules of WCAG 2.2 at levels A and AA, the criteria the issue checks (issue 29: "axe-core with WCAG 2.2 AA
#: rules on every page, 0 violations"). axe files each rule under the version that introduced its criterion, so all
#: five tags together are "2.2 AA"; axe's best practices and AAA rules are not asked for.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def load_axe(page) -> None:
    # Evaluated through the debugging protocol: the page's CSP (script-src 'self') does not apply to it.
    page.evaluate("() => { " + AXE + "\n}")


def with_axe(context):
    """`context` with axe-core in every page it opens, before the page's own scripts (through the debugging protocol
    too): a walk of many pages then sends its 560 KB once, not once a page."""
    context.add_init_script(script=AXE)
    return context


_RUN = """async (tags) => {
    if (typeof axe === "undefined") { return null; }
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return result.violations.map(v => `${v.impact} ${v.id}: ${v.help} — `
                  + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


def axe_violations(page) -> list[str]:
    """Every violation of axe-core's WCAG 2.2 A and AA rules on the page as shown, whatever its impact, one line
    each."""
    found = page.evaluate(_RUN, WCAG_22_AA)
    if found is None:  # a page of a context made without `with_axe`
        load_axe(page)
        found = page.evaluate(_RUN, WCAG_22_AA)
    return found


def widest(page) -> int:
    """The width the page takes, in CSS pixels (wider than the screen: it scrolls sideways)."""
    return page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
