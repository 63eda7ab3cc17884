""""States your contributions reached" is one figure: on the reference record, Canada's home page, its portal and
/outcomes by donor (the donor's own view and the staff's) all give the same number, worked out by hand: the States
served by the missions and seminars Canada paid for (A/58/165 paras 16-17, the record's inference) and Cambodia's
written analysis. They used to say 14 on the home page and portal and 22 on /outcomes."""
import re

import sqlalchemy as sa

from models import Organization, db

#: Romania, Bolivia, China, Guinea-Bissau, North Macedonia, Mali, Cabo Verde, Nigeria, Haiti, the Russian
#: Federation, Indonesia, Ukraine, Belarus, Cambodia: the States served by what Canada paid for.
CANADA_REACHED = 14


def _canada():
    return db.session.scalar(sa.select(Organization).where(Organization.name == "Canada"))


def _reached(page: str, marker: str) -> int:
    return int(re.search(marker + r'[^>]*>\s*(\d+)\s*<', page).group(1))


def test_the_home_page_the_portal_and_outcomes_give_one_figure(client, login_as):
    canada = _canada()
    login_as("donor", donor=canada)
    home = client.get("/").get_data(as_text=True)
    portal = client.get("/funding/").get_data(as_text=True)
    outcomes = client.get("/outcomes/").get_data(as_text=True)
    assert _reached(home, 'class="states-reached"') == CANADA_REACHED
    assert _reached(portal, 'class="text-muted states-reached"') == CANADA_REACHED
    row = outcomes[outcomes.index('id="breakdown-donor"'):]
    row = row[row.index(">Canada"):]
    assert _reached(row, 'class="states-reached"') == CANADA_REACHED
    assert "the figure of each donor&#39;s home page and portal" in outcomes or \
        "the figure of each donor's home page and portal" in outcomes


def test_staff_see_the_same_figure_for_canada_on_outcomes(client, login_as):
    login_as("officer")
    outcomes = client.get("/outcomes/").get_data(as_text=True)
    table = outcomes[outcomes.index('id="breakdown-donor"'):]
    row = table[table.index(">Canada"):]
    assert _reached(row, 'class="states-reached"') == CANADA_REACHED
    portal = client.get(f"/funding/donors/{_canada().id}").get_data(as_text=True)
    assert _reached(portal, 'class="text-muted states-reached"') == CANADA_REACHED


def test_the_donor_home_panel_marks_the_activities_linked_by_inference(client, login_as):
    """Canada's 16 funded activities: 14 missions and seminars of paras 16-17 the record links to its money by
    inference (the source names the project's donors), and 2 expert group meetings the source says it funded."""
    login_as("donor", donor=_canada())
    home = client.get("/").get_data(as_text=True)
    panel = home[home.index('class="mt-4 home-funding"'):]
    assert re.search(r"16 activities funded</a> \(<a class=\"activities-inferred\" [^>]*>14</a> of them\s*"
                     r"<span class=\"badge text-bg-warning inferred-mark\"", panel)


def test_outcomes_by_donor_marks_the_funding_the_record_infers(client, login_as):
    login_as("officer")
    outcomes = client.get("/outcomes/").get_data(as_text=True)
    start = outcomes.index('id="breakdown-donor"')
    table = outcomes[start:outcomes.index("</table>", start)]
    canada = re.search(r'<th scope="row">Canada(.*?)</th>', table, re.S).group(1)
    assert "inferred-mark" in canada and "linked by inference" in canada
