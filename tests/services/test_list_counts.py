"""What the request list counts and shows when its count or its order is read another way than its rows (issue 26):
an instrument alone counted from its links, a page by State read through an inner join of the States. The count
must be what the rows are, and no request may be lost or doubled. (The reference record's requests are there too.)"""
from app.listing import Paging
from app.scoping import EVERYTHING
from app.services.activities import activity_reads
from app.services.requests import queue as queue_service
from app.services.requests import request_reads
from tests import factories

F = request_reads.RequestFilters


def _every_page(filters, sort=None, descending=False) -> tuple[list[int], int]:
    ids, page, totals = [], 1, set()
    while True:
        found = request_reads.list_page(EVERYTHING, filters, Paging(page=page, per_page=4, sort=sort,
                                                                    descending=descending))
        totals.add(found.total)
        if not found.items:
            assert len(totals) == 1
            return ids, totals.pop()
        ids += [r.id for r in found.items]
        page += 1


def test_an_instrument_alone_is_counted_as_its_requests_are(session):
    before = _every_page(F(instrument="TIP"))[1]
    both = factories.request("BOL", instruments=("UNTOC", "TIP"))
    tip = factories.request("PER", instruments=("TIP",))
    factories.request("CHL", instruments=("UNTOC",))
    session.flush()
    ids, total = _every_page(F(instrument="TIP"))
    assert total == before + 2 == len(ids) == len(set(ids)) == request_reads.count(EVERYTHING, F(instrument="TIP"))
    assert {both.id, tip.id} <= set(ids)
    assert _every_page(F(instrument="TIP", state="PER")) == ([tip.id], 1)  # another filter: counted on the rows


def test_by_state_every_request_is_on_one_page_once_and_the_count_is_theirs(session):
    made = {factories.request(code).id for code in ("PER", "BOL", "CHL", "BOL", "ARG")}
    session.flush()
    every, total = _every_page(F())
    assert made <= set(every) and total == len(every)
    for descending in (False, True):
        ids, by_state = _every_page(F(), sort="state", descending=descending)
        assert sorted(ids) == sorted(every) and by_state == total
        names = [request_reads.get(EVERYTHING, i).state.name for i in ids]
        assert names == sorted(names, reverse=descending)
    queue = queue_service.list_page(EVERYTHING, queue_service.QueueFilters(), Paging(per_page=100, sort="state"))
    assert made <= {r.id for r in queue.items} and queue.total == len(queue.items)


def test_an_instrument_alone_is_counted_as_its_activities_are(session):
    def every(filters) -> tuple[list[int], int]:
        found = activity_reads.list_page(EVERYTHING, filters, Paging(per_page=500))
        return [a.id for a in found.items], found.total

    before = every(activity_reads.ActivityFilters(instrument="TIP"))[1]
    both = factories.activity(instruments=("UNTOC", "TIP"))
    factories.activity(instruments=("UNTOC",))
    session.flush()
    ids, total = every(activity_reads.ActivityFilters(instrument="TIP"))
    assert total == before + 1 == len(ids) == len(set(ids)) and both.id in ids
    # a second filter: counted on the rows, the same way
    assert every(activity_reads.ActivityFilters(instrument="TIP", kind=both.kind))[1] == \
        len(every(activity_reads.ActivityFilters(instrument="TIP", kind=both.kind))[0])


def test_money_alone_and_dates_alone_are_counted_as_their_activities_are(session):
    """Counted from the allocations' and the visits' activities (each named once, however many links it has)."""
    from datetime import date
    from decimal import Decimal

    def every(filters) -> tuple[list[int], int]:
        found = activity_reads.list_page(EVERYTHING, filters, Paging(per_page=500))
        return [a.id for a in found.items], found.total

    funded = activity_reads.ActivityFilters(funded=True)
    dated = activity_reads.ActivityFilters(date_from=date(2031, 1, 1), date_to=date(2031, 12, 31))
    before = every(funded)[1]
    twice = factories.activity(visits=[("BOL", date(2031, 2, 1), date(2031, 2, 3)),
                                       ("PER", date(2031, 5, 1), date(2031, 5, 2))])
    factories.activity(visits=[("BOL", date(2032, 2, 1), date(2032, 2, 3))])  # outside the dates, not funded
    money = factories.contribution(amount=Decimal("1000.00"))
    factories.allocation(money, twice, Decimal("100.00"))
    factories.allocation(factories.contribution(money.donor, amount=Decimal("500.00")), twice, Decimal("50.00"))
    session.flush()
    ids, total = every(funded)
    assert total == before + 1 == len(ids) == len(set(ids)) and twice.id in ids
    assert every(dated) == ([twice.id], 1)
    # with another filter: counted on the rows, the same way
    assert every(activity_reads.ActivityFilters(funded=True, kind=twice.kind))[1] == \
        len(every(activity_reads.ActivityFilters(funded=True, kind=twice.kind))[0])
