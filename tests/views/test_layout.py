"""Every main page, for each role: one current navigation entry at most, a skip link, tables that scroll in their
own box, native date inputs, nothing the Content-Security-Policy would block, a Cancel beside every submit."""
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from models import Organization, db
from tests.helpers import inline_code
from tests.main_pages import ROLE_PAGES

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture()
def as_role(login_as):
    def sign_in(role):
        if role == "donor":
            return login_as("donor", donor=db.session.scalar(sa.select(Organization).filter_by(reference_key="canada")))
        if role != "anonymous":
            return login_as(role)
    return sign_in


def nav_of(page: str) -> str:
    return page[page.index('<nav class="navbar'):page.index("</nav>")]


@pytest.mark.parametrize("role, main", ROLE_PAGES, ids=lambda v: getattr(v, "name", v))
def test_each_main_page_is_built_to_work_on_any_screen(client, as_role, role, main):
    as_role(role)
    response = client.get(main.path)
    assert response.status_code == 200, main.path
    page = response.get_data(as_text=True)
    nav = nav_of(page)
    assert nav.count('aria-current="page"') <= 1 and nav.count(" active") <= 1
    assert '<a class="skip-link visually-hidden-focusable" href="#main">' in page and '<main id="main"' in page
    assert page.count("<table") == len(re.findall(r'<div class="table-responsive"[^>]*>\s*<table', page))
    for tag in re.findall(r"<input[^>]*>", page):
        if re.search(r'name="(as_of|\w*_date|date_\w+)"', tag):
            assert 'type="date"' in tag, tag
    assert inline_code(page) == []
    if role != "anonymous":
        assert 'data-bs-toggle="collapse"' in nav and 'src="/bootstrap/static/js/bootstrap.min.js?v=' in page


@pytest.mark.parametrize("path, current", [
    ("/instruments/", "/instruments/"), ("/instruments/UNTOC", "/instruments/"), ("/states/BOL", "/states/"),
    ("/treaties/actions/new", "/states/"), ("/reports/ratification-status", "/reports/ratification-status"),
    ("/admin/users", "/admin/users"), ("/treaties/import", "/treaties/import"),
])
def test_exactly_one_navigation_entry_is_current(client, login_as, path, current):
    login_as("admin")
    nav = nav_of(client.get(path).get_data(as_text=True))
    assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == [current]
    assert nav.count(" active") == 1  # the entry, or the menu that holds it


def test_the_navigation_is_grouped_in_menus_by_area(client, login_as):
    admin = login_as("admin")
    nav = nav_of(client.get("/").get_data(as_text=True))
    menus = re.findall(r'id="menu-[a-z]+"\s+data-bs-toggle="dropdown" aria-expanded="false">([^<]+)</button>', nav)
    assert menus == ["Treaties", "Casework", "Funding", "Administration"]
    # One's own account is a menu of its own: the name, then the role, the profile and signing out inside it.
    account = nav[nav.index('id="account-menu"'):]
    assert account.index(admin.name) < account.index("Administrator") < account.index('href="/account/profile"') \
        < account.index('action="/logout"')
    assert 'role="search"' in nav and 'action="/search"' in nav


def test_the_home_page_needs_no_menu_entry_and_has_none_current(client, login_as):
    login_as("officer")
    nav = nav_of(client.get("/").get_data(as_text=True))
    assert 'aria-current="page"' not in nav and " active" not in nav


def test_every_form_offers_a_cancel_beside_its_submit():
    """Every form rendered by the form macro names where Cancel goes (the sign-in form has nowhere to go back to)."""
    calls = []
    for path in TEMPLATES.rglob("*.html"):
        if "_macros" in path.parts:
            continue
        text = path.read_text()
        for call in re.findall(r"render_form\((.*?)\) }}", text, re.S):
            calls.append((path.name, call))
    assert calls
    missing = [name for name, call in calls if "cancel=" not in call and name != "login.html"]
    assert missing == []


def test_a_refused_form_ties_each_message_to_its_field_and_announces_the_summary(client, login_as):
    from tests.conftest import csrf_token
    login_as("officer")
    response = client.post("/treaties/actions/new", data={
        "participant": "BOL", "instrument": "UNTOC", "kind": "ratification", "action_date": "2003-02-30",
        "csrf_token": csrf_token(client, "/treaties/actions/new")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    field = re.search(r'<input[^>]*name="action_date"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="action_date-help action_date-error"' in field
    assert 'type="date"' in field and 'value="2003-02-30"' in field  # the input is kept
    assert '<div class="alert alert-danger" role="alert" tabindex="-1">' in page
    assert '<a href="#action_date">Date of the action</a>' in page
    assert '<a class="btn btn-link" href="/states/BOL">Cancel</a>' in page


def test_flashed_messages_are_announced(client, login_as):
    from tests.conftest import csrf_token
    admin = login_as("admin")
    client.post(f"/admin/users/{admin.id}/deactivate", data={"csrf_token": csrf_token(client, "/")})
    page = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert re.search(r'<div class="alert alert-danger" role="alert">[^<]*cannot deactivate your own account', page)


def test_the_audit_trail_links_each_record_to_its_page(client, login_as):
    login_as("admin")
    page = client.get("/admin/audit?record_type=Instrument").get_data(as_text=True)
    assert re.search(r'<a href="/instruments/UNTOC">Instrument #\d+</a>', page)
    users = client.get("/admin/audit?record_type=User").get_data(as_text=True)
    assert re.search(r'<a href="/admin/users/\d+">Account #\d+</a>', users)  # in words


def test_record_links_are_the_urls_url_for_builds(app):
    """record_url puts the key into a URL shape learnt once per request (the lists render ten links a row): it
    must give exactly what url_for gives, and leave to url_for what it cannot take."""
    from flask import url_for
    from markupsafe import Markup
    from werkzeug.routing import BuildError

    from app.template_context import page_link, record_url
    with app.test_request_context("/"):
        for endpoint, values in [("requests.detail", {"request_id": 7}), ("requests.approve", {"request_id": 12}),
                                 ("requests.detail", {"request_id": 987654321}), ("states.detail", {"code": "BOL"}),
                                 ("states.detail", {"code": "C\u00f4te d'Ivoire/x"}),
                                 ("activities.index", {"expert": 3}), ("activities.index", {"q": "a b&c"})]:
            assert record_url(endpoint, **values) == url_for(endpoint, **values), (endpoint, values)
            assert record_url(endpoint, **values) == url_for(endpoint, **values)  # the learnt shape, again
        with pytest.raises((BuildError, ValueError)):  # as url_for refuses it
            record_url("requests.detail", request_id="BOL")
        assert page_link("requests.detail", "<b>#7</b>", request_id=7) == Markup(
            '<a href="/requests/7">&lt;b&gt;#7&lt;/b&gt;</a>')
        assert page_link("instruments.detail", "TIP", title='Trafficking "Protocol"', code="TIP") == Markup(
            '<a href="/instruments/TIP" title="Trafficking &#34;Protocol&#34;">TIP</a>')
        assert page_link("no.such_page", "<i>plain</i>", x=1) == Markup("&lt;i&gt;plain&lt;/i&gt;")


def test_a_list_of_state_links_is_the_state_link_macro_for_each(app, session):
    """`state_links` (one call per list, the funding pages' hundreds of States) writes exactly what `state_link`
    writes for each State, comma-separated: the name in the page's language and as at the day asked (a State
    since renamed), escaped, and the same URL."""
    from datetime import date

    from flask import render_template_string

    from app.languages import speaking
    from models import MemberState
    states = list(db.session.scalars(sa.select(MemberState).where(
        MemberState.code.in_(["CIV", "DEU", "SWZ", "MKD"])).order_by(MemberState.code)))
    assert len(states) == 4
    template = ('{% from "_macros/links.html" import state_link %}'
                '{% for s in states %}{{ state_link(s, as_of) }}{% if not loop.last %}, {% endif %}{% endfor %}'
                '|{{ state_links(states, as_of) }}|{{ state_links([], as_of) }}')
    seen = set()
    with app.test_request_context("/"):
        for language in ("en", "fr", "ar"):
            for as_of in (None, date(2001, 6, 1)):
                with speaking(language):
                    by_macro, by_list, empty = render_template_string(template, states=states, as_of=as_of).split("|")
                assert by_list == by_macro, (language, as_of)
                assert empty == "" and by_list.count("<a href=") == 4
                seen.add(by_list)
        english = render_template_string("{{ state_links(states) }}", states=states)
    assert len(seen) >= 4  # the languages and the day asked change the names: the comparison is not of blanks
    assert '<a href="/states/CIV">Côte d&#39;Ivoire</a>, <a href="/states/DEU">Germany</a>' in english
