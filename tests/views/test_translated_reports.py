"""The donor statement and the period report in the language asked for (issue 30 item 5): their labels, the States'
names, dates and money as the language writes them — on the page and in the files (CSV and XLSX keep their column
keys, their label columns and sheet names follow the language). French and Arabic; English stays as it was."""
import csv
import html
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from openpyxl import load_workbook

from tests import factories
from tests.conftest import login

PERIOD = "/reports/period?from=2002-07-05&to=2003-07-04"  # the year of A/58/165's reference record


def text_of(response) -> str:
    """The page's main content as text: tags dropped, entities read, whitespace (no-break spaces too) kept."""
    body = response.get_data(as_text=True)
    main = body[body.index("<main"):body.index("</main>")]
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


@pytest.fixture()
def donor_client(client, make_user, session):
    """A donor signed in, whose one received contribution (USD 1,234.50, received 3 January 2003) paid USD 400 of
    a mission to Bolivia."""
    donor = factories.organization(name="Donor Gamma")
    money = factories.contribution(donor, amount=Decimal("1234.50"), currency="USD", status="received",
                                   instruments=("UNTOC",), pledged_date=date(2003, 1, 1),
                                   committed_date=date(2003, 1, 2), received_date=date(2003, 1, 3))
    mission = factories.activity(title="Gamma's mission", served=("BOL",),
                                 visits=(("BOL", date(2003, 3, 10), date(2003, 3, 12)),))
    factories.allocation(money, mission, Decimal("400.00"))
    session.commit()
    login(client, make_user("donor", donor=donor))
    return client


@pytest.mark.parametrize("language, labels, bolivia", [
    ("fr", ["Relevé : Donor Gamma", "Totaux", "Contributions et leurs allocations", "Activités financées",
            "États atteints"], "Bolivie"),
    ("ar", ["الكشف: Donor Gamma", "المجاميع", "المساهمات ومخصصاتها", "الأنشطة الممولة",
            "الدول التي تم الوصول إليها"], "بوليفيا"),
])
def test_the_statement_page_is_in_the_language_asked_for(donor_client, language, labels, bolivia):
    response = donor_client.get("/funding/statement", headers={"Accept-Language": language})
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in response.get_data(as_text=True)
    page = text_of(response)
    assert all(label in page for label in labels), [label for label in labels if label not in page]
    assert bolivia in page and "Bolivia (Plurinational State of)" not in page  # the State as the language names it
    assert format_date(date(2003, 1, 3), "long", locale=language) in page  # received 3 January 2003, Babel's way
    assert "3 January 2003" not in page
    # Money as the locale writes it, with the currency's ISO code: "1 234,50 USD", never the English "USD 1,234.50"
    assert re.search(re.escape(format_decimal(Decimal("1234.50"), "#,##0.00", locale=language)) + r"\s*USD", page)
    assert "USD 1,234.50" not in page and "USD 400.00" not in page


@pytest.mark.parametrize("language, received, mission, sheet", [
    ("fr", "Reçu", "Mission consultative", "Relevé"),
    ("ar", "مستلَم", "بعثة استشارية", "الكشف"),
])
def test_the_statement_files_keep_their_keys_and_label_in_the_language(donor_client, language, received, mission,
                                                                       sheet):
    text = donor_client.get("/funding/statement.csv", headers={"Accept-Language": language}).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0])[:5] == ["donor", "contribution_id", "project", "status", "status_label"]  # keys, not words
    row = next(r for r in rows if r["activity"] == "Gamma's mission")
    assert (row["status"], row["status_label"], row["activity_kind"]) == ("received", received, mission)
    assert (row["received_date"], row["amount"], row["allocation_amount"]) == ("2003-01-03", "1234.50", "400.00")
    book = load_workbook(io.BytesIO(donor_client.get("/funding/statement.xlsx",
                                                     headers={"Accept-Language": language}).get_data()))
    assert book.sheetnames[0] == sheet and book.worksheets[0]["A1"].value == "donor"


def test_the_statement_in_english_is_as_it_was(donor_client):
    page = text_of(donor_client.get("/funding/statement", headers={"Accept-Language": "en"}))
    assert "Statement: Donor Gamma" in page and "USD 1,234.50" in page and "received 3 January 2003" in page
    assert "Bolivia (Plurinational State of)" in page


@pytest.mark.parametrize("language, labels, romania", [
    ("fr", ["Rapport d'activité : 5 juillet 2002 – 4 juillet 2003", "Activités par type", "Réunions et participants",
            "Dépôts", "Donateurs et ce qu'ils ont financé", "Mission consultative"], "Roumanie"),
    ("ar", ["الأنشطة حسب النوع", "الاجتماعات والمشاركون", "الإيداعات", "المانحون وما موّلوه", "بعثة استشارية"],
     "رومانيا"),
])
def test_the_period_report_is_in_the_language_asked_for(client, login_as, language, labels, romania):
    login_as("manager")
    response = client.get(PERIOD, headers={"Accept-Language": language})
    assert response.status_code == 200
    page = text_of(response)
    assert all(label in page for label in labels), [label for label in labels if label not in page]
    assert re.search(rf"Bucharest,\s+{romania}", page) and not re.search(r"Bucharest,\s+Romania", page)
    assert format_date(date(2002, 11, 5), "long", locale=language) in page and "5 November 2002" not in page
    assert "Activities by kind" not in page and "Deposits:" not in page


@pytest.mark.parametrize("language, mission, romania", [("fr", "Mission consultative", "Roumanie"),
                                                        ("ar", "بعثة استشارية", "رومانيا")])
def test_the_period_report_files_label_in_the_language(client, login_as, language, mission, romania):
    login_as("manager")
    text = client.get(PERIOD.replace("/period?", "/period.csv?") + "&table=activities",
                      headers={"Accept-Language": language}).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0])[:3] == ["id", "kind", "kind_label"]
    bucharest = next(r for r in rows if "Bucharest" in r["visits"])
    assert (bucharest["kind"], bucharest["kind_label"]) == ("mission", mission)
    assert f"Bucharest, {romania} 2002-11-05/2002-11-06" in bucharest["visits"]  # dates stay ISO in files
