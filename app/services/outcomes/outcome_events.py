"""The events of a State's outcome timeline (app.services.outcomes.outcome_timeline): their kinds, their order on a
day, and how an activity's visit is described."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.formatting import format_date
from app.languages import current_language
from app.services.registry.state_names import local_name
from models import Activity

#: Order of events on the same day: what came first in the life of a case.
EVENT_ORDER = {"request": 0, "signature": 1, "contribution": 2, "activity": 3, "deployment": 4, "finding": 5,
               "deposit": 6, "in_force": 7}
EVENT_LABELS = {"request": _l("Request"), "signature": _l("Signature"), "contribution": _l("Contribution"),
                "activity": _l("Activity"), "deployment": _l("Expert deployed"), "finding": _l("Legislative finding"),
                "deposit": _l("Deposit"), "in_force": _l("In force for the State")}
#: How many of the activities a contribution paid for its line names; the rest are counted ("and 3 more").
PAID_NAMED = 5


@dataclass(frozen=True)
class Event:
    """One dated line of a State's timeline. `day` None: the record gives no date (listed last)."""
    day: date | None
    kind: str
    instruments: tuple[str, ...]
    title: str
    detail: str | None = None
    #: (endpoint, values) of the record's page, for the page (the API gives `record`).
    link: tuple[str, dict] | None = None
    #: ("activity", 12): what the event is about, for the API.
    record: tuple[str, int] | None = None
    #: Why the date is what it is, where it is not the event's own (a contribution dated by its activity).
    date_note: str | None = None
    #: Dated after today: work planned, not done.
    planned: bool = False

    @property
    def label(self) -> str:
        return str(EVENT_LABELS[self.kind])


@dataclass(frozen=True)
class FundingEvent(Event):
    """A timeline line about money: one contribution, or several dated together by the activity they paid for."""
    #: Whether the record infers (rather than reads in its source) that this money paid for the activity: shown
    #: marked wherever the line is (page and API).
    inferred: bool = False
    #: The contributions the line stands for (one, or every contribution dated by the same activity's day).
    contributions: tuple[int, ...] = ()


def visit_note(activity: Activity, visit_id: int | None) -> str:
    """"; visit 2 of 2: Bucharest, Romania, 5 November 2002 to 6 November 2002" (nothing for an undated activity)."""
    visits = sorted(activity.visits, key=lambda v: (v.start_date, v.id))
    visit = next((v for v in visits if v.id == visit_id), None)
    if visit is None:
        return ""
    place = ", ".join(p for p in (visit.city, local_name(visit.country, current_language(), visit.start_date)) if p)
    days = format_date(visit.start_date) if visit.end_date == visit.start_date else \
        _("%(start)s to %(end)s", start=format_date(visit.start_date), end=format_date(visit.end_date))
    return "; " + _("visit %(n)s of %(total)s: %(place)s, %(days)s", n=visits.index(visit) + 1, total=len(visits),
                    place=place, days=days)
