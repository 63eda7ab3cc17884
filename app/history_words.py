"""The audit trail and the histories in words: "Status: pending → under review", "Instruments: UNTOC, TIP → UNTOC",
"Assigned to: Ana Officer" — field labels instead of column names, labels instead of stored values, people and
States by name, dates as every page writes them. The entries keep their data as it was written (the hash chain
covers it); only how it is shown changes here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app.formatting import format_date, format_datetime
from app.services.core import audit
from models import enums

#: Column names -> what the forms call them. A key not listed is written as words ("due_date" -> "Due date").
LABELS = {
    "status": _l("Status"), "instruments": _l("Instruments"), "state": _l("State"), "kind": _l("Kind"),
    "assigned_officer": _l("Assigned to"), "owner": _l("Owner"), "author": _l("Author"), "approvers": _l("Approvers"),
    "logged_by": _l("Logged by"), "raised_by": _l("Raised by"), "sent_to": _l("Sent to"), "mentions": _l("Mentions"),
    "received_date": _l("Received"), "due_date": _l("Due"), "requesting_authority": _l("Requesting authority"),
    "subject": _l("Subject"), "description": _l("Description"), "priority": _l("Priority"), "channel": _l("Channel"),
    "reason": _l("Reason"), "note": _l("Note"), "title": _l("Title"), "outcome": _l("Outcome"),
    "served": _l("States served"), "participants": _l("States taking part"), "visits": _l("Visits"),
    "other_instruments": _l("Other instruments"), "partners": _l("Partners"), "requests": _l("Requests"),
    "experts": _l("Experts"), "topics": _l("Topics"), "languages": _l("Languages"), "nationality": _l("Nationality"),
    "affiliation": _l("Affiliation"), "legal_tradition": _l("Legal tradition"), "donor_id": _l("Donor"),
    "project_id": _l("Project"), "amount": _l("Amount"), "currency": _l("Currency"),
    "pledged_date": _l("Pledged"), "committed_date": _l("Committed"), "regions": _l("Earmarked regions"),
    "period_start": _l("Period from"), "period_end": _l("Period to"), "source": _l("Source"),
    "status_date": _l("Status date"), "summary": _l("Summary"), "recommendations": _l("Recommendations"),
    "counterparts": _l("Counterparts"), "activity": _l("Activity"), "request": _l("Request"),
    "finding": _l("Finding"), "issue": _l("Issue"), "record_complete_to": _l("Record complete to"),
    "role": _l("Role"), "name": _l("Name"), "email": _l("E-mail"), "is_active": _l("Active"), "text": _l("Text"),
    "participant": _l("Participant"), "instrument": _l("Instrument"), "date": _l("Date"),
}

#: Audit actions -> what happened, in words (the badge of each entry).
ACTIONS = {
    "create": _l("Created"), "update": _l("Edited"), "delete": _l("Deleted"), "status": _l("Status changed"),
    "assign": _l("Assigned"), "import": _l("Imported"), "login": _l("Signed in"), "login_failed": _l("Sign-in failed"),
    "logout": _l("Signed out"), "role_change": _l("Role changed"), "comment": _l("Commented"),
}

#: Kinds of record (the audit trail's record types, model names) -> what people call them.
RECORD_TYPES = {
    "AssistanceRequest": _l("Request"), "Activity": _l("Activity"), "ActivityReport": _l("Activity report"),
    "FollowUpAction": _l("Follow-up action"), "LegislativeFinding": _l("Finding"),
    "LegislativeIssue": _l("Legislative issue"), "TreatyAction": _l("Treaty action"), "Instrument": _l("Instrument"),
    "MemberState": _l("State"), "User": _l("Account"), "ApiToken": _l("API token"), "Expert": _l("Expert"),
    "Organization": _l("Organization"), "Contribution": _l("Contribution"), "Allocation": _l("Allocation"),
    "ExchangeRate": _l("Exchange rate"), "Attachment": _l("File"), "Comment": _l("Comment"),
}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

#: Which vocabulary a stored value comes from, by key and kind of record (a "status" of a request is not a
#: status of a report).
_STATUS_OF = {"AssistanceRequest": enums.RequestStatus, "Activity": enums.ActivityStatus,
              "FollowUpAction": enums.ActionStatus, "ActivityReport": enums.ReportStatus,
              "Contribution": enums.ContributionStatus, "LegislativeFinding": enums.FindingStatus}
_KIND_OF = {"AssistanceRequest": enums.RequestKind, "Activity": enums.ActivityKind, "Expert": enums.ExpertKind,
            "Organization": enums.OrganizationKind}
_VOCABULARY = {"priority": enums.Priority, "channel": enums.RequestChannel, "legal_tradition": enums.LegalTradition,
               "role": enums.Role, "regions": enums.RegionalGroup}

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_WORD = re.compile(r"^[a-z]+(?:_[a-z]+)+$")
#: An ISO day inside a longer text ("Bogotá, COL, 2003-03-10 – 2003-03-12"), not inside a file name or a number.
_DAY_IN_TEXT = re.compile(r"(?<![\w.-])(\d{4})-(\d{2})-(\d{2})(?![\w.-]|T\d)")


def dates_in_words(text: str) -> str:
    """`text` with the ISO days it holds written as every page writes dates ("10 March 2003"): summaries and
    values written by services before this module existed keep their data, and read the same as the rest."""
    def day(match):
        try:
            return format_date(date(*(int(g) for g in match.groups())))
        except ValueError:
            return match.group(0)
    return _DAY_IN_TEXT.sub(day, text)


@dataclass(frozen=True)
class Change:
    """One field of an entry: its label and its value before and after, in words (None: not part of that side)."""
    label: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Entry:
    """An audit entry as a history shows it."""
    entry: object
    who: str
    what: str
    changes: list[Change]
    #: The entry's summary with its dates written as pages write them.
    summary: str


def label_of(key: str) -> str:
    """The words for a column name: the form's label, else the name with its underscores as spaces."""
    label = LABELS.get(key)
    return str(label) if label is not None else key.removesuffix("_id").replace("_", " ").capitalize()


def _one(key: str, value, record_type: str, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if key in audit.PERSON_KEYS and isinstance(value, int | str):
        person = names.get(("user", value)) or names.get(("user", str(value).lower()))
        if person:
            return person
        if isinstance(value, int):
            return str(_l("account #%(n)s", n=value))
    if key in audit.STATE_KEYS and isinstance(value, str) and ("state", value) in names:
        return names[("state", value)]
    vocabulary = (_STATUS_OF.get(record_type) if key == "status" else _KIND_OF.get(record_type) if key == "kind"
                  else _VOCABULARY.get(key))
    if vocabulary is not None and isinstance(value, str):
        label = vocabulary.label_of(value)
        return label.lower() if key == "status" else label
    if isinstance(value, str) and _ISO_INSTANT.match(value):
        try:
            return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _WORD.match(value):
        return value.replace("_", " ")  # a stored word of a vocabulary this page does not know
    if isinstance(value, dict):
        return "; ".join(f"{label_of(k)}: {_one(k, v, record_type, names)}" for k, v in value.items())
    return dates_in_words(value) if isinstance(value, str) else str(value)


def value_text(key: str, value, record_type: str = "", names: dict | None = None) -> str:
    """A stored value in words: a list as "UNTOC, TIP", a status by its label, a person or a State by name."""
    names = names or {}
    if isinstance(value, list):
        return ", ".join(_one(key, v, record_type, names) for v in value) or "—"
    return _one(key, value, record_type, names)


def changes_of(entry, names: dict) -> list[Change]:
    """The fields an entry records, each once: changed (before → after), set (after only) or removed (before)."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    keys = list(after) + [k for k in before if k not in after]
    # a record named beside its number ("donor" beside "donor_id", as an account's entries keep both) is said once,
    # by its name: the number's label would be the same word ("Donor: 4", then "Donor: Japan")
    keys = [k for k in keys if not (k.endswith("_id") and k.removesuffix("_id") in keys)]
    return [Change(label_of(k), value_text(k, before[k], entry.record_type, names) if k in before else None,
                   value_text(k, after[k], entry.record_type, names) if k in after else None) for k in keys]


def who(entry, names: dict) -> str:
    """The actor by name (the label it was recorded under when the account is gone: "system", "cli")."""
    return (names.get(("user", entry.actor_id)) or names.get(("user", (entry.actor_label or "").lower()))
            or entry.actor_label)


def record_type_text(record_type: str | None) -> str:
    """"Request", not "AssistanceRequest": a kind of record as people call it (a model without a name here is
    split into words)."""
    label = RECORD_TYPES.get(record_type or "")
    return str(label) if label is not None else _CAMEL.sub(" ", record_type or "").capitalize()


def action_text(action: str) -> str:
    label = ACTIONS.get(action)
    return str(label) if label is not None else action.replace("_", " ").capitalize()


def in_words(entries) -> list[Entry]:
    """Entries ready for `_macros/audit.html`: two queries at most for any number of entries (names)."""
    entries = list(entries)
    names = audit.names_for(entries)
    return [Entry(e, who(e, names), action_text(e.action), changes_of(e, names), dates_in_words(e.summary or ""))
            for e in entries]


def fields_in_words(keys) -> str:
    """"Due, Priority": the fields an edit changed, as an entry's summary names them (never "due_date")."""
    return ", ".join(label_of(k) for k in keys)
