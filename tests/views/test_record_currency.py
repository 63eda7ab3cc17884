""""Today" on a record that ends earlier (issue 24, item 2): figures counted to today either stop at the day the
treaty record is complete to or say beside them that later deposits are not recorded; requests and activities of
2003 still pending or planned are shown with their age, not as current work."""
from datetime import date


# ------------------------------------------------------------------ "today" on a record that ends earlier (item 2)
def test_the_annex_envelope_says_its_figures_stop_at_2_july_2003(api_as):
    get, _ = api_as("officer")
    today = date.today()
    annex = get("/api/v1/instruments?source=annex").get_json()
    assert annex["as_of"] == today.isoformat() and annex["counted_to"] == "2003-07-02"
    assert annex["note"].startswith("The annex of A/58/165 as printed holds deposits up to 2 July 2003: deposits "
                                    "after that day are not recorded")
    record = get("/api/v1/instruments").get_json()
    assert record["counted_to"] == "2014-01-01" and "not recorded" in record["note"]
    within = get("/api/v1/instruments?as_of=2003-07-02&source=annex").get_json()
    assert within["counted_to"] == "2003-07-02" and within["note"] is None
    parties = get("/api/v1/instruments/SOM/parties").get_json()
    assert parties["counted_to"] == "2014-07-01" and "1 July 2014" in parties["note"]
