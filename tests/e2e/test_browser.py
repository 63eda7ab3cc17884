"""A person's path through the app in a real browser: sign in, read the annex, be kept out, sign out."""


def test_sign_in_read_the_annex_and_sign_out(page, live_server, sign_in):
    sign_in("officer")
    assert "/login" not in page.url
    page.goto(live_server["url"] + "/reports/ratification-status?as_of=2003-07-02")
    text = page.inner_text("main")
    for name in ("Monaco", "Serbia and Montenegro", "Armenia", "Belarus", "Mexico"):
        assert name in text
    assert "On 4 February 2003" in text
    page.click("nav form [type=submit]")  # sign out is a POST from the navigation bar
    page.wait_for_load_state()
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
