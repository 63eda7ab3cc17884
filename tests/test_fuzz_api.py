"""Schemathesis against /api/v1/openapi.json, in process (WSGI), as each role with its own bearer token.

The operations come from the document itself, so an endpoint added to the API (and so to the document) is fuzzed
without touching this file. Every answer must be no 5xx and conform to the document: a status code it lists,
its content type, its schema, and bad input (negative mode) refused with a 4xx.

One test per operation; each case drawn is sent as every role in turn, so each role meets the same number of cases
as before at a quarter of the cost (drawing a case from the document's schemas takes nine tenths of the time, the
calls the rest). The number of examples is modest on purpose: `make test-deep` (or FUZZ_EXAMPLES and
HYPOTHESIS_PROFILE=deep) runs far more, with random seeds.
"""
import os

import pytest
import schemathesis
from hypothesis import assume, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from models import ApiToken
from tests import scoping_probes
from tests.conftest import PASSWORD

ROLES = ["officer", "manager", "donor", "admin"]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))


@pytest.fixture()
def tokens(app, make_user, session, monkeypatch):
    """A bearer token per role; the donor's bound to a donor whose contributions fund records the others see too,
    so that item endpoints meet real ids of both kinds (visible and not)."""
    # A longer run by hand (FUZZ_EXAMPLES) must not meet the per-token rate limit (tests/test_limits.py has it).
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1000000 per minute")
    side_a, _side_b, _shared = scoping_probes.build_two_donors(PASSWORD)
    users = {"officer": make_user("officer"), "manager": make_user("manager"), "admin": make_user("admin"),
             "donor": side_a.user}
    raw = {}
    for role, user in users.items():
        token, raw[role] = ApiToken.issue(user, "fuzz", scope="read write")  # the writes are fuzzed too
        session.add(token)
    session.commit()
    return raw


#: A write naming a version that is not the record's (If-Match) is refused with 412 before its body is read
#: (RFC 9110 §13.2.2: preconditions come before the method's own work), so 412 is a refusal of bad data too.
CONFIG = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": [
    400, 401, 403, 404, 405, 406, 409, 412, 415, 422, 428, 429, "5xx"]}}})


def load_schema(app, raw_token: str):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG,
                                          headers={"Authorization": f"Bearer {raw_token}"})


def reversed_range(query: dict) -> bool:
    """A period whose end (`…_to`) is before its start (`…_from`): a 400 that JSON Schema cannot express (it
    relates two parameters), so a "valid" case must not be one."""
    for name, end in query.items():
        if name.endswith("_to") and isinstance(end, str):
            start = query.get(name.removesuffix("_to") + "_from")
            if isinstance(start, str) and end < start:  # YYYY-MM-DD compares as text
                return True
    return False


def foreign_set(case) -> bool:
    """A lookup narrowed to a set its kind does not have (`/lookup/states?among=staff`): a 400 that JSON Schema
    cannot express either (the path's kind decides which values of `among` hold)."""
    from app.services.overview.lookup import KINDS
    among = (case.query or {}).get("among")
    kind = (case.path_parameters or {}).get("kind")
    return bool(among) and kind in KINDS and among not in KINDS[kind].among


def fuzz_operation(operation, callers: dict, mode: GenerationMode, examples: int, counter: list) -> None:
    """Run `examples` cases of one operation in one generation mode, each sent as every caller (role -> headers);
    raise on the first failing check, naming the role."""

    @settings(max_examples=examples)  # the rest from the Hypothesis profile (tests/conftest.py)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if mode is GenerationMode.POSITIVE:
            assume(not reversed_range(case.query or {}) and not foreign_set(case))
        for role, headers in callers.items():
            counter[0] += 1
            response = case.call(headers=headers)
            assert response.status_code < 500, \
                f"{role}: {case.method} {case.formatted_path} {case.query}: {response.status_code}"
            # A write the body's schema allows may still be refused by the rules (an unknown State, a donor that
            # does not exist, no instrument ticked): the document's 422 says so. Every other check holds for writes.
            excluded = [positive_data_acceptance] if case.method.upper() in WRITES else []
            try:
                case.validate_response(response, headers=headers, excluded_checks=excluded)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - said with the role that met it
                raise AssertionError(f"as {role}: {exc}") from exc

    run()


def _operation_ids() -> list[str]:
    """Every operation of the document, read from the url_map as app/api/openapi.py builds it, at collection time:
    one test per role and operation, so that pytest-xdist spreads them and a failure names its operation."""
    from app import create_app
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    ids = []
    for rule in app.url_map.iter_rules():
        # The document's own address is what schemathesis reads, and it leaves it out of the operations.
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            ids += [rule.endpoint.removeprefix("api.") + (f"_{m.lower()}" if len(methods) > 1 else "")
                    for m in methods]
    return sorted(ids)


OPERATIONS = _operation_ids()


def test_every_operation_of_the_document_is_fuzzed(app, tokens):
    """The list the tests below are made from is the document's own."""
    schema = load_schema(app, tokens["admin"])
    documented = sorted(result.ok().definition.raw["operationId"] for result in schema.get_all_operations())
    assert documented == OPERATIONS and len(OPERATIONS) >= 10, set(documented) ^ set(OPERATIONS)


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_the_api_conforms_to_its_document_under_fuzzing(app, tokens, operation_id):
    callers = {role: {"Authorization": f"Bearer {tokens[role]}"} for role in ROLES}
    operation = load_schema(app, tokens["admin"]).find_operation_by_id(operation_id)
    counter, failures = [0], []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        try:
            fuzz_operation(operation, callers, mode, EXAMPLES, counter)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - both modes reported
            failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert counter[0] >= len(ROLES)  # every role was sent at least one case
    assert not failures, "\n\n".join(failures)


# ------------------------------------------------------------------ what the fuzzing found, pinned
def test_what_the_fuzzing_found_stays_fixed(api_as, login_as, client):
    """Each answered as the document says: a yes/no filter takes yes or no only (`overdue=no` meant yes), any
    account id filters (an unknown one listed a 400 the document did not mention), empty values are "not given",
    and a lower-case State code is that State."""
    get, _user = api_as("manager")
    refused = get("/api/v1/requests?overdue=no")
    assert refused.status_code == 400 and "overdue" in refused.get_json()["error"]["fields"]
    for query in ("overdue=false", "overdue=true", "overdue=y", "overdue=", "assigned_officer=999999",
                  "page=&per_page=&sort=&status=", "state=bol"):
        assert get(f"/api/v1/requests?{query}").status_code == 200, query
    assert get("/api/v1/queue?assigned_officer=2147483647").get_json()["total"] == 0
    twice = get("/api/v1/mentions?q=a&q=b")  # one value taken, the other would have been dropped unsaid
    assert twice.status_code == 400 and "q" in twice.get_json()["error"]["fields"]
    doc = get("/api/v1/openapi.json").get_json()
    for path, operations in doc["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):  # some paths only write
            if parameter["in"] == "query" and parameter["name"] in ("page", "per_page", "q", "status"):
                assert parameter.get("allowEmptyValue") is True, (path, parameter["name"])
            if parameter["schema"].get("format") == "date":
                assert parameter["schema"]["pattern"].startswith("^(19|20|21)"), (path, parameter["name"])
