"""Screenshots of the pages the browser tests walk through, to look at: saved under test-results/screenshots/ only
when E2E_SCREENSHOTS is set (`E2E_SCREENSHOTS=1 make test`). A full-page PNG of every page at two widths was a
fifth of the browser tests' time, spent on files nobody opens in CI."""
import os
from pathlib import Path

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def wanted() -> bool:
    return os.environ.get("E2E_SCREENSHOTS", "") not in ("", "0", "off", "no")


def shot(page, name: str, full_page: bool = True) -> None:
    if wanted():
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
