"""Timelines whole (issue 24, item 5): a State's timeline shows each visit of an activity on its own days, and work
planned after today, marked planned — on the State page and in GET /api/v1/states/{code}/timeline."""
from datetime import date, timedelta

from models import db
from tests import factories


def rou_items(get, query="instrument=UNTOC&per_page=500"):
    return get(f"/api/v1/states/ROU/timeline?{query}").get_json()["items"]


def test_each_visit_of_romanias_mission_is_on_the_api_timeline_before_its_deposit(api_as, session):
    get, _ = api_as("officer")
    items = rou_items(get)
    visits = [e for e in items if e["kind"] == "activity" and e["date"] in ("2002-01-08", "2002-11-05")]
    assert [e["date"] for e in visits] == ["2002-01-08", "2002-11-05"]
    assert visits[0]["record"] == visits[1]["record"]  # one activity, two visits
    assert "visit 1 of 2" in visits[0]["detail"] and "visit 2 of 2" in visits[1]["detail"]
    assert "5 November 2002 to 6 November 2002" in visits[1]["detail"]
    deposit = next(e for e in items if e["kind"] == "deposit")
    assert deposit["date"] == "2002-12-04"
    assert items.index(visits[0]) < items.index(visits[1]) < items.index(deposit)
    assert not any(e["planned"] for e in items)
    # As at a day between the visits, the second is not on it yet.
    before = rou_items(get, "instrument=UNTOC&as_of=2002-07-01&per_page=500")
    assert [e["date"] for e in before if e["record"] == visits[0]["record"]] == ["2002-01-08"]


def test_each_visit_is_on_the_state_page(client, login_as):
    login_as("officer")
    page = client.get("/states/ROU?instrument=UNTOC&as_of=2003-07-02").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):page.index("</table>", page.index('id="timeline"'))]
    assert timeline.index("8 January 2002") < timeline.index("5 November 2002") < timeline.index("4 December 2002")


def test_a_mission_planned_for_next_month_is_on_the_timeline_marked_planned(client, login_as, api_as):
    start = date.today() + timedelta(days=30)
    factories.activity(visits=[("ROU", start, start + timedelta(days=2), "Bucharest")], served=["ROU"],
                       status="planned", title="Mission planned next month")
    db.session.commit()
    get, _ = api_as("officer")
    planned = [e for e in rou_items(get) if e["title"] == "Mission planned next month"]
    assert len(planned) == 1 and planned[0]["planned"] is True and planned[0]["date"] == start.isoformat()
    assert planned[0]["detail"].startswith("Planned; ")
    # Asked as at a past day, nothing after that day is on it.
    past = rou_items(get, f"instrument=UNTOC&as_of={date.today() - timedelta(days=1)}&per_page=500")
    assert not [e for e in past if e["title"] == "Mission planned next month"]
    login_as("officer")
    page = client.get("/states/ROU?instrument=UNTOC").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):page.index("</table>", page.index('id="timeline"'))]
    row = timeline[timeline.index("Mission planned next month") - 600:timeline.index("Mission planned next month")]
    assert "timeline-planned" in row and ">planned</span>" in row


def test_a_cancelled_future_mission_is_not_on_the_timeline(api_as, session):
    start = date.today() + timedelta(days=30)
    factories.activity(visits=[("ROU", start, start)], served=["ROU"], status="cancelled", title="Called off")
    db.session.commit()
    get, _ = api_as("officer")
    assert not [e for e in rou_items(get) if e["title"] == "Called off"]
