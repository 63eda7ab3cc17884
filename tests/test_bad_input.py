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


#: The GET routes are walked in this many tests per role (every SHARDS-th route), so that pytest-xdist can spread
#: them: as one test the admin's walk (about 150 routes × 18 sets, 2,772 requests) took 43–47 s, the longest of a CI
#: run, and a test that long, started late, is a pass's last minute. The routes are in the order of their rules
#: (`walkable_rules`), the same in every worker.
SHARDS = 3


@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.parametrize("role", ["admin", "donor_a"])
def test_hostile_query_parameters_never_break_a_page(app, cast, role, shard):
    client = cast["clients"][role]
    problems = []
    mine = [rule for rule in walkable_rules(app) if "GET" in rule.methods][shard::SHARDS]
    assert len(mine) > 40  # a third of the routes, not a walk that found none
    for rule in mine:
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
