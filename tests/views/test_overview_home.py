"""The home page: each role sees the figures of its own scope."""
import re

import sqlalchemy as sa

from models import Organization, db


def figure(page: str, label: str) -> int:
    match = re.search(re.escape(label) + r"[^<]*</dt>\s*<dd[^>]*>(?:<a [^>]*>)?(\d+)(?:</a>)?</dd>", page)
    assert match, f"no figure {label!r}"
    return int(match.group(1))


def test_staff_see_the_whole_record(client, login_as):
    login_as("officer")
    page = client.get("/").get_data(as_text=True)
    assert figure(page, "Assistance activities") == 52  # 51 + the Monaco meeting (para. 11)
    assert figure(page, "Requests awaiting a decision") == 15
    assert figure(page, "Contributions") == 10
    # Each count a link to its rows (issue 29): the signatories and the parties to the instrument's page.
    rows = re.findall(r'<a href="/instruments/(\w+)"[^>]*>[^<]+</a></td>\s*<td class="text-end"><a [^>]*>\d+</a></td>'
                      r'\s*<td class="text-end"><a [^>]*>(\d+)</a></td>\s*<td class="text-nowrap">([^<]+)</td>', page)
    instruments = {code: (int(parties), eif) for code, parties, eif in rows}
    # The shipped 2014 tables are the record: the Trafficking Protocol in force since 2003, with 159 parties.
    assert instruments == {"UNTOC": (179, "29 September 2003"), "TIP": (159, "25 December 2003"),
                           "SOM": (138, "28 January 2004"), "FIREARMS": (109, "3 July 2005")}
    assert "counted deposit(s) still needed" not in page


def test_today_is_after_the_record_and_the_home_page_says_so(client, login_as):
    login_as("officer")
    page = re.sub(r"\s+", " ", re.sub(r"</?bdi>", "", client.get("/").get_data(as_text=True)))  # codes isolated
    assert ("The record holds deposits up to 1 January 2014 (UNTOC, TIP) and 1 July 2014 (SOM, FIREARMS); "
            "later deposits are not recorded, so the figures shown for ") in page


def test_a_donor_sees_its_own_figures_and_no_requests(client, login_as):
    canada = db.session.scalar(sa.select(Organization).filter_by(reference_key="canada"))
    login_as("donor", donor=canada)
    page = client.get("/").get_data(as_text=True)
    assert figure(page, "Contributions") == 2
    assert figure(page, "Assistance activities") < 52
    assert "Requests awaiting a decision" not in page
