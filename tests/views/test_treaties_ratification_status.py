"""The annex of A/58/165 rebuilt from data: as at 2 July 2003, from the annex alone (`source=annex`), it reproduces
the printed annex line for line; from the depositary's record, it marks where the annex says otherwise."""
import csv
import datetime as dt
import html
import io
import re
from pathlib import Path

import pytest

from tests.helpers import inline_code

# The report as published, shipped with the project: the page is compared with the printed text, not with our data.
REPORT = (Path(__file__).resolve().parents[2] / "app" / "data" / "sources"
          / "A-58-165-report-of-the-secretary-general.txt")
AS_AT = "2003-07-02"
ANNEX = f"/reports/ratification-status?as_of={AS_AT}&source=annex"
SUMMARY = {"UNTOC": (147, 40), "TIP": (117, 28), "SOM": (112, 27), "FIREARMS": (52, 4)}


def printed_annex() -> dict[str, list[tuple[int, str, dt.date]]]:
    """The annex as printed in the report: instrument -> [(position, State, date)] (the contract check's parser)."""
    text = REPORT.read_text()
    part = text[text.index("B. Ratification of the United Nations Convention"):]
    heads = [("B. Ratification of the United Nations Convention", "UNTOC"), ("C. Ratification of the Protocol", "TIP"),
             ("D. Ratification of the Protocol", "SOM"), ("E. Ratification of the Protocol", "FIREARMS")]
    out, current = {}, None
    for line in part.splitlines():
        for head, code in heads:
            if line.startswith(head):
                current = code
                out[current] = []
        match = re.match(r"\s*(\d+)\.\s+(.+?)\s*(\^\{?a\}?|\^a)?\s+(\d{1,2} \w+ \d{4})\s*$", line)
        if current and match:
            out[current].append((int(match.group(1)), match.group(2).strip(),
                                 dt.datetime.strptime(match.group(4), "%d %B %Y").date()))
    return out


def rebuilt_annex(page: str) -> dict[str, list[tuple[int, str, dt.date]]]:
    """The same lists read back from the page's sections."""
    out = {}
    for section in re.findall(r'<section class="mb-4" id="(\w+)">(.*?)</section>', page, re.S):
        code, body = section[0].upper(), section[1]
        body = re.sub(r'\s*<br><a class="badge[^"]*"[^>]*>[^<]*</a>', "", body)  # the record's marks of the annex
        rows = re.findall(r"<td>(\d+)\. (?:<a [^>]+>)?([^<]+?)(?:</a>)?(?: <sup>\w+</sup>)?</td>"
                          r"\s*<td[^>]*>([^<]+)</td>", body)
        out[code] = [(int(n), html.unescape(name), dt.datetime.strptime(day, "%d %B %Y").date())
                     for n, name, day in rows]
    return out


@pytest.fixture()
def officer(login_as):
    return login_as("officer")


def test_as_at_2_july_2003_the_annex_alone_reproduces_the_printed_annex(client, officer):
    response = client.get(ANNEX)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert rebuilt_annex(page) == printed_annex()
    assert "as at 2 July 2003" in page and "As printed in the annex of report A/58/165" in page
    assert "annex-differs" not in page  # the annex alone marks nothing


def test_the_record_as_at_2_july_2003_marks_where_the_annex_differs(client, officer):
    page = client.get(f"/reports/ratification-status?as_of={AS_AT}").get_data(as_text=True)
    rebuilt, printed = rebuilt_annex(page), printed_annex()
    assert rebuilt["UNTOC"] == printed["UNTOC"] and rebuilt["FIREARMS"] == printed["FIREARMS"]
    for code in ("TIP", "SOM"):  # the tables add Armenia's deposit of 1 July 2003
        assert len(rebuilt[code]) == len(printed[code]) + 1
        assert ("Armenia", dt.date(2003, 7, 1)) in {(name, day) for _, name, day in rebuilt[code]}
    marked = re.findall(r'<tr class="annex-differs">\s*<td>\d+\. <a href="/states/(\w+)">.*?</tr>', page, re.S)
    assert sorted(marked) == ["ARM", "ARM", "TJK", "TJK"]
    tip = page[page.index('id="tip"'):page.index('id="som"')]
    assert '<a class="badge text-bg-warning" href="/treaties/reconciliation?instrument=TIP">' \
           "not in the annex of A/58/165</a>" in tip
    assert "A/58/165: ratification, 8 July 2002</a>" in tip  # Tajikistan: an accession in the depositary's table
    assert "Accession" in tip


def test_the_summary_table_has_the_annex_totals(client, officer):
    page = client.get(ANNEX).get_data(as_text=True)
    summary = page[page.index("A. Summary"):page.index('<section')]
    rows = re.findall(r'<td><a [^>]+>([^<]+)</a></td><td class="text-end">(\d+)</td><td class="text-end">(\d+)</td>'
                      r'<td class="text-nowrap">([^<]+)</td>', summary)
    assert [(int(s), int(r)) for _, s, r, _ in rows] == list(SUMMARY.values())
    assert rows[0][0] == "United Nations Convention against Transnational Organized Crime"
    assert {day for *_, day in rows} == {"2 July 2003"}


def test_a_date_after_the_record_says_that_later_deposits_are_not_recorded(client, officer):
    page = client.get("/reports/ratification-status?as_of=2020-01-01").get_data(as_text=True)
    notice = page[page.index('class="alert alert-warning currency-notice"'):]
    notice = re.sub(r"\s+", " ", re.sub(r"</?bdi>", "", notice))  # the codes in brackets isolated for Arabic
    assert ("The record holds deposits up to 1 January 2014 (UNTOC, TIP) and 1 July 2014 (SOM, FIREARMS); "
            "later deposits are not recorded, so the figures shown for 1 January 2020 may be too low.") in notice
    annex = client.get("/reports/ratification-status?as_of=2020-01-01&source=annex").get_data(as_text=True)
    assert "The annex of A/58/165 holds deposits up to 2 July 2003; later deposits are not recorded" in \
        re.sub(r"\s+", " ", annex)
    assert "currency-notice" not in client.get(ANNEX).get_data(as_text=True)


def test_the_name_change_is_footnoted_from_the_name_history(client, officer):
    page = client.get(f"/reports/ratification-status?as_of={AS_AT}").get_data(as_text=True)
    assert re.search(r'3\. <a href="/states/SRB">Serbia and Montenegro</a> <sup>a</sup>', page)
    # One footnote per section in which Serbia and Montenegro is listed (UNTOC, TIP, SOM).
    assert page.count("On 4 February 2003, Yugoslavia changed its name to Serbia and Montenegro.") == 3


def test_the_annex_quotes_its_footnotes_as_printed(client, officer):
    """A/58/165's annex words its footnote "the Federal Republic of Yugoslavia", and section D (SOM) prints it
    without the day: the annex shown alone quotes both as printed, not the record's rewording."""
    page = client.get(ANNEX).get_data(as_text=True)
    assert re.search(r'3\. <a href="/states/SRB">Serbia and Montenegro</a> <sup>a</sup>', page)
    notes = re.findall(r'<p class="footnote"><sup>(\w+)</sup> (.*?)</p>', page)
    printed = "the Federal Republic of Yugoslavia changed its name to Serbia and Montenegro."
    assert notes == [("a", "On 4 February 2003, " + printed), ("a", "On 4 February 2003, " + printed),
                     ("a", "On February 2003, " + printed)]
    assert "Yugoslavia changed its name" not in page.replace("Federal Republic of Yugoslavia changed", "")


def test_before_the_name_change_there_is_no_footnote_and_the_old_name(client, officer):
    page = client.get("/reports/ratification-status?as_of=2002-12-31").get_data(as_text=True)
    assert '3. <a href="/states/SRB">Yugoslavia</a></td>' in page
    assert "changed its name" not in page


def test_names_are_those_in_force_on_the_date(client, officer):
    page = client.get("/reports/ratification-status?as_of=2010-01-01").get_data(as_text=True)
    # Serbia deposited as Yugoslavia in 2001: two changes of name since, two footnotes.
    assert re.search(r'\d+\. <a href="/states/SRB">Serbia</a> <sup>ab</sup>', page)
    assert "<sup>a</sup> On 4 February 2003, Yugoslavia changed its name to Serbia and Montenegro." in page
    assert "<sup>b</sup> On 3 June 2006, Serbia and Montenegro changed its name to Serbia." in page
    assert "Turkey" in page and "Türkiye" not in page


def test_the_csv_has_the_summary_and_every_party(client, officer):
    response = client.get(f"/reports/ratification-status.csv?as_of={AS_AT}&source=annex")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "ratification-status-2003-07-02-annex.csv" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffrow,") and body.count("\r\n") >= 99  # UTF-8 with BOM, CRLF: what Excel opens
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    summary = {r["instrument"]: (int(r["signatures"]), int(r["ratifications"])) for r in rows if r["row"] == "summary"}
    assert summary == SUMMARY
    parties = [r for r in rows if r["row"] == "party"]
    assert len(parties) == 99
    armenia = next(r for r in parties if r["instrument"] == "UNTOC" and r["participant"] == "ARM")
    assert (armenia["position"], armenia["name"], armenia["date"], armenia["in_force_date"]) == (
        "40", "Armenia", "2003-07-01", "2003-09-29")
    serbia = next(r for r in parties if r["instrument"] == "UNTOC" and r["participant"] == "SRB")
    assert serbia["name"] == "Serbia and Montenegro"
    assert {r["record_complete_to"] for r in rows if r["row"] == "summary"} == {"2003-07-02"}


def test_the_record_csv_says_how_current_it_is_and_where_the_annex_differs(client, officer):
    body = client.get("/reports/ratification-status.csv?as_of=2020-01-01").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    summary = {r["instrument"]: r for r in rows if r["row"] == "summary"}
    assert {c: r["record_complete_to"] for c, r in summary.items()} == {
        "UNTOC": "2014-01-01", "TIP": "2014-01-01", "SOM": "2014-07-01", "FIREARMS": "2014-07-01"}
    assert summary["TIP"]["note"] == ("The record holds deposits up to 1 January 2014; later deposits are not "
                                      "recorded (asked for 1 January 2020).")
    assert (summary["TIP"]["signatures"], summary["TIP"]["ratifications"]) == ("117", "159")
    tajikistan = next(r for r in rows if r["instrument"] == "SOM" and r["participant"] == "TJK")
    assert (tajikistan["action"], tajikistan["note"]) == ("accession", "A/58/165: ratification, 8 July 2002")


@pytest.mark.parametrize("as_of", ["2003-02-30", "yesterday", "2003-7-2x"])
def test_a_bad_date_re_renders_the_page_with_a_message(client, officer, as_of):
    response = client.get(f"/reports/ratification-status?as_of={as_of}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "is not a date: write it as YYYY-MM-DD" in page and 'name="as_of"' in page
    csv_response = client.get(f"/reports/ratification-status.csv?as_of={as_of}")
    assert csv_response.status_code == 400 and "YYYY-MM-DD" in csv_response.get_data(as_text=True)


def test_today_is_the_default(client, officer):
    page = client.get("/reports/ratification-status").get_data(as_text=True)
    assert f"as at {dt.date.today().day} " in page


def test_no_script_on_the_page(client, officer):
    page = client.get(f"/reports/ratification-status?as_of={AS_AT}").get_data(as_text=True)
    assert inline_code(page) == []


def test_donors_do_not_see_the_whole_annex(client, login_as):
    login_as("donor")
    assert client.get(f"/reports/ratification-status?as_of={AS_AT}").status_code == 403
    assert client.get(f"/reports/ratification-status.csv?as_of={AS_AT}").status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/reports/ratification-status")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_a_token_client_keeping_cookies_reads_the_page_then_the_csv(client, make_user):
    from models import ApiToken, db
    user = make_user("admin")
    token, raw = ApiToken.issue(user)
    db.session.add(token)
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(f"/reports/ratification-status?as_of={AS_AT}", headers=headers).status_code == 200
    assert client.get(f"/reports/ratification-status.csv?as_of={AS_AT}", headers=headers).status_code == 200
    assert client.get("/api/v1/instruments", headers=headers).status_code == 200


def test_a_deposit_is_not_marked_when_only_other_sources_disagree_with_the_annex(client, officer):
    """Monaco's UNTOC deposit: a claim entered by hand disagrees with the table; the annex agrees with the record."""
    import sqlalchemy as sa

    from models import Instrument, MemberState, TreatyActionSource, db
    monaco = db.session.scalar(sa.select(MemberState).filter_by(code="MCO"))
    untoc = db.session.scalar(sa.select(Instrument).filter_by(code="UNTOC"))
    db.session.add(TreatyActionSource(source="entered by hand", state_id=monaco.id, instrument_id=untoc.id,
                                      kind="ratification", action_date=dt.date(2001, 6, 6), name_as_printed="Monaco"))
    db.session.commit()
    assert "MCO" in client.get("/treaties/reconciliation?instrument=UNTOC").get_data(as_text=True)
    page = client.get(f"/reports/ratification-status?as_of={AS_AT}").get_data(as_text=True)
    untoc_section = page[page.index('id="untoc"'):page.index('id="tip"')]
    assert "annex-differs" not in untoc_section


@pytest.mark.parametrize("source, early, late", [("", AS_AT, "2014-12-31"), ("&source=annex", "2002-01-01", AS_AT)])
def test_the_report_costs_the_same_queries_however_many_rows(client, officer, session, source, early, late):
    from tests.helpers import count_queries

    def cost(as_of):
        session.expunge_all()
        with count_queries() as statements:
            page = client.get(f"/reports/ratification-status?as_of={as_of}{source}").get_data(as_text=True)
        return len(statements), len(re.findall(r"<td>\d+\. ", page))
    for as_of in (early, late):  # each date's statuses computed once (then kept until the record changes)
        client.get(f"/reports/ratification-status?as_of={as_of}{source}")
    small, large = cost(early), cost(late)
    assert small[1] < large[1] and small[0] == large[0], (small, large)
    print(f"report{source}: {small[0]} queries for {small[1]} rows and for {large[1]}")
