"""Signing out in the browser, as a person does: the account menu in the header, then its "Sign out" (a POST)."""


def sign_out(page):
    if not page.locator("nav form[action='/logout'] [type=submit]").is_visible():
        if page.locator("button.navbar-toggler").is_visible():  # a phone: the menu is folded first
            page.click("button.navbar-toggler")
            page.wait_for_selector("#main-menu.collapse.show")
        page.click("#account-menu")
    page.click("nav form[action='/logout'] [type=submit]")
    page.wait_for_load_state()
