"""Lists on a phone (issue 29), in Chromium at 390 px: the queue and the request list are no wider than the screen
(each row a card), the queue's first request is on the first screen, and its decisions are within a thumb's reach;
at a laptop's width the keyboard moves through the queue and ticks a row."""
PHONE = {"width": 390, "height": 844}


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_on_a_phone_the_queue_and_the_requests_fit_the_screen(page, live_server, sign_in):
    sign_in("manager")
    page.set_viewport_size(PHONE)
    for path in ("/queue", "/requests/"):
        page.goto(live_server["url"] + path)
        assert _page_width(page) <= PHONE["width"], path
        table = page.locator("table.list-cards").bounding_box()
        assert table["width"] <= PHONE["width"], path
    page.goto(live_server["url"] + "/queue")
    first = page.locator("table.queue-table tbody tr").first.bounding_box()
    assert first["y"] < PHONE["height"]                     # the first record on the first screen
    decide = page.locator("table.queue-table tbody tr").first.locator("summary").bounding_box()
    assert decide["x"] + decide["width"] <= PHONE["width"] and decide["height"] >= 44
    assert page.console_errors == []


def test_the_queue_s_keys_move_and_tick(page, live_server, sign_in):
    sign_in("manager")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server["url"] + "/queue")
    assert page.locator("#queue-keys").is_visible()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("x")
    current = page.locator("table.queue-table tbody tr.is-current")
    assert current.count() == 1
    assert current.locator("input[name=requests]").is_checked()
    assert "is-current" in page.locator("table.queue-table tbody tr").nth(1).get_attribute("class")
    page.locator("#select-page").check()
    ticks = page.locator("table.queue-table tbody input[name=requests]")
    assert ticks.count() > 1 and all(ticks.nth(i).is_checked() for i in range(ticks.count()))
    page.keyboard.press("a")                                 # from the tick box: a key, not a letter typed
    assert page.evaluate("document.activeElement.id") == "officer-ts-control"  # the officer's picker
    assert page.console_errors == []
