"""Static files under addresses that name their content (app/static_versions.py): a page's style sheets and scripts
are kept by the browser for a year instead of being asked for again on every page."""
import re

from flask import url_for

from app.static_versions import KEPT_FOR, file_version


def test_every_style_sheet_and_script_of_a_page_names_its_version(client, login_as):
    login_as("officer")
    page = client.get("/requests/new?state=BIH").get_data(as_text=True)
    addresses = re.findall(r'(?:href|src)="(/(?:bootstrap/)?static/[^"]+)"', page)
    assert len(addresses) >= 7  # Bootstrap's style sheet and scripts, and the app's own
    for address in addresses:
        assert re.search(r"[?&]v=[0-9a-f]{12}$", address), address


def test_the_current_version_is_kept_a_year_any_other_is_asked_again(app, client):
    with app.test_request_context():
        current = url_for("static", filename="palermo.css")
        bootstrap = url_for("bootstrap.static", filename="css/bootstrap.min.css")
    for address in (current, bootstrap):
        response = client.get(address)
        assert response.status_code == 200 and response.headers["Cache-Control"] == KEPT_FOR, address
    for address in ("/static/palermo.css", "/static/palermo.css?v=000000000000"):
        response = client.get(address)
        assert response.status_code == 200, address
        assert "immutable" not in response.headers.get("Cache-Control", ""), address


def test_a_changed_file_has_a_new_version_and_nothing_outside_the_folder_has_one(tmp_path):
    sheet = tmp_path / "site.css"
    sheet.write_text("body { color: black }")
    before = file_version(str(tmp_path), "site.css")
    sheet.write_text("body { color: navy }")
    after = file_version(str(tmp_path), "site.css")
    assert before and after and before != after
    (tmp_path.parent / "outside.css").write_text("x")
    assert file_version(str(tmp_path), "../outside.css") is None
    assert file_version(str(tmp_path), "missing.css") is None
