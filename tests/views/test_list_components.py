"""Lists read on a phone (issue 29): filters folded behind a "Filter" button on every width, the active ones shown
as removable chips, a "Sort by" choice for screens without column headers, and every list's table marked to read as
cards below the small breakpoint (palermo.css `.list-cards`)."""
import html
import re

import pytest


def test_active_filters_are_chips_that_remove_themselves(client, login_as):
    login_as("manager")
    page = html.unescape(client.get("/requests/?status=pending&regional_group=African&sort=-id&page=2")
                         .get_data(as_text=True))
    chips = dict(re.findall(r'<a class="filter-chip[^"]*" href="([^"]*)"\s+data-filter="(\w+)"', page))
    chips = {name: href for href, name in chips.items()}
    assert set(chips) == {"status", "regional_group"}            # paging and sort are not filters
    assert chips["status"] == "/requests/?regional_group=African&sort=-id"        # back to the first page
    assert chips["regional_group"] == "/requests/?status=pending&sort=-id"
    assert re.search(r'data-filter="status"><span[^>]*>Remove the filter </span>Status: Pending', page)  # its label
    assert '<details class="filter-fold mb-2">' in page
    assert 'Filter <span class="badge text-bg-secondary">2</span>' in page
    assert 'id="sort-choice" name="sort"' in page and '<option value="-id" selected>' in page
    plain = client.get("/requests/").get_data(as_text=True)
    assert "filter-chip" not in plain and '<details class="filter-fold mb-2">' in plain


def test_a_wrong_filter_opens_the_fold(client, login_as):
    login_as("manager")
    response = client.get("/requests/?received_from=2003-02-30")
    assert response.status_code == 400
    assert '<details class="filter-fold mb-2" open>' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/queue", "/requests/", "/activities/", "/contributions/",
                                  "/experts/", "/states/", "/admin/users", "/admin/audit"])
def test_every_list_reads_as_cards_on_a_phone(client, login_as, path):
    login_as("admin")
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'<table class="[^"]*list-cards[^"]*cards-t\d', page), path
    assert "/static/list_cards.js" in page
