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
    assert "Organized Crime Convention" in page and "12 counted deposit(s) still needed" in page  # TIP: 28 of 40


def test_a_donor_sees_its_own_figures_and_no_requests(client, login_as):
    canada = db.session.scalar(sa.select(Organization).filter_by(reference_key="canada"))
    login_as("donor", donor=canada)
    page = client.get("/").get_data(as_text=True)
    assert figure(page, "Contributions") == 2
    assert figure(page, "Assistance activities") < 52
    assert "Requests awaiting a decision" not in page
