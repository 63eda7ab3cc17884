"""`make bench`'s pieces run (bench/): a benchmark, not a test, measures time; this only checks that its mix
varies what it asks and that the served app notes each request's figures, on a tiny record."""
import json
import sys
from pathlib import Path

import pytest
from werkzeug.test import Client

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import run_mix  # noqa: E402
import served  # noqa: E402
from run_settings import PAGES, RECORDS_PER_KIND  # noqa: E402

PEOPLE = {"accounts": {role: [{"token": f"t-{role}-{i}", "cookie": f"session=c-{role}-{i}"} for i in range(3)]
                       for role in ("officer", "manager", "donor", "admin")},
          "records": {"requests": [11, 12], "activities": [21, 22, 23], "states": ["BOL", "MEX"],
                      "instruments": ["UNTOC", "TIP"], "list_pages": [1, 2, 3]}}


@pytest.mark.parametrize(("name", "role", "template", "extra"), PAGES, ids=[p[0] for p in PAGES])
def test_each_page_of_the_mix_is_asked_by_many_accounts_for_many_things(name, role, template, extra):
    visits = run_mix.visits(name, role, template, extra, PEOPLE)
    assert len(visits) == RECORDS_PER_KIND
    assert all("{" not in path for path, _headers in visits)
    # three accounts take turns: a page with each one's session cookie, the API with its token
    way = "Authorization" if template.startswith("/api/") else "Cookie"
    assert len({h[way] for _p, h in visits}) == 3
    assert all(h[run_mix.PAGE_HEADER] == name for _p, h in visits)
    if "{" in template.replace("{filter}", ""):  # a record, page or year: not the same address every time
        assert len({path for path, _h in visits}) > 1


def test_the_served_app_notes_a_requests_statements_and_size(app, api_as, tmp_path):
    get, _user = api_as("officer")
    served.install()
    try:
        response = Client(served.wrap(app, tmp_path)).get(
            "/api/v1/requests", headers={"Authorization": get.authorization, run_mix.PAGE_HEADER: "API requests"})
        body = response.get_data()
    finally:
        served.uninstall()
    [noted] = [json.loads(line) for path in tmp_path.glob("timings-*.jsonl") for line in path.read_text().splitlines()]
    assert noted["page"] == "API requests" and noted["status"] == 200 and not noted["hit"]
    assert noted["bytes"] == len(body) > 0
    assert noted["statements"] >= 2  # the token, then the list


def test_the_state_page_is_measured_in_french_and_arabic_beside_english(app, api_as, tmp_path):
    """Issue 30: `make bench` measures one page in French and Arabic beside English — the same page, asked with
    Accept-Language (`bench/run.py --pages "State page"`), each visit of the mix in its language, answered in it."""
    by_name = {name: (role, template, extra) for name, role, template, extra in PAGES}
    assert {"State page", "State page, French", "State page, Arabic"} <= set(by_name)
    assert by_name["State page, French"][:2] == by_name["State page, Arabic"][:2] == by_name["State page"][:2]
    get, _user = api_as("officer")
    served.install()
    try:
        for name, language, direction in (("State page", "en", "ltr"), ("State page, French", "fr", "ltr"),
                                          ("State page, Arabic", "ar", "rtl")):
            assert run_mix.missing_language(name) is None  # the catalogue is compiled: the page is measured
            role, template, extra = by_name[name]
            visits = run_mix.visits(name, role, template, extra, PEOPLE)
            assert all(h.get("Accept-Language") == extra.get("Accept-Language") for _p, h in visits)
            path, headers = visits[0]
            headers = dict(headers, Authorization=get.authorization)  # the bench's accounts are not this test's
            body = Client(served.wrap(app, tmp_path)).get(path, headers=headers).get_data(as_text=True)
            assert f'<html lang="{language}" dir="{direction}">' in body, name
    finally:
        served.uninstall()
    noted = [json.loads(line) for path in tmp_path.glob("timings-*.jsonl") for line in path.read_text().splitlines()]
    assert sorted(n["page"] for n in noted) == ["State page", "State page, Arabic", "State page, French"]
    assert all(n["status"] == 200 for n in noted)


def test_the_mix_times_the_forms_with_pickers_and_the_pickers_searches():
    """Issue 29, speed: `make bench` adds the activity form and a picker's query (the forms render only what they
    hold; each picker answers from an index)."""
    paths = {template for _name, _role, template, _extra in PAGES}
    assert {"/activities/{activity}/edit", "/activities/new"} <= paths
    assert {"/api/v1/lookup/states?q={prefix}", "/api/v1/lookup/requests?q={prefix}"} <= paths
