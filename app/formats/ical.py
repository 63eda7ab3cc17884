"""The iCalendar feed of missions (RFC 5545): one all-day event per visit.

Written line by line here rather than through the `icalendar` library's object model, which spent about 1 ms per
event (tens of seconds for a record of decades, past a server's timeout); the tests read the feed back with that
library, so what is written stays what it parses.

RFC 5545 writes an all-day event's DTEND as the day *after* the last day (exclusive); people read "8 to 11
January" inclusive. The visit keeps the inclusive end; this module adds the day.
"""
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _

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


def _recorded(state) -> str:
    return state.name


def _as_recorded(title: str) -> str:
    return title


def location(visit: ActivityVisit, state_name: Callable = _recorded) -> str:
    """"City, State"; `state_name(state)` names the State (the feed's reader's language, by the caller)."""
    return f"{visit.city}, {state_name(visit.country)}" if visit.city else state_name(visit.country)


def description(visit: ActivityVisit, url: str | None, state_name: Callable = _recorded,
                instrument_title: Callable = _as_recorded) -> str:
    a = visit.activity
    served = [state_name(s.state) for s in a.states if s.role == ActivityStateRole.SERVED.value]
    taking_part = [state_name(s.state) for s in a.states if s.role == ActivityStateRole.PARTICIPANT.value]
    lines = [f"{ActivityKind.label_of(a.kind)} — {ActivityStatus.label_of(a.status)}"]
    if visit.date_precision != DatePrecision.DAY.value:
        lines.append(_("Dates: %(precision)s (the source gives no days)",
                       precision=DatePrecision.label_of(visit.date_precision).lower()))
    lines.append(_("Instruments: %(instruments)s",
                   instruments=", ".join(f"{i.code} ({instrument_title(i.short_title)})" for i in a.instruments)
                   or _("none recorded")))
    if a.other_instruments:
        lines.append(_("Also: %(instruments)s", instruments="; ".join(o.name for o in a.other_instruments)))
    lines.append(_("States served: %(states)s", states=", ".join(served) or _("none recorded")))
    if taking_part:
        lines.append(_("States taking part: %(states)s", states=", ".join(taking_part)))
    if a.partners:
        lines.append(_("Partners: %(partners)s",
                       partners="; ".join(f"{p.organization.display_name} ({p.role})" for p in a.partners)))
    if a.source:
        lines.append(_("Source: %(source)s", source=a.source))
    if url:
        lines.append(url)
    return "\n".join(lines)


def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line + "\r\n"
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines begin with a space
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts) + "\r\n"


def _day(value) -> str:
    return value.strftime("%Y%m%d")


def feed(visits: Iterable[ActivityVisit], url_for_activity: Callable[[int], str] | None = None,
         name: str = "Palermo missions", state_name: Callable = _recorded,
         instrument_title: Callable = _as_recorded) -> bytes:
    """The VCALENDAR of `visits` (each with its activity, country, States, instruments and partners loaded);
    `state_name` and `instrument_title` say the names in the reader's language (the caller knows it)."""
    out = ["BEGIN:VCALENDAR\r\n", _fold(f"PRODID:{_text(PRODID)}"), "VERSION:2.0\r\n", "CALSCALE:GREGORIAN\r\n",
           _fold(f"X-WR-CALNAME:{_text(name)}")]
    for visit in visits:
        activity = visit.activity
        url = url_for_activity(activity.id) if url_for_activity else None
        # The last change of the record, not the time of the request: an unchanged event reads the same each time.
        stamp = activity.updated_at or activity.created_at or datetime(2000, 1, 1, tzinfo=UTC)
        stamp = stamp.astimezone(UTC) if stamp.tzinfo else stamp
        out += ["BEGIN:VEVENT\r\n",
                _fold(f"UID:{_text(uid(visit))}"),
                f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}\r\n",
                f"DTSTART;VALUE=DATE:{_day(visit.start_date)}\r\n",
                f"DTEND;VALUE=DATE:{_day(visit.end_date + timedelta(days=1))}\r\n",
                _fold(f"SUMMARY:{_text(activity.title)}"),
                _fold(f"LOCATION:{_text(location(visit, state_name))}"),
                _fold(f"DESCRIPTION:{_text(description(visit, url, state_name, instrument_title))}"),
                _fold(f"CATEGORIES:{_text(ActivityKind.label_of(activity.kind))}"),
                f"STATUS:{STATUS.get(activity.status, 'CONFIRMED')}\r\n",
                "TRANSP:TRANSPARENT\r\n"]
        if url:
            out.append(_fold(f"URL:{url}"))
        out.append("END:VEVENT\r\n")
    out.append("END:VCALENDAR\r\n")
    return "".join(out).encode()
