"""Issue 28 in a real browser, against the served app and a real SMTP server in the test process: a manager assigns
a request → the officer's bell shows 1 and the e-mail arrives; the forgotten-password flow end to end."""
import re
import time

from tests.e2e.session import sign_out
from tests.e2e.typeahead import pick


def _wait_for(inbox, address: str, count: int = 1, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = inbox.to(address)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no message to {address} arrived; the server has {len(inbox.messages)}")



def test_an_assignment_rings_the_officer_s_bell_and_sends_the_e_mail(page, live_server, sign_in):
    url, inbox = live_server["url"], live_server["inbox"]
    officer = live_server["accounts"]["assignee"]
    sign_in("manager")
    page.goto(url + "/queue")
    row = page.locator("tr[id^=request-]").first
    request_id = row.get_attribute("id").removeprefix("request-")
    row.locator("input[name=requests]").check()
    page.click("details.triage-fold > summary")  # the triage bar, folded until asked for
    pick(page, "officer", officer)  # the officer's picker: active officers and managers
    page.click("#bulk-assign-button")
    page.wait_for_load_state()
    assert "1 request assigned" in page.inner_text("main")
    sign_out(page)

    sign_in("assignee")
    assert page.locator("#bell [data-unread]").inner_text() == "1"
    (message,) = _wait_for(inbox, officer)
    text = message.get_body(("plain",)).get_content()
    assert f"Request #{request_id}" in message["Subject"] and f"{url}/requests/{request_id}" in text
    assert "/account/profile#preferences" in message.get_body(("html",)).get_content()
    page.click("#bell")
    page.wait_for_load_state()
    page.click(f"main a[href='/requests/{request_id}']")
    page.wait_for_load_state()
    assert page.url.endswith(f"/requests/{request_id}")
    page.goto(url + "/notifications")
    page.click("main button:has-text('Mark all read')")
    page.wait_for_load_state()
    assert page.locator("#bell [data-unread]").inner_text() == "0"
    assert page.console_errors == []


def test_a_forgotten_password_is_replaced_through_the_e_mailed_link(page, live_server):
    url, inbox = live_server["url"], live_server["inbox"]
    email, new = live_server["accounts"]["forgetful"], "a-brand-new-e2e-passphrase"
    page.goto(url + "/login")
    page.click("text=Forgotten your password?")
    page.wait_for_load_state()
    page.fill("input[name=email]", email)
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/login") and "If an account has that address" in page.inner_text("main")
    (message,) = _wait_for(inbox, email)
    link = re.search(r"http://\S+/password/reset/\S+", message.get_body(("plain",)).get_content()).group(0)
    assert link.startswith(url)
    page.goto(link)
    page.fill("input[name=password]", new)
    page.fill("input[name=confirm]", new)
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/login") and "sign in with it" in page.inner_text("main")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", new)
    page.click("form [type=submit]")
    page.wait_for_load_state()
    assert not page.url.endswith("/login")
    assert page.console_errors == []
    page.goto(link)  # used once already: a 400 that says why
    assert "already been used" in page.inner_text("main")
