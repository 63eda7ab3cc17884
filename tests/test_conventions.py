"""The conventions every page and endpoint builds on: an explicit scope, one filter form per list for pages and
API alike, one refusal class, one date parser, hostile input refused with a 4xx, every unexpected error logged."""
import inspect
import json
import logging
from datetime import date

import pytest

from app import scoping
from app.services.accounts import users as user_service
from app.services.activities import activity_reads
from app.services.core.errors import Refused
from app.services.funding import contributions as contribution_service
from app.services.registry import experts as expert_service
from app.services.registry import organizations as organization_service
from app.services.registry import states as state_service
from app.services.requests import request_reads
from forms.accounts.users import UserFilterForm
from forms.activities import ActivityFilterForm
from forms.base import parse_as_of, parse_date
from forms.funding.contributions import ContributionFilterForm
from forms.registry.experts import ExpertFilterForm
from forms.registry.states import StateFilterForm
from forms.requests import RequestFilterForm
from tests import factories
from tests.helpers import count_queries

READ_SERVICES = [activity_reads, request_reads, expert_service, contribution_service, state_service,
                 organization_service]


# ------------------------------------------------------------------ scope
def test_for_user_refuses_a_missing_or_anonymous_user():
    from flask_login import AnonymousUserMixin
    with pytest.raises(TypeError):
        scoping.for_user(None)
    with pytest.raises(TypeError):
        scoping.for_user(AnonymousUserMixin())


@pytest.mark.parametrize("service", READ_SERVICES, ids=lambda s: s.__name__.rsplit(".", 1)[-1])
def test_every_read_service_takes_a_scope_without_default(service):
    for name in ("query", "list_page", "get"):
        parameters = inspect.signature(getattr(service, name)).parameters
        scope = parameters.get("scope")
        assert scope is not None and scope.default is inspect.Parameter.empty, f"{service.__name__}.{name}"


def test_a_donor_bound_to_no_donor_sees_nothing(session):
    class Unbound:
        is_authenticated, role, donor_id, id = True, "donor", None, 0
    scope = scoping.for_user(Unbound())
    assert scope.is_donor and scope.donor_id == -1
    assert activity_reads.list_page(scope, activity_reads.ActivityFilters(), activity_reads.Paging()).total == 0


# ------------------------------------------------------------------ one declaration per list
@pytest.mark.parametrize("form_cls, service", [
    (ActivityFilterForm, activity_reads), (RequestFilterForm, request_reads), (ExpertFilterForm, expert_service),
    (ContributionFilterForm, contribution_service), (StateFilterForm, state_service), (UserFilterForm, user_service)])
def test_filter_forms_and_services_name_the_same_sorts_and_filters(app, form_cls, service):
    assert set(form_cls.SORTS) == set(service.SORTS)
    assert form_cls.DEFAULT_SORT.lstrip("-") in service.SORTS
    filters_cls = next(v for k, v in vars(service).items() if k.endswith("Filters"))
    with app.test_request_context():
        form = form_cls(formdata=None)
        assert set(form.filter_values()) == set(filters_cls.__dataclass_fields__)


def test_the_openapi_document_is_built_from_the_filter_forms(api_as):
    doc = api_as("officer")[0]("/api/v1/openapi.json").get_json()
    params = {p["name"]: p for p in doc["paths"]["/api/v1/activities"]["get"]["parameters"]}
    assert set(params) == {f.name for f in ActivityFilterForm(formdata=None, meta={"csrf": False})}
    assert params["page"]["schema"]["minimum"] == 1 and params["per_page"]["schema"]["minimum"] == 1
    assert params["per_page"]["schema"]["maximum"] == 500
    assert params["kind"]["schema"]["enum"][0] == "mission"
    assert params["date_from"]["schema"]["format"] == "date"
    as_of = {p["name"]: p for p in doc["paths"]["/api/v1/instruments"]["get"]["parameters"]}["as_of"]
    assert as_of["schema"]["minLength"] == 10  # an empty value does not satisfy it …
    assert api_as("officer")[0]("/api/v1/instruments?as_of=").status_code == 400  # … and the API refuses it
    item = {p["name"]: p for p in doc["paths"]["/api/v1/activities/{activity_id}"]["get"]["parameters"]}
    assert item["activity_id"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


# ------------------------------------------------------------------ dates
@pytest.mark.parametrize("raw, message", [("2003-02-30", "is not a date"), ("yesterday", "is not a date"),
                                          ("9999-12-31", "out of range"), ("0001-01-01", "out of range")])
def test_one_date_parser_with_one_message(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_date(raw)


def test_as_of_defaults_to_the_given_day():
    assert parse_as_of("", date(2003, 7, 2)) == date(2003, 7, 2)
    assert parse_as_of(" 2003-07-02 ", date(2020, 1, 1)) == date(2003, 7, 2)


def test_every_date_field_of_every_form_is_the_one_date_input():
    """Native date inputs everywhere (`as_of` included), all read by parse_date."""
    import importlib
    import pkgutil

    from wtforms import DateField, Field
    from wtforms.form import FormMeta

    import forms
    from forms.base import DateInputField
    found = []
    for module_info in pkgutil.walk_packages(forms.__path__, prefix="forms."):
        module = importlib.import_module(module_info.name)
        for cls in vars(module).values():
            if not isinstance(cls, FormMeta):
                continue
            for name in dir(cls):
                unbound = getattr(cls, name, None)
                field_class = getattr(unbound, "field_class", None)
                if field_class is None or not issubclass(field_class, Field):
                    continue
                if issubclass(field_class, DateField) or name == "as_of" or name.endswith("_date"):
                    found.append((cls.__name__, name, field_class))
    assert found and all(issubclass(f, DateInputField) for _, _, f in found), found
    assert DateInputField.widget.input_type == "date"


# ------------------------------------------------------------------ hostile input, on every engine
@pytest.mark.parametrize("path", [
    "/api/v1/missions/99999999999999999999", "/api/v1/requests/18446744073709551616",
    "/admin/users/9223372036854775808"])
def test_an_id_beyond_the_database_range_is_a_404(client, login_as, path):
    login_as("admin")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/requests?page=99999999999999999999",
                                  "/api/v1/missions?per_page=99999999999999999999",
                                  "/api/v1/instruments?as_of=9999-12-31",
                                  "/api/v1/missions?date_to=9999-12-31",
                                  "/api/v1/experts?q=a%00b"])
def test_hostile_api_parameters_are_a_400_in_json(client, login_as, path):
    login_as("admin")
    response = client.get(path)
    assert response.status_code == 400 and response.get_json()["error"]["message"]


@pytest.mark.parametrize("path", ["/states/?page=99999999999999999999", "/instruments/UNTOC?as_of=9999-12-31",
                                  "/states/?q=%00", "/admin/audit?record_id=99999999999999999999",
                                  "/reports/ratification-status?as_of=0001-01-01"])
def test_hostile_page_parameters_are_a_400_page(client, login_as, path):
    login_as("admin")
    assert client.get(path).status_code == 400


def test_a_nul_byte_in_a_form_field_is_refused_before_any_query(client, make_user):
    """Issue 25: the form is shown again with the message beside the field (forms.base.AppForm); the value its
    validators and the sign-in saw had the NUL taken out, and the refusal signs nobody in."""
    from tests.conftest import PASSWORD, csrf_token
    from tests.helpers import field_errors
    user = make_user("officer")
    response = client.post("/login", data={"email": user.email + "\x00", "password": PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 200 and any("NUL" in m for m in field_errors(response.get_data(as_text=True),
                                                                                "email"))
    assert client.get("/requests/").status_code in (302, 401)


def test_a_wrong_method_names_the_allowed_ones(client, login_as):
    login_as("officer")
    response = client.post("/api/v1/me")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS"


# ------------------------------------------------------------------ refusals
def test_a_refusal_names_its_fields(app):
    refused = Refused({"amount": "Too much.", None: "And the whole record is wrong."})
    assert refused.field == "amount" and refused.fields() == {"amount": "Too much.",
                                                              "_record": "And the whole record is wrong."}
    assert Refused("Only this.", "name").errors == {"name": "Only this."}


# ------------------------------------------------------------------ logging
@pytest.fixture()
def failing_route(monkeypatch):
    """The home page, made to fail the way a broken database would."""
    from app.services.overview import home_figures

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database fell over")
    monkeypatch.setattr(home_figures, "figures", broken)
    return "/"


def _capture(app):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append((record, self.format(record)))
    handler = Keep()
    handler.setFormatter(app.logger.handlers[0].formatter)
    for f in app.logger.handlers[0].filters:
        handler.addFilter(f)
    logging.getLogger("palermo").addHandler(handler)
    return records, handler


def test_an_unexpected_error_is_logged_with_its_traceback_and_request(app, client, login_as, failing_route):
    user = login_as("officer")
    records, handler = _capture(app)
    try:
        response = client.get(failing_route + "?x=1")
    finally:
        logging.getLogger("palermo").removeHandler(handler)
    assert response.status_code == 500 and "Something went wrong" in response.get_data(as_text=True)
    record, line = next((r, text) for r, text in records if r.levelno == logging.ERROR)
    assert record.exc_info and "the database fell over" in line and "Traceback" in line
    assert record.method == "GET" and record.path == failing_route and record.user_id == user.id


def test_the_json_log_format_writes_one_object_per_line(app):
    from app.log import JsonFormatter, log_fields
    record = logging.LogRecord("palermo.cli", logging.INFO, __file__, 1, "imported %s", ("TIP",), None)
    record.__dict__.update(log_fields(added=3))
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "imported TIP" and entry["added"] == 3 and entry["level"] == "INFO"


def test_the_import_logs_what_it_did(app, session):
    from app.seed.reference import DATA
    from app.services.treaties.treaty_import import import_file
    records, handler = _capture(app)
    try:
        import_file(DATA / "untc" / "XVIII-12-c-FIREARMS.csv", "FIREARMS")
    finally:
        logging.getLogger("palermo").removeHandler(handler)
    assert any(r.name == "palermo.import" and "FIREARMS" in text and "added" in text for r, text in records)


# ------------------------------------------------------------------ factories and query budgets
def test_the_factories_build_valid_records(session):
    activity = factories.activity(visits=[("ROU", date(2002, 1, 8), date(2002, 1, 11)),
                                          ("ROU", date(2002, 11, 5), date(2002, 11, 6))], served=["ROU"])
    request = factories.request("ROU", instruments=["UNTOC", "TIP"])
    activity.requests.append(request)
    contribution = factories.contribution()
    factories.allocation(contribution, activity)
    factories.deployment(factories.expert(), activity)
    finding = factories.finding("ROU", activity=activity)
    session.flush()
    assert activity.start_date == date(2002, 1, 8) and activity.end_date == date(2002, 11, 6)
    assert request.activities == [activity] and finding.history[0].status == "identified"


def test_the_activity_list_costs_the_same_queries_at_any_size(api_as, session):
    get, _ = api_as("officer")
    get("/api/v1/activities?per_page=100")  # warm: the token's first use

    def cost():
        session.expunge_all()  # as a new request's session would be: nothing already loaded
        with count_queries() as statements:
            assert get("/api/v1/activities?per_page=100").status_code == 200
        return len(statements)
    small = cost()
    expert = factories.expert()
    for _ in range(30):
        activity = factories.activity(served=["BOL", "PER"], participants=["CHL"])
        factories.deployment(expert, activity)
    session.commit()
    assert cost() == small


def test_the_second_engines_pass_keeps_every_test_that_touches_a_database():
    """.ci/run's PostgreSQL pass (--engine-tests-only) drops only tests with no database: a test using the app, or
    one of the modules that make databases of their own, is kept."""
    from types import SimpleNamespace

    from tests.conftest import _touches_the_database

    def item(module, *fixtures):
        return SimpleNamespace(fixturenames=fixtures, fspath=SimpleNamespace(basename=module))
    assert _touches_the_database(item("test_requests.py", "client", "app"))
    assert _touches_the_database(item("test_backup.py", "tmp_path"))
    assert _touches_the_database(item("test_migrations.py"))
    assert not _touches_the_database(item("test_treaties_rules.py", "tmp_path"))
