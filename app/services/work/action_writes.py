"""Raising and following up actions: a new action checked (an owner who is active staff, a due date not before
today, a known State and instruments, links to records the caller may see), its changes and its status moves
(cancelling and reopening need a note), each with an audit entry; flushed, never committed.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.formatting import format_number, lazy_date
from app.history_words import fields_in_words
from app.scoping import Scope
from app.services.activities import activity_reads
from app.services.core import audit, versions
from app.services.core.errors import Refused
from app.services.notifications import events as notification_events
from app.services.registry import legislative
from app.services.requests import request_reads
from forms.base import MARKUP
from models import ActionStatusChange, FollowUpAction, IllegalTransition, Instrument, MemberState, User, db
from models.enums import ActionStatus, Priority, Role
from models.follow_up_action import PENDING

MAX_DESCRIPTION = 2000


@dataclass(frozen=True)
class ActionData:
    description: str
    owner_id: int | None
    due_date: date | None
    state: str | None = None                 # a State code
    priority: str = Priority.NORMAL.value
    instruments: tuple[str, ...] = ()
    activity_id: int | None = None
    request_id: int | None = None
    finding_id: int | None = None
    status: str | None = None                # on a change: the status to move to (with `note`)
    note: str | None = None

    @classmethod
    def of(cls, values: dict) -> ActionData:
        """The values of the action form (`ActionForm.values()`), as the writes take them."""
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def snapshot(a: FollowUpAction) -> dict:
    return {"description": a.description, "owner": a.owner_id, "due_date": a.due_date, "priority": a.priority,
            "status": a.status, "state": a.state.code if a.state else None,
            "instruments": [i.code for i in a.instruments], "activity": a.activity_id, "request": a.request_id,
            "finding": a.finding_id}


def _links(scope: Scope, data: ActionData, found: dict) -> dict:
    """The records the action is linked to, each read through its domain's scoped read."""
    linked = {}
    for name, read, missing in (
            ("activity_id", activity_reads.get, _l("There is no activity #%(id)s that you may link.")),
            ("request_id", request_reads.get, _l("There is no request #%(id)s that you may link.")),
            ("finding_id", legislative.get_finding, _l("There is no finding #%(id)s that you may link."))):
        value = getattr(data, name)
        if value is not None:
            record = read(scope, value)
            if record is None:
                found[name.removesuffix("_id")] = str(missing) % {"id": value}
            linked[name] = record
    return linked


def _state_from(linked: dict) -> MemberState | None:
    """The State a linked record names, when it names one: a request's, a finding's, an activity serving one."""
    for name in ("request_id", "finding_id"):
        if linked.get(name) is not None:
            return linked[name].state
    activity = linked.get("activity_id")
    if activity is not None and len(activity.states) == 1:
        return activity.states[0].state
    return None


def _checked(scope: Scope, data: ActionData, today: date, new: bool) -> dict:
    found: dict[str | None, str] = {}
    description = (data.description or "").strip()
    if not description:
        found["description"] = _("Say what is to be done.")
    elif len(description) > MAX_DESCRIPTION or MARKUP.search(description):
        found["description"] = (_("At most %(limit)s characters.", limit=format_number(MAX_DESCRIPTION))
                                if len(description) > MAX_DESCRIPTION
                                else _("Write plain text: markup such as <b> or <script> is not allowed here."))
    owner = db.session.get(User, data.owner_id) if data.owner_id else None
    if owner is None or owner.role == Role.DONOR.value or not owner.is_active_account:
        found["owner"] = _("Give the action to an active colleague's account (an officer or a manager).")
    if data.due_date is None:
        found["due_date"] = _("Give the day the action is due.")
    elif new and data.due_date < today:
        found["due_date"] = _("%(day)s is before today (%(today)s): a new action is due today at the earliest.",
                              day=data.due_date.isoformat(), today=today.isoformat())
    if data.priority not in Priority._value2member_map_:
        found["priority"] = _("Choose a priority: low, normal, high or urgent.")
    linked = _links(scope, data, found)
    state = None
    if data.state:
        state = db.session.scalars(sa.select(MemberState).where(MemberState.code == data.state.upper())).first()
        if state is None:
            found["state"] = (_("“%(text)s” is no State code: give the State's code, e.g. ROU (the action's status "
                                "is `status`).", text=data.state[:20])
                              if data.state.lower() in ActionStatus._value2member_map_ else
                              _("“%(text)s” is no State code: give the State's code, e.g. ROU.", text=data.state[:20]))
    else:
        state = _state_from(linked)
        if state is None:
            found["state"] = _("Name the State the action concerns.")
    instruments = list(db.session.scalars(sa.select(Instrument).where(Instrument.code.in_(data.instruments)))) \
        if data.instruments else []
    if len(instruments) < len(set(data.instruments)):
        found["instruments"] = _("Choose instruments from the list.")
    if found:
        raise Refused(found)
    return {"description": description, "owner": owner, "state": state, "linked": linked,
            "instruments": sorted(instruments, key=lambda i: i.id)}


def create(scope: Scope, data: ActionData, actor, today: date) -> FollowUpAction:
    """Raise an action (open, or in progress when `status` says so); Refused names every field at fault."""
    rows = _checked(scope, data, today, new=True)
    status = data.status or ActionStatus.OPEN.value
    if status not in {s.value for s in PENDING}:
        raise Refused({"status": _("A new action is open or in progress.")})
    action = FollowUpAction(description=rows["description"], owner_id=rows["owner"].id, due_date=data.due_date,
                            state=rows["state"], instruments=rows["instruments"], status=status,
                            raised_by_id=getattr(actor, "id", None), history=[],
                            **{name: getattr(data, name) for name in ("activity_id", "request_id", "finding_id")})
    action.set_priority(data.priority)
    action.history.append(_first_step(status, actor, data.note))
    db.session.add(action)
    db.session.flush()
    audit.record_for(action, "create", f"Raised an action for {rows['owner'].name}, due {data.due_date.isoformat()}",
                     after=snapshot(action), actor=actor)
    _tell_owner(action, actor)
    return action


def _tell_owner(action: FollowUpAction, actor) -> None:
    kind = notification_events.NotificationKind.ACTION_ASSIGNED
    notification_events.notify(db.session.get(User, action.owner_id), kind,
                               _l("Follow-up action #%(id)s is yours, due %(day)s: %(description)s", id=action.id,
                                  day=lazy_date(action.due_date), description=action.description[:150]),
                               action, actor=actor)


def _first_step(status: str, actor, note: str | None) -> ActionStatusChange:
    return ActionStatusChange(from_status=None, to_status=status, reason=(note or "").strip() or None,
                              actor_id=getattr(actor, "id", None))


def update(scope: Scope, action: FollowUpAction, data: ActionData, actor, version: int | None, today: date
           ) -> FollowUpAction:
    """Change the action's fields and, when `data.status` differs, move its status (with `data.note`). The due
    date of an existing action may be any day (it records when it was really due)."""
    label = _("Action #%(id)s", id=action.id)
    versions.check(action, version, label)
    rows = _checked(scope, replace(data, state=data.state or action.state.code), today, new=False)
    before, version_before, owner_before = snapshot(action), action.version, action.owner_id
    with db.session.no_autoflush:
        action.description, action.owner_id, action.due_date = rows["description"], rows["owner"].id, data.due_date
        action.state = rows["state"]
        action.set_priority(data.priority)
        for name in ("activity_id", "request_id", "finding_id"):
            setattr(action, name, getattr(data, name))
        if [i.id for i in action.instruments] != [i.id for i in rows["instruments"]]:
            action.instruments[:] = rows["instruments"]
        if data.status and data.status != action.status:
            try:
                action.move(data.status, actor, today, data.note)
            except (IllegalTransition, ValueError) as exc:
                raise Refused({"status" if "cannot" in str(exc) or "already" in str(exc) else "note": str(exc)
                               }) from None
    versions.flush(action, label)
    old, new = audit.changed(before, snapshot(action))
    if new:
        versions.touch(action, version_before)
    if action.owner_id != owner_before:
        _tell_owner(action, actor)
    audit.record_for(action, "update", f"Changed action #{action.id}: {fields_in_words(new) or 'nothing changed'}",
                     before=old, after=dict(new, **({"note": data.note} if data.note else {})), actor=actor)
    return action
