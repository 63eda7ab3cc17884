"""Bad input never produces a 500: every GET route, with hostile query parameters, for staff and a donor.

The API answers 4xx errors in its JSON shape; pages answer with a page.
"""
import pytest

from tests.test_url_map import cast, fill_arguments, walkable_rules  # noqa: F401  (cast is a fixture)

HOSTILE = [
    {"as_of": "2003-02-30"}, {"as_of": "yesterday"}, {"as_of": "99999-01-01"}, {"as_of": "\x00"},
    {"page": "-3"}, {"page": "1e9"}, {"per_page": "100000"}, {"per_page": "-1"},
    {"sort": "-"}, {"sort": "password_hash"}, {"q": "%' OR 1=1 --"}, {"q": "\u202e" * 300},
    {"instrument": "NOPE"}, {"status": "deleted"}, {"kind": ["mission", "workshop"]},
    {"date_from": "2003-13-01", "date_to": "x"}, {"state": "ZZZ"}, {"regional_group": "Atlantis"},
]


@pytest.mark.parametrize("role", ["admin", "donor_a"])
def test_hostile_query_parameters_never_break_a_page(app, cast, role):
    client = cast["clients"][role]
    problems = []
    for rule in walkable_rules(app):
        if "GET" not in rule.methods:
            continue
        values, _missing = fill_arguments(rule)
        path = rule.build(values)[1]
        for params in HOSTILE:
            response = client.get(path, query_string=params)
            if response.status_code >= 500:
                problems.append(f"{path} {params}: {response.status_code}")
            elif path.startswith("/api/") and response.status_code >= 400:
                error = (response.get_json(silent=True) or {}).get("error", {})
                if not error.get("message"):
                    problems.append(f"{path} {params}: {response.status_code} without a JSON error")
    assert problems == []
