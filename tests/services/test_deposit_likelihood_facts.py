"""The deposit model's panel reads the whole record's first days of assistance from the outcome figures the writes
keep (app.services.treaties.deposit_likelihood): they must be the days the activities and requests themselves give."""
from datetime import date

import sqlalchemy as sa

from app.scoping import EVERYTHING
from app.services.treaties import deposit_likelihood, outcome_facts
from models import Instrument, db
from models.enums import ActivityStatus
from tests import factories


def _days(rows) -> dict:
    index = {i: n for n, i in enumerate(db.session.scalars(sa.select(Instrument.id)))}
    served = [(c, i, d) for c, i, role, d in rows if role == "served"]
    took_part = [(c, i, d) for c, i, role, d in rows if role != "served"]
    return {"served": deposit_likelihood._first_days(served, index),
            "took part": deposit_likelihood._first_days(took_part, index)}


def _earliest(before: dict, key, day: date) -> date:
    """`day`, or the reference record's own earlier day for the pair."""
    return min(d for d in (before.get(key), day) if d is not None)


def test_the_kept_first_days_are_the_records(session):
    index = {i: n for n, i in enumerate(db.session.scalars(sa.select(Instrument.id)))}
    before = _days(deposit_likelihood.kept_activity_rows())  # the reference record's
    requests_before = deposit_likelihood._first_days(deposit_likelihood.kept_request_rows(), index)
    visit = lambda code, day: (code, day, day)  # noqa: E731
    factories.activity(visits=(visit("GHA", date(2003, 5, 2)), visit("GHA", date(2003, 2, 1))), served=("GHA",),
                       participants=("KEN",), instruments=("UNTOC", "TIP"))
    factories.activity(visits=(visit("GHA", date(2002, 1, 9)),), served=("GHA",), instruments=("TIP",),
                       status=ActivityStatus.CANCELLED.value)  # cancelled: no assistance
    factories.activity(visits=(), served=("SEN",), instruments=("SOM",))  # no visit: not placed in time
    factories.activity("regional_meeting", visits=(visit("KEN", date(2004, 7, 1)),), served=(),
                       participants=("GHA", "SEN"), instruments=("FIREARMS",))
    factories.activity("workshop", visits=(visit("KEN", date(2001, 3, 3)),), served=("KEN",), instruments=("TIP",))
    factories.request("GHA", instruments=("UNTOC", "SOM"), received=date(2002, 6, 1))
    factories.request("GHA", instruments=("UNTOC",), received=date(2001, 6, 1))
    factories.request("SEN", instruments=("TIP",), received=None)  # undated: no first day
    session.flush()
    outcome_facts.rebuild()  # the factories write past the services that keep the figures

    kept = _days(deposit_likelihood.kept_activity_rows())
    assert kept == _days(deposit_likelihood.live_activity_rows(EVERYTHING))
    tip, untoc = (db.session.scalar(sa.select(Instrument.id).where(Instrument.code == c)) for c in ("TIP", "UNTOC"))
    # the earliest visit of each, the cancelled activity left out
    assert kept["served"][("GHA", untoc)] == _earliest(before["served"], ("GHA", untoc), date(2003, 2, 1))
    assert kept["served"][("GHA", tip)] == _earliest(before["served"], ("GHA", tip), date(2003, 2, 1))
    assert kept["took part"][("KEN", tip)] == _earliest(before["took part"], ("KEN", tip), date(2003, 2, 1))
    assert kept["served"][("KEN", tip)] == _earliest(before["served"], ("KEN", tip), date(2001, 3, 3))
    assert kept != before

    kept_requests = deposit_likelihood._first_days(deposit_likelihood.kept_request_rows(), index)
    assert kept_requests == deposit_likelihood._first_days(deposit_likelihood.live_request_rows(EVERYTHING), index)
    assert kept_requests[("GHA", untoc)] == _earliest(requests_before, ("GHA", untoc), date(2001, 6, 1))
    assert kept_requests.get(("SEN", tip)) == requests_before.get(("SEN", tip))  # the undated one adds no day
