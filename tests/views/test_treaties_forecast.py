"""The forecast page and API on the reference record, the no-future-data property through the database, the
backtest page and command."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.rules import forecast as model
from app.scoping import for_user
from models import MemberState, Organization, TreatyAction, db
from tests import factories
from tests.helpers import count_queries, inline_code


def org(key):
    return db.session.scalar(sa.select(Organization).filter_by(reference_key=key))


def test_the_form_default_window_is_the_rules_one():
    from forms.treaties.forecast import WINDOW_DAYS
    assert WINDOW_DAYS == model.WINDOW_DAYS


def test_the_tip_page_as_at_the_annex_date(client, login_as):
    login_as("officer")
    response = client.get("/instruments/TIP/forecast?as_of=2003-07-02")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and inline_code(page) == []
    assert '<strong id="needed">11</strong>' in page      # 29 counted deposits on the record on 2 July 2003
    assert re.search(r'id="projected">\d+ \w+ 200[3-9]<', page)
    assert re.search(r'id="interval-50">\d+ \w+ \d{4} to \d+ \w+ \d{4}', page) and 'id="interval-80"' in page
    assert 'id="model"' in page and "chosen by the backtest" in page and 'id="models"' in page
    assert re.search(r'inside the 50% interval \d+% of the time and inside the 80% interval \d+%', page)
    assert page.count('class="projection"') == 2 and page.count('class="eif-range"') == 2  # wide and narrow charts
    # The States most advanced: signatories not yet party, with the assistance and draft laws of the record
    table = page[page.index('id="candidates"'):]
    assert "Russian Federation" in table and "Criminalization of trafficking in persons (draft law)" in table


def test_the_page_of_an_instrument_already_in_force_says_so(client, login_as):
    login_as("officer")
    page = client.get("/instruments/UNTOC/forecast?as_of=2003-08-01").get_data(as_text=True)
    assert "made on 1 July 2003: nothing left to forecast" in page and "29 September 2003" in page
    # the real date beside what each model had forecast at past dates
    table = page[page.index('id="had-forecast"'):page.index("</table>", page.index('id="had-forecast"'))]
    assert "Gompertz diffusion" in table and table.count("<tr>") >= 3
    assert 'id="real-eif">29 September 2003<' in page


def test_dates_outside_the_record_are_answered_with_a_note(client, login_as, api_as):
    login_as("officer")
    before = client.get("/instruments/TIP/forecast?as_of=1999-01-01")
    assert before.status_code == 200 and "before that there is nothing to forecast" in before.get_data(as_text=True)
    after = client.get("/instruments/FIREARMS/forecast?as_of=2030-01-01").get_data(as_text=True)
    assert "The record is complete to 1 July 2014" in after
    get, _ = api_as("officer")
    payload = get("/api/v1/instruments/TIP/forecast?as_of=1999-01-01").get_json()
    assert payload["projected_entry_into_force"] is None and "nothing to forecast" in payload["note"]
    assert payload["intervals"]["80"]["calibrated_on"] == "none"


def test_bad_parameters_are_a_400_page(client, login_as):
    login_as("officer")
    assert client.get("/instruments/TIP/forecast?as_of=2003-02-30").status_code == 400
    assert client.get("/instruments/TIP/forecast?window_days=5").status_code == 400
    assert client.get("/instruments/NOPE/forecast").status_code == 404


def _api(get, as_of="2003-07-02", code="TIP"):
    response = get(f"/api/v1/instruments/{code}/forecast?as_of={as_of}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_api_gives_the_forecast_and_the_states_most_advanced(api_as):
    get, _ = api_as("officer")
    payload = _api(get)
    assert (payload["parties_counted"], payload["deposits_needed"], payload["reached"]) == (29, 11, False)
    assert payload["window"]["days"] == model.WINDOW_DAYS and payload["window"]["deposits"] > 0
    low, projected, high = (payload["range"]["low"], payload["projected_entry_into_force"], payload["range"]["high"])
    assert low < projected < high and payload["range"] == {k: payload["intervals"]["80"][k] for k in ("low", "high")}
    fifty, eighty = payload["intervals"]["50"], payload["intervals"]["80"]
    assert eighty["low"] <= fifty["low"] <= fifty["high"] <= eighty["high"]
    assert fifty["calibrated_on"] in ("model", "pooled") and fifty["errors"] > 0
    assert payload["model"] in {m["key"] for m in payload["models"]} and len(payload["models"]) == 6
    assert 0 < payload["backtest_coverage"]["50"] < payload["backtest_coverage"]["80"] < 1
    assert payload["entry_into_force"] is None and payload["had_forecast"] == []
    rus = next(c for c in payload["most_advanced"] if c["participant"] == "RUS")
    assert rus["signed"] == "2000-12-12" and rus["draft_law"] and rus["score"] >= 3
    assert all(c["participant"] not in {"ARM", "POL"} or c["signed"] for c in payload["most_advanced"])
    assert get("/api/v1/instruments/TIP/forecast?as_of=").status_code == 400
    assert get("/api/v1/instruments/NOPE/forecast").status_code == 404


def test_later_deposits_in_the_database_do_not_change_the_forecast(api_as, session):
    """The no-future-data property, end to end: eleven TIP deposits and one more for the Convention recorded after
    2 July 2003 leave the forecast as at that date exactly as it was."""
    get, _ = api_as("officer")
    before = _api(get)
    tip = factories.instrument("TIP")
    parties = set(session.scalars(sa.select(TreatyAction.state_id).where(TreatyAction.instrument_id == tip.id,
                                                                          TreatyAction.category == "deposit")))
    others = session.scalars(sa.select(MemberState).where(MemberState.id.not_in(parties), MemberState.kind == "state")
                             .order_by(MemberState.code).limit(11)).all()
    session.execute(sa.delete(TreatyAction).where(TreatyAction.state_id.in_([s.id for s in others]),
                                                  TreatyAction.instrument_id == tip.id,
                                                  TreatyAction.category == "deposit"))
    for day, state in enumerate(others, start=3):
        session.add(TreatyAction(state=state, instrument=tip, kind="accession", action_date=date(2003, 7, day),
                                 source="test"))
    session.commit()
    assert _api(get, "2003-07-31")["deposits_needed"] < before["deposits_needed"]  # they are there …
    after = _api(get)
    # … and change nothing of the forecast (the whole backtest's coverage is a figure of the whole record)
    assert after.pop("backtest_coverage") and before.pop("backtest_coverage")
    assert after == before


def test_the_forecast_costs_a_fixed_number_of_queries(api_as, session):
    get, _ = api_as("officer")
    _api(get)

    def cost():
        session.expunge_all()
        with count_queries() as statements:
            _api(get)
        return len(statements)
    first = cost()
    for _ in range(5):
        a = factories.activity(served=["RUS", "AZE"], instruments=["TIP"])
        factories.finding("AZE", activity=a, status="draft_law", on=date(2003, 3, 1))
        factories.request("AZE", instruments=["TIP"], received=date(2003, 2, 1))
    session.commit()
    assert cost() == first <= 11


def test_a_donor_sees_only_the_states_its_money_reached(api_as):
    get, donor = api_as("donor", donor=org("canada"))
    scope = for_user(donor)
    visible = set(db.session.scalars(sa.select(MemberState.code).where(MemberState.id.in_(scope.state_ids()))))
    codes = set(db.session.scalars(sa.select(sa.literal_column("code")).select_from(sa.table("instruments"))
                                   .where(sa.column("id").in_(scope.instrument_ids()))))
    assert codes
    for code in codes:
        payload = _api(get, code=code, as_of="2002-06-30")
        assert {c["participant"] for c in payload["most_advanced"]} <= visible


def test_the_endpoint_is_documented(api_as):
    get, _ = api_as("officer")
    paths = get("/api/v1/openapi.json").get_json()["paths"]
    operation = paths["/api/v1/instruments/{code}/forecast"]["get"]
    assert {"as_of", "window_days"} <= {p["name"] for p in operation["parameters"]}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"projected_entry_into_force", "range", "most_advanced", "intervals", "model"} <= set(schema["properties"])
    assert "/api/v1/forecast/backtest" in paths


# ------------------------------------------------------------------ the backtest (its figures: tests/services)
def test_the_backtest_page(client, login_as):
    login_as("manager")
    response = client.get("/forecast/backtest")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and inline_code(page) == []
    for code, real in (("UNTOC", "29 September 2003"), ("TIP", "25 December 2003"), ("SOM", "28 January 2004"),
                       ("FIREARMS", "3 July 2005")):
        assert f'id="backtest-{code}"' in page and real in page and f'id="figures-{code}"' in page
        assert page.count(f'<title id="fan-{code}-') == 2  # the fan, wide and narrow
    assert re.search(r'id="coverage-50">\d+%<', page) and re.search(r'id="coverage-80">\d+%<', page)
    assert page.count('class="band-80"') == 8 and "Model chosen:" in page
    assert client.get("/forecast/backtest?instrument=NOPE").status_code == 400
    one = client.get("/forecast/backtest?instrument=SOM").get_data(as_text=True)
    assert 'id="backtest-SOM"' in one and 'id="backtest-TIP"' not in one


def test_the_backtest_is_kept_not_recomputed_per_view(client, login_as, session, monkeypatch):
    from app.services.treaties import forecast_store
    login_as("manager")
    client.get("/forecast/backtest")
    monkeypatch.setattr(forecast_store, "compute", lambda *a: pytest.fail("computed again"))
    session.expunge_all()
    with count_queries() as statements:
        assert client.get("/forecast/backtest").status_code == 200
    assert len(statements) <= 4  # the signed-in user, the stamp, the instruments


def test_the_backtest_api(api_as):
    get, _ = api_as("officer")
    response = get("/api/v1/forecast/backtest")
    assert response.status_code == 200
    payload = response.get_json()
    overall = payload["overall"]["chosen"]
    assert overall["count"] == sum(len(i["forecasts"]) for i in payload["instruments"])
    assert set(overall["by_horizon"]) == {"2y+", "1-2y", "<1y"}
    assert set(payload["overall"]) == {"chosen", *payload["models"]} - {"chosen"} | {"chosen"}
    tip = next(i for i in payload["instruments"] if i["code"] == "TIP")
    assert tip["real_entry_into_force"] == "2003-12-25" and sum(tip["chosen"].values()) == len(tip["forecasts"])
    row = tip["forecasts"][0]
    assert set(row["intervals"]) == {"50", "80"} and set(row["held"]) == {"50", "80"}
    assert row["error_days"] == (date.fromisoformat(row["projected_entry_into_force"]) - date(2003, 12, 25)).days
    assert get("/api/v1/forecast/backtest?instrument=SOM").get_json()["instruments"][0]["code"] == "SOM"
    assert get("/api/v1/forecast/backtest?instrument=XX").status_code == 400


def test_the_backtest_command_prints_every_forecast_and_the_summary(app):
    result = app.test_cli_runner().invoke(args=["treaties", "backtest", "--instrument", "TIP"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "TIP: 40th deposit 2003-09-26, entry into force 2003-12-25" in lines
    rows = [line.split() for line in lines if re.match(r"\s+\d{4}-\d{2}-\d{2}\s+\d", line)]
    assert rows[0][0] == "2002-01-23" and len(rows) == 21
    for row in rows:
        assert int(row[8]) == (date.fromisoformat(row[3]) - date(2003, 12, 25)).days
    assert result.output.rstrip().splitlines()[-1].startswith("all: 84 forecasts")


@pytest.mark.parametrize("path", [
    "/instruments/TIP/forecast?as_of=1900-01-01", "/instruments/TIP/forecast?as_of=2199-12-31&window_days=30",
    "/instruments/FIREARMS/forecast?as_of=2001-06-01&window_days=1830", "/dashboard?as_of=1900-01-01",
    "/dashboard?as_of=2199-12-31", "/reports/period?from=1900-01-01&to=2199-12-31",
    "/forecast/backtest?instrument=FIREARMS", "/api/v1/instruments/SOM/forecast?as_of=1900-01-01"])
def test_the_ends_of_the_calendar_are_answered(client, login_as, path):
    login_as("admin")
    assert client.get(path, follow_redirects=True).status_code == 200  # the long period report: a job, then its page


@pytest.mark.parametrize("path", ["/instruments/TIP/forecast?as_of=9999-12-31", "/dashboard?as_of=0001-01-01",
                                  "/api/v1/instruments/TIP/forecast?as_of=9999-12-31",
                                  "/api/v1/instruments/TIP/forecast?as_of=2003-7-2x",
                                  "/api/v1/instruments/TIP/forecast?window_days=99999999999999999999",
                                  "/api/v1/instruments/TIP/forecast?as_of=2003-02-30"])
def test_hostile_parameters_are_a_400(client, login_as, path):
    login_as("admin")
    assert client.get(path).status_code == 400


# ------------------------------------------------------------------ which States are likely to deposit next
def test_managers_see_which_states_are_likely_to_deposit_next(client, login_as):
    login_as("manager")
    page = client.get("/instruments/TIP?as_of=2003-07-02").get_data(as_text=True)
    assert 'id="likely-states"' in page and "a correlate of depositing, not a proven" in page
    table = page[page.index('id="likely-states"'):page.index("</table>", page.index('id="likely-states"'))]
    shares = [int(s) for s in re.findall(r'<td class="text-end">(\d+)%</td>', table)]
    assert len(shares) == 25 and shares == sorted(shares, reverse=True)
    assert "Albania" not in table  # party to the TIP since 2002: not listed
    assert re.search(r'id="brier">.*Brier score 0\.\d{3} against\s+0\.\d{3}', page, re.S) and 'id="reliability"' in page


def test_the_deposit_model_is_fitted_on_what_was_known_then(app, session):
    from app.scoping import EVERYTHING
    from app.services.treaties import deposit_likelihood, treaty_record
    tip = treaty_record.get_instrument("TIP", EVERYTHING)
    outlook = deposit_likelihood.outlook(tip, date(2003, 7, 2), EVERYTHING)
    assert outlook.fit.as_of == date(2003, 7, 2) and outlook.fit.rows > 0
    assert all(v is None or v <= date(2003, 7, 2) for r in outlook.ranked for v in r.facts.values())
    assert outlook.calibration.brier < outlook.calibration.brier_base_rate  # the README's claim: it beats the base rate
    state = session.scalar(sa.select(MemberState).where(MemberState.code == outlook.ranked[-1].code))
    session.add(TreatyAction(state=state, instrument=tip, kind="accession", action_date=date(2003, 9, 1),
                             source="test"))
    session.flush()
    again = deposit_likelihood.outlook(tip, date(2003, 7, 2), EVERYTHING)
    assert again.ranked == outlook.ranked and again.fit == outlook.fit  # a later deposit changes nothing then


def test_officers_and_donors_do_not_see_it(client, login_as):
    login_as("officer")
    assert 'id="likely-states"' not in client.get("/instruments/TIP?as_of=2003-07-02").get_data(as_text=True)
