"""The mix `make bench` (bench/run.py) loads each page with: many visits, each as another account of the page's
role opening another record, list page or filter (a page with the account's session cookie, the API with its
token), so that no two visits in a row ask the same thing (a repeat of one address by one account is what a page
cache serves; real use is not that). Written as a file of requests that bench/mix.lua (wrk) or bench/loadgen.py
replays in turn."""
from __future__ import annotations

import itertools
from pathlib import Path

from run_settings import FILTERS, LANGUAGES, PREFIXES, RECORDS_PER_KIND, ROOT, YEARS

#: The header the served app (bench/served.py) reads to file each request's server time under its page.
PAGE_HEADER = "X-Bench-Page"


def _filters_for(template: str) -> list[str]:
    path = template.split("?")[0]
    return FILTERS.get(path, [""])


def visits(name: str, role: str, template: str, extra: dict, people: dict) -> list[tuple[str, dict]]:
    """RECORDS_PER_KIND visits of one page: (path, headers), each drawn from the sampled records in turn."""
    accounts = people["accounts"][role]
    records = people["records"]
    filters = _filters_for(template)
    pages = records["list_pages"]
    made = []
    for i in range(RECORDS_PER_KIND):
        values = {
            "request": records["requests"][i % len(records["requests"])],
            "activity": records["activities"][i % len(records["activities"])],
            "state": records["states"][i % len(records["states"])],
            "instrument": records["instruments"][i % len(records["instruments"])],
            # pages and filters step at different rates, so that every pair comes up
            "page": pages[(i * 7) % len(pages)], "page_small": 1 + i % 3,
            "filter": filters[(i // 3) % len(filters)],
            "prefix": PREFIXES[i % len(PREFIXES)], "year": YEARS[i % len(YEARS)],
        }
        headers = {**credentials(template, accounts[i % len(accounts)]), PAGE_HEADER: name, **extra}
        made.append((template.format(**values), headers))
    return made


def credentials(template: str, account: dict) -> dict:
    """How the account asks: the API with its bearer token, a page with its browser's session cookie (signed in
    through the form: bench/run_sign_in.py), as people do. A page asked with a token and no cookie would have no
    session to keep its CSRF secret in, so each visit would make a new one and no page could ever be kept: the
    cache's hit rate would say nothing."""
    if template.startswith("/api/") or "cookie" not in account:
        return {"Authorization": f"Bearer {account['token']}"}
    return {"Cookie": account["cookie"]}


def missing_language(name: str) -> str | None:
    """Why a page in another language cannot be measured yet (issue 30), or None when it can."""
    language = LANGUAGES.get(name)
    if language is None:
        return None
    found = itertools.chain((ROOT / "app" / "translations").glob(f"{language}*/LC_MESSAGES/messages.mo"),
                            (ROOT / "translations").glob(f"{language}*/LC_MESSAGES/messages.mo"))
    return None if next(found, None) else f"no compiled {language} translation (issue 30; make translations-compile)"


def write(path: Path, made: list[tuple[str, dict]]) -> Path:
    """One request a line for bench/mix.lua: the path, then each header as `Name: value`, separated by tabs."""
    path.write_text("".join("\t".join([target, *(f"{k}: {v}" for k, v in headers.items())]) + "\n"
                            for target, headers in made))
    return path
