"""The interface's language (issue 30): chosen by the account, else the switcher's choice in the session, else
Accept-Language; the page says which (lang, dir) and loads Bootstrap's mirrored stylesheet for Arabic; the choice
outlives the session; the page cache keeps each language apart; State names in six languages."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from models import User, db

from ..conftest import csrf_token, login


def _html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


def _switch(client, language, next_url="/", page="/login"):
    return client.post("/language", data={"language": language, "next": next_url,
                                          "csrf_token": csrf_token(client, page)})


def test_the_page_says_its_language_and_direction(client):
    assert _html_tag(client.get("/login").get_data(as_text=True)) == '<html lang="en" dir="ltr">'
    arabic = client.get("/login", headers={"Accept-Language": "ar,en;q=0.5"}).get_data(as_text=True)
    assert _html_tag(arabic) == '<html lang="ar" dir="rtl">'
    assert "vendor/bootstrap/bootstrap.rtl.min.css" in arabic and "css/bootstrap.min.css" not in arabic
    french = client.get("/login", headers={"Accept-Language": "fr-CH, fr;q=0.9"}).get_data(as_text=True)
    assert _html_tag(french) == '<html lang="fr" dir="ltr">' and "bootstrap.rtl" not in french
    # Every offered language in the switcher, each named in its own language.
    assert all(f'value="{code}" lang="{code}"' in french for code in ("en", "fr", "es", "ar", "ru", "zh"))
    assert ">العربية<" in french and ">中文<" in french


def test_the_switcher_on_the_sign_in_page_is_kept_on_the_account_and_across_sessions(client, make_user):
    user = make_user("officer")
    answer = _switch(client, "es", "/login?next=/requests")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login?next=/requests"
    assert 'lang="es"' in _html_tag(client.get("/login").get_data(as_text=True))
    login(client, user)  # the choice made before signing in goes on the account
    assert db.session.scalar(sa.select(User.language).where(User.id == user.id)) == "es"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    client.cookie_jar.clear() if hasattr(client, "cookie_jar") else client._cookies.clear()
    login(client, user)  # a new browser, asking for English: the account's choice wins
    assert 'lang="es"' in _html_tag(client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True))


def test_a_signed_in_switch_goes_on_the_account_and_bad_choices_are_refused(client, login_as):
    user = login_as("officer")
    assert _switch(client, "ru", "/requests", page="/").headers["Location"] == "/requests"
    assert db.session.get(User, user.id).language == "ru"
    assert _switch(client, "ru", "https://evil.example/", page="/").headers["Location"] == "/"  # never elsewhere
    assert _switch(client, "xx", page="/").status_code == 400
    assert client.post("/language", data={"language": "fr"}).status_code == 400  # no CSRF token
    assert db.session.get(User, user.id).language == "ru"


def test_the_profile_chooses_the_language_or_the_browser_again(client, login_as):
    user = login_as("officer")
    from models.notification import NotificationKind
    fields = {f"pref_{k.value}": "app" for k in NotificationKind}
    token = csrf_token(client, "/account/profile")
    post = {"name": user.name, "csrf_token": token, **fields}
    assert client.post("/account/profile", data=dict(post, language="fr")).status_code == 302
    assert db.session.get(User, user.id).language == "fr"
    assert 'lang="fr"' in _html_tag(client.get("/account/profile").get_data(as_text=True))
    assert client.post("/account/profile", data=dict(post, language="")).status_code == 302
    assert db.session.get(User, user.id).language is None
    assert client.post("/account/profile", data=dict(post, language="tlh")).status_code == 422


@pytest.mark.parametrize("typed", ["Bolivie", "Brasil", "Кения", "الجزائر", "玻利维亚", "bolivie"])
def test_states_are_found_by_their_name_in_any_language(client, login_as, typed):
    login_as("officer")
    expected = {"Bolivie": "BOL", "bolivie": "BOL", "玻利维亚": "BOL", "Brasil": "BRA", "Кения": "KEN",
                "الجزائر": "DZA"}[typed]
    page = client.get("/states/", query_string={"q": typed}).get_data(as_text=True)
    assert f'href="/states/{expected}"' in page
    found = client.get("/search", query_string={"q": typed}).get_data(as_text=True)
    assert f'href="/states/{expected}"' in found
    picked = client.get("/api/v1/lookup/states", query_string={"q": typed}).get_json()["items"]
    assert expected in [item["id"] for item in picked]  # the States picker


@pytest.mark.parametrize("typed", ["Bolivie", "Кения", "الجزائر"])
def test_every_lists_text_filter_finds_a_state_by_its_name_in_any_language(client, login_as, typed):
    from tests import factories
    code = {"Bolivie": "BOL", "Кения": "KEN", "الجزائر": "DZA"}[typed]
    request = factories.request(code, subject="Asked in its own words")
    activity = factories.activity(visits=[(code, date(2003, 3, 3), date(2003, 3, 5))], served=(code,),
                                  title="Held in its own words")
    db.session.commit()
    login_as("manager")
    for path, record in (("/requests/", f'href="/requests/{request.id}"'), ("/queue", f'href="/requests/{request.id}"'),
                         ("/activities/", f'href="/activities/{activity.id}"')):
        page = client.get(path, query_string={"q": typed}).get_data(as_text=True)
        assert record in page, path
    listed = client.get("/api/v1/requests", query_string={"q": typed}).get_json()
    assert request.id in [row["id"] for row in listed["items"]]


@pytest.mark.parametrize("language, dashboard", [("fr", "Tableau de bord"), ("es", "Panel"), ("ar", "لوحة المعلومات"),
                                                 ("ru", "Сводная панель"), ("zh", "仪表板")])
def test_each_language_shows_its_translated_navigation(client, login_as, language, dashboard):
    login_as("officer", language=language)
    page = client.get("/").get_data(as_text=True)
    assert f'lang="{language}"' in _html_tag(page)
    assert re.search(rf'<a class="nav-link[^"]*" href="/dashboard"[^>]*>{dashboard}</a>', page), "the Dashboard entry"
    titled = client.get("/dashboard").get_data(as_text=True)
    assert f"<title>{dashboard} · Palermo</title>" in titled  # the page's title, translated


def test_a_kept_page_is_never_served_in_another_language(client, login_as, app):
    app.config["PAGE_CACHE"] = True
    try:
        login_as("manager")
        client.get("/")  # the sign-in's message shown
        english = client.get("/queue", headers={"Accept-Language": "en"}).get_data(as_text=True)
        french = client.get("/queue", headers={"Accept-Language": "fr"}).get_data(as_text=True)
        again = client.get("/queue", headers={"Accept-Language": "en"}).get_data(as_text=True)
    finally:
        app.config["PAGE_CACHE"] = False
    assert 'lang="en"' in _html_tag(english) and 'lang="fr"' in _html_tag(french)
    assert "File d&#39;attente" in french and "File d&#39;attente" not in english
    assert again == english


def test_an_e_mail_is_written_in_its_recipients_language(client, make_user):
    from app.services.accounts import passwords
    from models import OutboxMessage
    french, unset = make_user("officer", language="fr"), make_user("officer")
    with client.application.test_request_context("/", headers={"Accept-Language": "es"}):  # asked in Spanish
        passwords.request_reset(french.email)
        passwords.request_reset(unset.email)
    subjects = dict(db.session.execute(sa.select(OutboxMessage.to_address, OutboxMessage.subject)).all())
    assert subjects[french.email] == "Choisir un nouveau mot de passe"
    assert subjects[unset.email] == "Choose a new password"  # no choice: English, never the sender's language


def test_dates_money_and_state_names_follow_the_page_language(app):
    from datetime import date
    from decimal import Decimal

    from flask_babel import refresh

    from app.formatting import format_date, format_money
    from app.services.registry.state_names import local_name
    from models import MemberState
    bolivia = db.session.scalar(sa.select(MemberState).where(MemberState.code == "BOL"))
    with app.test_request_context("/"):
        assert (format_date(date(2026, 12, 6)), format_money(Decimal("1234.5"), "USD")) == \
            ("6 December 2026", "USD 1,234.50")
        assert local_name(bolivia, "en") == "Bolivia (Plurinational State of)"
        assert local_name(bolivia, "fr") == "Bolivie" and local_name(bolivia, "zh") == "玻利维亚"
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        refresh()  # the test's one application context would keep the first block's locale (no request started)
        assert format_date(date(2026, 12, 6)) == "6 décembre 2026"
        assert format_money(Decimal("1234.5"), "USD") == "1\u202f234,50\xa0USD"


@pytest.mark.parametrize("language, title", [
    ("fr", "Convention des Nations Unies contre la criminalité transnationale organisée"),
    ("es", "Convención de las Naciones Unidas contra la Delincuencia Organizada Transnacional"),
    ("ar", "اتفاقية الأمم المتحدة لمكافحة الجريمة المنظمة عبر الوطنية"),
    ("ru", "Конвенция Организации Объединенных Наций против транснациональной организованной преступности"),
    ("zh", "联合国打击跨国有组织犯罪公约")])
def test_an_instruments_page_carries_its_official_title_in_each_language(client, login_as, language, title):
    login_as("officer", language=language)
    page = client.get("/instruments/UNTOC").get_data(as_text=True)
    assert f'<h1 class="h3 mb-0">{title}</h1>' in page


def test_a_page_in_french_or_arabic_costs_no_statement_more_than_in_english(client, login_as):
    from ..helpers import count_queries
    login_as("manager")
    client.get("/")  # the sign-in's message shown
    counts = {}
    for language in ("en", "fr", "ar"):
        client.get("/requests/", headers={"Accept-Language": language})  # the same warm-up for each
        with count_queries() as statements:
            page = client.get("/requests/", headers={"Accept-Language": language})
        assert page.status_code == 200 and f'lang="{language}"' in _html_tag(page.get_data(as_text=True))
        counts[language] = len(statements)
    assert counts["fr"] == counts["en"] and counts["ar"] == counts["en"], counts


def test_the_templates_translate_in_the_language_in_force_at_each_call(app):
    """The templates keep the page's catalogue between calls of `_` (app.languages.template_catalogue): a
    language forced for a while (a message in its recipient's language) and a refresh must still be followed."""
    from flask import session
    from flask_babel import force_locale, refresh

    template = app.jinja_env.from_string(
        "{{ _('Reason') }} | {{ ngettext('%(num)d request', '%(num)d requests', 2) }}")
    with app.test_request_context("/"):
        assert template.render() == "Reason | 2 requests"
        with force_locale("fr"):
            assert template.render() == "Motif | 2 demandes"
            with force_locale("es"):
                assert template.render().startswith("Motivo |")
            assert template.render() == "Motif | 2 demandes"
        assert template.render() == "Reason | 2 requests"
        session["language"] = "ar"
        refresh()
        assert template.render() == "السبب | طلبان"
