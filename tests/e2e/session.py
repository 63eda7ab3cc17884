"""A person's session in the browser: a tab that notes its console errors, signing in through the real form, and
signing out as a person does (the account menu in the header, then its "Sign out", a POST)."""


def noting_console_errors(page):
    """`page`, with `page.console_errors`: every error its console prints (a CSP violation, a script's fault)."""
    page.console_errors = []
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    return page


def sign_in(page, live_server, role, password=None):
    """Sign `page` in as the account of `role` through the real login form."""
    page.goto(live_server["url"] + "/login")
    page.fill("input[name=email]", live_server["accounts"][role])
    page.fill("input[name=password]", password or live_server["password"])
    page.click("form [type=submit]")
    page.wait_for_load_state()


def sign_out(page):
    # The menu opens by Bootstrap's script: a page still being parsed (a form's answer, read as soon as its text was
    # there) ignored the click, and "Sign out" stayed hidden (a CI run of 7 December).
    page.wait_for_load_state()
    if not page.locator("nav form[action='/logout'] [type=submit]").is_visible():
        if page.locator("button.navbar-toggler").is_visible():  # a phone: the menu is folded first
            page.click("button.navbar-toggler")
            page.wait_for_selector("#main-menu.collapse.show")
        page.click("#account-menu")
    page.click("nav form[action='/logout'] [type=submit]")
    page.wait_for_load_state()
