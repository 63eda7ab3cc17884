"""A person's path through the app in a real browser: sign in, read the annex, be kept out, sign out."""
from tests.e2e.session import sign_out


def test_sign_in_read_the_annex_and_sign_out(page, live_server, sign_in):
    sign_in("officer")
    assert "/login" not in page.url
    page.goto(live_server["url"] + "/reports/ratification-status?as_of=2003-07-02")
    text = page.inner_text("main")
    for name in ("Monaco", "Serbia and Montenegro", "Armenia", "Belarus", "Mexico"):
        assert name in text
    assert "not in the annex of A/58/165" in text  # the record's Armenian Protocol deposits of 1 July 2003
    assert "On 4 February 2003" in text
    sign_out(page)  # a POST from the account menu in the navigation bar
    page.goto(live_server["url"] + "/")
    assert "/login" in page.url
    assert page.console_errors == []  # no CSP violation, no script error


def test_wrong_password_is_refused_without_saying_why(page, sign_in):
    sign_in("officer", password="not-the-password")
    assert "/login" in page.url
    assert "Email or password is incorrect" in page.inner_text("main")


def test_donor_is_kept_out_of_the_queue(page, live_server, sign_in):
    sign_in("donor")
    response = page.goto(live_server["url"] + "/api/v1/requests")
    assert response.status == 403


def test_an_admin_imports_a_newer_table_with_a_preview_first(page, live_server, sign_in, tmp_path):
    """The shipped 2014 table is the record already: a newer one (a deposit of 2015 added) adds that deposit and
    makes the record complete to the day the person states (never to today by itself)."""
    from app.seed.reference import DATA
    newer = tmp_path / "FIREARMS-newer.csv"
    newer.write_text((DATA / "untc" / "XVIII-12-c-FIREARMS.csv").read_text(encoding="utf-8").rstrip("\n")
                     + "\nFiji,,2 Jun 2015 a\n", encoding="utf-8")
    sign_in("admin")
    page.goto(live_server["url"] + "/treaties/import")
    page.select_option("select[name=instrument]", "FIREARMS")
    page.set_input_files("input[name=file]", str(newer))
    page.fill("input[name=complete_to]", "2015-06-30")
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    preview = page.inner_text("main")
    assert preview.startswith("Preview: FIREARMS-newer.csv") and "1 to add, 0 to change, 161 unchanged" in preview
    page.click("text=Confirm the import")
    page.wait_for_load_state()
    # Confirming runs as a job (issue 28): the browser lands on its page, which says what was imported and links on.
    assert "/jobs/" in page.url
    assert "Imported FIREARMS-newer.csv" in page.inner_text("main")
    assert page.locator('main a[href="/instruments/FIREARMS"]').count() == 1
    page.goto(live_server["url"] + "/api/v1/instruments?as_of=2015-12-31")
    firearms = next(i for i in page.evaluate("() => JSON.parse(document.body.innerText)")["items"]
                    if i["code"] == "FIREARMS")
    assert firearms["entry_into_force"] == "2005-07-03" and firearms["parties"] == 110
    assert firearms["record_complete_to"] == "2015-06-30"


def test_the_import_preview_has_its_own_address_survives_a_reload_and_shows_the_decision_first(
        page, live_server, sign_in, tmp_path):
    """A reload of the preview posts nothing; the summary and the button are on screen without scrolling. The table
    is the shipped one with one deposit corrected and one added, so that it has a change, an addition and unchanged
    rows."""
    import re

    from app.seed.reference import DATA
    newer = tmp_path / "TIP-newer.csv"
    text = (DATA / "untc" / "XVIII-12-a-TIP.csv").read_text(encoding="utf-8")
    newer.write_text(text.replace("Albania,12 Dec 2000,21 Aug 2002", "Albania,12 Dec 2000,22 Aug 2002").rstrip("\n")
                     + "\nFiji,,2 Jun 2015 a\n", encoding="utf-8")
    sign_in("admin")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server["url"] + "/treaties/import")
    page.select_option("select[name=instrument]", "TIP")
    page.set_input_files("input[name=file]", str(newer))
    page.fill("input[name=complete_to]", "2015-06-30")
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    assert re.search(r"/treaties/import/[A-Za-z0-9_-]{24}$", page.url), page.url
    preview_url = page.url
    requests = []
    page.on("request", lambda r: requests.append((r.method, r.url)))
    page.reload()
    page.wait_for_load_state()
    assert page.url == preview_url and ("GET", preview_url) in requests
    assert not any(method == "POST" for method, _ in requests)  # the file is not sent again
    summary = page.locator("#summary")
    button = page.locator("text=Confirm the import")
    assert "1 to add, 1 to change" in summary.inner_text()
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800  # above the fold
    text = page.inner_text("main")
    assert text.index("To change (1)") < text.index("Unchanged (")
    button.click()
    page.wait_for_load_state()
    assert "/jobs/" in page.url and "Imported TIP-newer.csv" in page.inner_text("main")  # a job (issue 28)
    assert page.locator('main a[href="/instruments/TIP"]').count() == 1
    page.goto(preview_url)  # the preview, once imported, says so
    assert "already imported" in page.inner_text("main")
