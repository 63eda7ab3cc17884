"""The iCalendar feed of missions (RFC 5545), built with the `icalendar` library: one all-day event per visit.

RFC 5545 writes an all-day event's DTEND as the day *after* the last day (exclusive); people read "8 to 11
January" inclusive. The visit keeps the inclusive end; this module adds the day.
"""
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from models import ActivityVisit
from models.enums import ActivityKind, ActivityStateRole, ActivityStatus, DatePrecision

PRODID = "-//UNODC Centre for International Crime Prevention//Palermo//EN"
#: The right side of every UID: stable across hosts, so a moved server does not duplicate every event.
UID_DOMAIN = "palermo.cicp"
STATUS = {ActivityStatus.PLANNED.value: "TENTATIVE", ActivityStatus.UNDER_WAY.value: "CONFIRMED",
          ActivityStatus.COMPLETED.value: "CONFIRMED", ActivityStatus.CANCELLED.value: "CANCELLED"}


def uid(visit: ActivityVisit) -> str:
    """Stable for the life of the visit: an edit of its dates or place keeps the event, not a new one."""
    return f"activity-{visit.activity_id}-visit-{visit.id}@{UID_DOMAIN}"


def location(visit: ActivityVisit) -> str:
    return f"{visit.city}, {visit.country.name}" if visit.city else visit.country.name


def description(visit: ActivityVisit, url: str | None) -> str:
    a = visit.activity
    served = [s.state.name for s in a.states if s.role == ActivityStateRole.SERVED.value]
    taking_part = [s.state.name for s in a.states if s.role == ActivityStateRole.PARTICIPANT.value]
    lines = [f"{ActivityKind.label_of(a.kind)} — {ActivityStatus.label_of(a.status)}"]
    if visit.date_precision != DatePrecision.DAY.value:
        lines.append(f"Dates: {DatePrecision.label_of(visit.date_precision).lower()} (the source gives no days)")
    lines.append("Instruments: " + (", ".join(f"{i.code} ({i.short_title})" for i in a.instruments) or "none recorded"))
    if a.other_instruments:
        lines.append("Also: " + "; ".join(o.name for o in a.other_instruments))
    lines.append("States served: " + (", ".join(served) or "none recorded"))
    if taking_part:
        lines.append("States taking part: " + ", ".join(taking_part))
    if a.partners:
        lines.append("Partners: " + "; ".join(f"{p.organization.display_name} ({p.role})" for p in a.partners))
    if a.source:
        lines.append(f"Source: {a.source}")
    if url:
        lines.append(url)
    return "\n".join(lines)


def feed(visits: Iterable[ActivityVisit], url_for_activity: Callable[[int], str] | None = None,
         name: str = "Palermo missions") -> bytes:
    """The VCALENDAR of `visits` (each with its activity, country, States, instruments and partners loaded)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for visit in visits:
        activity = visit.activity
        url = url_for_activity(activity.id) if url_for_activity else None
        event = Event()
        event.add("uid", uid(visit))
        # The last change of the record, not the time of the request: an unchanged event reads the same each time.
        stamp = activity.updated_at or activity.created_at or datetime(2000, 1, 1, tzinfo=UTC)
        event.add("dtstamp", stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC))
        event.add("dtstart", visit.start_date)
        event.add("dtend", visit.end_date + timedelta(days=1))
        event.add("summary", activity.title)
        event.add("location", location(visit))
        event.add("description", description(visit, url))
        event.add("categories", [ActivityKind.label_of(activity.kind)])
        event.add("status", STATUS.get(activity.status, "CONFIRMED"))
        event.add("transp", "TRANSPARENT")
        if url:
            event.add("url", url)
        cal.add_component(event)
    return cal.to_ical()
