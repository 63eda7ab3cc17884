"""Issue 29 items 7 and 9: help for each role, linked from every page's header; error pages that say what happened
and what to do, in the site's layout (the API keeps answering JSON); controls drawn as what they are."""
import re

import pytest
from werkzeug.exceptions import Conflict, RequestEntityTooLarge, TooManyRequests

from app import create_app

LAYOUT = 'aria-label="Main"'


@pytest.mark.parametrize("role", ["officer", "manager", "donor", "admin"])
def test_each_role_reads_its_guide_from_the_header(client, login_as, role):
    login_as(role)
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<a [^>]*id="help-link" href="/help">Help</a>', home)
    page = client.get("/help").get_data(as_text=True)
    for section in ("What to do first", "How the queue works", "What “inferred” means", "How outcomes are counted"):
        assert section in page, section
    assert 'aria-current="page">' + {"officer": "Project officer", "manager": "Manager", "donor": "Donor",
                                      "admin": "Administrator"}[role] + "</a>" in page


def test_any_guide_by_its_role_and_an_unknown_one_is_a_404(client, login_as):
    login_as("officer")
    assert "the queue" in client.get("/help/manager").get_data(as_text=True)
    missing = client.get("/help/pirate")
    assert missing.status_code == 404 and LAYOUT in missing.get_data(as_text=True)


def test_help_is_for_signed_in_users(client):
    response = client.get("/help")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


@pytest.fixture()
def failing_app():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    raises = {"409": Conflict(), "413": RequestEntityTooLarge(), "429": TooManyRequests()}

    @app.get("/fail/<code>")
    def fail(code):
        if code == "500":
            raise RuntimeError("internal")
        raise raises[code]

    @app.get("/api/v1/fail/<code>")
    def api_fail(code):
        raise raises[code]

    return app


@pytest.mark.parametrize("code, title, advice", [
    ("409", "Changed in the meantime", "Reload the record"),
    ("413", "Too large", "Send a smaller file"),
    ("429", "Too many at once", "Wait until the time given"),
    ("500", "Something went wrong", "tell an administrator"),
])
def test_error_pages_say_what_happened_and_what_to_do(failing_app, code, title, advice):
    response = failing_app.test_client().get(f"/fail/{code}")
    body = response.get_data(as_text=True)
    assert response.status_code == int(code)
    assert f"<h1 class=\"h3 mb-0\">{title}</h1>" in body and advice in body and "What you can do" in body
    assert f"Error code: {code}" in body and '<main id="main"' in body  # in the site's layout


@pytest.mark.parametrize("path, status, advice", [
    ("/no/such/page", 404, "Use the search in the header"),
    ("/admin/users", 403, "ask an administrator"),
])
def test_404_and_403_pages_for_a_signed_in_user(client, login_as, path, status, advice):
    login_as("officer")
    response = client.get(path)
    body = response.get_data(as_text=True)
    assert response.status_code == status and advice in body and LAYOUT in body
    assert 'href="/help"' in body  # the way on


def test_a_405_page_explains_and_the_api_keeps_answering_json(client, login_as, failing_app):
    login_as("officer")
    response = client.get("/logout")
    assert response.status_code == 405 and "use the form on the page" in response.get_data(as_text=True)
    api = failing_app.test_client().get("/api/v1/fail/409")
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "conflict"


def test_a_flag_is_a_checkbox_and_a_choice_is_a_select(client, login_as):
    login_as("manager")
    page = client.get("/requests/").get_data(as_text=True)
    overdue = re.search(r'<input[^>]*name="overdue"[^>]*>', page).group(0)
    assert 'type="checkbox"' in overdue and 'class="form-check-input' in overdue and "form-control" not in overdue
    status = re.search(r'<select[^>]*name="status"[^>]*>', page).group(0)
    assert 'class="form-select' in status
    # A State and an officer: type-ahead pickers, text boxes (a name or a code) until the script makes them
    # comboboxes.
    for name, kind in (("state", "states"), ("assigned_officer", "users")):
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'class="form-control' in box and "form-select" not in box and f'data-picker="{kind}"' in box
