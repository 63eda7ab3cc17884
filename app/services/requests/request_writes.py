"""Requests for assistance: every write — log, edit, move through the workflow, assign (one or many).

Each function checks the rules, changes the request, raises its version (the page carried the version it was
rendered from: a change made on a request that moved since is refused), writes the audit entry and flushes; the
view commits. A refusal is `Refused` with a message per field, and nothing is changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm.exc import StaleDataError

from app.formatting import format_date
from app.history_words import fields_in_words
from app.languages import current_language
from app.permissions import Permission, has_permission
from app.rules.record_dates import fact_date
from app.scoping import Scope
from app.services.core import audit, versions
from app.services.core.errors import Refused
from app.services.notifications import events as notification_events
from app.services.registry.state_names import local_name
from app.services.requests.request_reads import ASSIGNABLE_ROLES, first_deposits, parties_among
from app.services.treaties import outcome_facts
from models import AssistanceRequest, Instrument, MemberState, RequestStatusChange, User, db
from models.assistance_request import AWAITING_DECISION, REASON_REQUIRED, TRANSITIONS, date_problems
from models.enums import Priority, RequestChannel, RequestKind, RequestStatus

S = RequestStatus
#: Lengths the columns hold (the form says the same; the service guards every other caller).
LIMITS = {"subject": 255, "requesting_authority": 200, "description": 5000}
CLOSED = frozenset({S.COMPLETED, S.DECLINED, S.WITHDRAWN})


@dataclass(frozen=True)
class Move:
    """One step of the workflow as people see it: the URL verb, the status it leads to, who may take it."""
    name: str
    to: RequestStatus
    label: str
    permission: Permission

    @property
    def needs_reason(self) -> bool:
        return self.to in REASON_REQUIRED


#: Every move, in the order the buttons show. Decisions are the managers'; recording the work (started, completed)
#: and a State's withdrawal is any officer's.
MOVES = (
    Move("review", S.UNDER_REVIEW, _l("Start review"), Permission.DECIDE_REQUESTS),
    Move("approve", S.APPROVED, _l("Approve"), Permission.DECIDE_REQUESTS),
    Move("decline", S.DECLINED, _l("Decline"), Permission.DECIDE_REQUESTS),
    Move("put_back", S.PENDING, _l("Put back to pending"), Permission.DECIDE_REQUESTS),
    Move("start", S.IN_PROGRESS, _l("Start the work"), Permission.EDIT_REQUESTS),
    Move("complete", S.COMPLETED, _l("Mark completed"), Permission.EDIT_REQUESTS),
    Move("withdraw", S.WITHDRAWN, _l("Withdrawn by the State"), Permission.EDIT_REQUESTS),
)
MOVES_BY_NAME = {m.name: m for m in MOVES}


def moves_for(request: AssistanceRequest, user) -> list[Move]:
    """The moves `user` may make on `request` now: legal from its status and within the user's permissions."""
    legal = TRANSITIONS[S(request.status)]
    return [m for m in MOVES if m.to in legal and has_permission(user, m.permission)]


# ------------------------------------------------------------------ checks
def _check_version(request: AssistanceRequest, version: int | None) -> None:
    status = S(request.status).label.lower()
    if request.assigned_officer:
        stands = _("%(status)s, assigned to %(officer)s", status=status, officer=request.assigned_officer.name)
    else:
        stands = _("%(status)s, assigned to nobody", status=status)
    versions.check(request, version, _("Request #%(id)s", id=request.id), stands)


def _flush(request: AssistanceRequest) -> None:
    """Flush; a concurrent change that slipped in since the request was read is refused, not overwritten."""
    versions.flush(request, _("Request #%(id)s", id=request.id))


@dataclass(frozen=True)
class Known:
    """The records a request may name, loaded once for many requests (a spreadsheet import): with it, `_resolved`
    applies the same rules without a query."""
    states: dict[str, MemberState]            # code -> State, within the scope
    instruments: dict[str, Instrument]        # code -> Instrument
    deposits: dict[str, dict[str, date]]      # State code -> instrument code -> its first deposit


def preload(scope: Scope) -> Known:
    """Every State of `scope`, every instrument and every deposit, in a fixed number of queries."""
    states = {s.code: s for s in db.session.scalars(sa.select(MemberState).where(scope.states()))}
    instruments = {i.code: i for i in db.session.scalars(sa.select(Instrument).order_by(Instrument.id))}
    return Known(states, instruments, first_deposits())


def _resolved(scope: Scope, values: dict, today: date, known: Known | None = None,
              source: str | None = None) -> dict:
    """The values of the form checked and resolved to records, or Refused with every problem by field.

    The rules on the treaty record are judged as at the request's own date (app.rules.record_dates.fact_date): its
    received date, else the date of the report it comes from (`source`), else today — so that a request of 2003
    stays editable once its State has ratified, and an old request logged now is judged as at its own day."""
    errors: dict[str | None, str] = {}
    state = None
    code = (values.get("state") or "").strip().upper()
    if code and known is not None:
        state = known.states.get(code[:3])
    elif code:
        state = db.session.scalars(sa.select(MemberState).where(MemberState.code == code[:3],
                                                                scope.states())).first()
    if state is None:
        errors["state"] = _("Unknown State: choose the requesting State from the list.")
    codes = list(dict.fromkeys(values.get("instruments") or []))
    if known is not None:
        instruments = sorted((known.instruments[c] for c in codes if c in known.instruments), key=lambda i: i.id)
    else:
        instruments = list(db.session.scalars(sa.select(Instrument).where(Instrument.code.in_(codes))
                                              .order_by(Instrument.id))) if codes else []
    if not codes:
        errors["instruments"] = _("Choose at least one instrument the request concerns.")
    elif len(instruments) != len(codes):
        errors["instruments"] = _("Unknown instrument: choose among UNTOC, TIP, SOM and FIREARMS.")
    for field, enum_cls, required in (("kind", RequestKind, True), ("channel", RequestChannel, False),
                                      ("priority", Priority, True)):
        value = values.get(field)
        if (value or required) and value not in {m.value for m in enum_cls}:
            errors[field] = _("Choose one of: %(choices)s.", choices=", ".join(m.label for m in enum_cls))
    subject = (values.get("subject") or "").strip()
    if not subject:
        errors["subject"] = _("Give the subject of the request.")
    for field, limit in LIMITS.items():
        if len(values.get(field) or "") > limit:
            errors[field] = _("At most %(limit)s characters (%(given)s given).", limit=limit,
                              given=len(values[field]))
    errors.update(date_problems(values.get("received_date"), values.get("due_date"), today))
    if errors:
        raise Refused(errors)
    if values["kind"] == RequestKind.PRE_RATIFICATION_ADVICE.value:
        as_of = fact_date(values.get("received_date"), source, today)
        if known is not None:
            already = {c: d for c, d in known.deposits.get(state.code, {}).items() if c in codes and d <= as_of}
        else:
            already = parties_among(state, codes, as_of)
        if already:
            named = "; ".join(_("%(code)s since %(day)s", code=c, day=format_date(d)) for c, d in already.items())
            raise Refused({"instruments": _(
                "%(state)s was already a party on %(day)s (%(parties)s): pre-ratification advice cannot concern an "
                "instrument it has ratified. Untick it, or choose another kind of assistance (implementation "
                "support, say).", state=local_name(state, current_language()), day=format_date(as_of),
                parties=named)})
    return dict(values, state=state, instruments=instruments, subject=subject)


def check(scope: Scope, values: dict, known: Known, today: date | None = None) -> None:
    """Refused when `create` would refuse `values` (the preview of an import: nothing is written, no query)."""
    _resolved(scope, values, today or date.today(), known)


_FIELDS = ("kind", "received_date", "channel", "requesting_authority", "subject", "description", "priority",
           "due_date")


def _snapshot(request: AssistanceRequest) -> dict:
    return {"state": request.state.code if request.state else None,
            "instruments": [i.code for i in request.instruments],
            **{f: getattr(request, f) for f in _FIELDS}}


# ------------------------------------------------------------------ writes
def create(scope: Scope, values: dict, actor: User, today: date | None = None) -> AssistanceRequest:
    """Log a new request (pending), as `actor`; its history starts with the logging."""
    return create_many(scope, [values], actor, today)[0]


def create_many(scope: Scope, rows: list[dict], actor: User, today: date | None = None, known: Known | None = None,
                source: str | None = None) -> list[AssistanceRequest]:
    """`create` for each of `rows`, all or none (a spreadsheet import): one flush for them all, so the inserts go
    in batches. `known`: the records preloaded by `preload`; `source`: where they come from (the file)."""
    today = today or date.today()
    made = []
    for values in rows:
        v = _resolved(scope, values, today, known)
        request = AssistanceRequest(state=v["state"], instruments=v["instruments"], status=S.PENDING.value,
                                    logged_by=actor, source=source[:120] if source else None,
                                    **{f: v.get(f) for f in _FIELDS})
        request.status_changes.append(RequestStatusChange(from_status=None, to_status=S.PENDING.value,
                                                          actor_id=actor.id, reason="Logged"))
        db.session.add(request)
        made.append(request)
    db.session.flush()
    for request in made:
        audit.record_for(request, "create",
                         f"Request #{request.id} logged: {request.state.name}, {request.subject}",
                         after=_snapshot(request))
    # after the audit entries: every writer takes the audit chain's lock before the kept figures' (no deadlock)
    outcome_facts.refresh_requests(outcome_facts.request_footprint(made))
    _tell_managers(made, actor)
    db.session.flush()
    return made


def _tell_managers(made: list[AssistanceRequest], actor: User) -> None:
    """Managers hear of a new request in the queue; of a spreadsheet of them, once."""
    if not made:
        return
    kind, managers = notification_events.NotificationKind.REQUEST_NEW, notification_events.managers()
    if len(made) == 1:
        r = made[0]
        notification_events.notify_all(managers, kind, _l("New request #%(id)s in the queue: %(state)s, %(subject)s.",
                                                          id=r.id, state=r.state.name, subject=r.subject),
                                       r, actor=actor)
    else:
        notification_events.notify_all(managers, kind, _l("%(count)s new requests in the queue, logged by %(name)s.",
                                                          count=len(made), name=actor.name),
                                       record_ref=("queue", None), actor=actor)


def update(scope: Scope, request: AssistanceRequest, values: dict, actor: User, version: int | None,
           today: date | None = None) -> bool:
    """Save the edit form; False when it changed nothing (then nothing is written)."""
    _check_version(request, version)
    v = _resolved(scope, values, today or date.today(), source=request.source)
    before = _snapshot(request)
    after = dict(before, state=v["state"].code, instruments=[i.code for i in v["instruments"]],
                 **{f: v.get(f) for f in _FIELDS})
    old, new = audit.changed(before, after)
    if not new:
        return False
    counted = outcome_facts.request_footprint([request])  # its pairs before: a State or instrument it drops
    request.state = v["state"]
    request.instruments = v["instruments"]
    for field in _FIELDS:
        if getattr(request, field) != v.get(field):
            setattr(request, field, v.get(field))
    request.version += 1
    audit.record_for(request, "update", f"Request #{request.id} edited: {fields_in_words(new)}", before=old, after=new)
    _flush(request)
    outcome_facts.refresh_requests(counted | outcome_facts.request_footprint([request]))
    return True


def move(request: AssistanceRequest, name: str, actor: User, reason: str | None, version: int | None
         ) -> RequestStatusChange:
    """Take the workflow step `name` (a key of MOVES_BY_NAME): refused when unknown, illegal from the request's
    status, not the actor's to take, without a reason it needs, or made on a request that changed since."""
    step = MOVES_BY_NAME.get(name)
    if step is None:
        raise Refused(_("There is no move called %(name)s.", name=repr(name[:30])))
    _check_version(request, version)
    current = S(request.status)
    if step.to not in TRANSITIONS[current]:
        possible = (", ".join(m.label.lower() for m in MOVES if m.to in TRANSITIONS[current])
                    or _("none: it is closed"))
        raise Refused(_("Request #%(id)s is %(status)s: it cannot be moved to %(target)s. Moves possible now: "
                        "%(possible)s. Nothing was changed.", id=request.id, status=current.label.lower(),
                        target=step.to.label.lower(), possible=possible))
    if not has_permission(actor, step.permission):
        raise Refused(_("“%(move)s” is a manager's decision. Nothing was changed.", move=step.label))
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise Refused({"reason": _("“%(move)s” needs a reason: say why. Nothing was changed.", move=step.label)})
    change = request.change_status(step.to, actor, reason)
    request.version += 1
    audit.record_for(request, "status", f"Request #{request.id}: {current.label.lower()} → {step.to.label.lower()}"
                     + (f" — {reason[:200]}" if reason else ""),
                     before={"status": current.value}, after={"status": step.to.value, "reason": reason or None})
    _flush(request)
    return change


def _assignee(officer_id: int | str | None) -> User | None:
    """The account a choice names (None for "nobody"), or Refused."""
    if officer_id == "none":
        return None
    officer = db.session.get(User, officer_id) if isinstance(officer_id, int) else None
    if officer is None or officer.role not in ASSIGNABLE_ROLES or not officer.is_active:
        raise Refused({"officer": _("Choose an active officer or manager account, or “Nobody”.")})
    return officer


def _assign(request: AssistanceRequest, officer: User | None) -> bool:
    if request.assigned_officer_id == (officer.id if officer else None):
        return False
    before = request.assigned_officer.email if request.assigned_officer else None
    request.assigned_officer = officer
    request.version += 1
    after = officer.email if officer else None
    audit.record_for(request, "assign", f"Request #{request.id} assigned to {officer.name if officer else 'nobody'}",
                     before={"assigned_officer": before}, after={"assigned_officer": after})
    notification_events.notify(officer, notification_events.NotificationKind.REQUEST_ASSIGNED,
                                _l("Request #%(id)s (%(state)s: %(subject)s) is assigned to you.", id=request.id,
                                   state=request.state.name, subject=request.subject), request)
    return True


def assign(request: AssistanceRequest, officer_id: int | str | None, version: int | None) -> bool:
    """Assign one request (from its page); False when it was already so assigned."""
    _check_version(request, version)
    officer = _assignee(officer_id)
    if S(request.status) in CLOSED:
        raise Refused(_("Request #%(id)s is %(status)s: there is nothing left to assign.", id=request.id,
                        status=S(request.status).label.lower()))
    changed = _assign(request, officer)
    _flush(request)
    return changed


def assign_many(scope: Scope, pairs: list[tuple[int, int]], officer_id: int | str | None) -> int:
    """Assign every request of `pairs` ((id, version as shown in the queue)) in one action: all or nothing.

    Refused, changing nothing, when any id is unknown (or outside the scope), or any request changed since the
    queue was loaded or left the queue. Returns how many assignments changed."""
    officer = _assignee(officer_id)
    wanted = dict(pairs)
    found = {r.id: r for r in db.session.scalars(
        sa.select(AssistanceRequest).where(AssistanceRequest.id.in_(list(wanted)), scope.requests()))}
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        raise Refused(ngettext("Nothing was assigned: %(numbers)s does not exist or cannot be seen by you.",
                               "Nothing was assigned: %(numbers)s do not exist or cannot be seen by you.",
                               len(unknown), numbers=", ".join(f"#{i}" for i in unknown)))
    moved = sorted(i for i, r in found.items()
                   if r.version != wanted[i] or S(r.status) not in AWAITING_DECISION)
    if moved:
        raise Refused(ngettext("Nothing was assigned: %(numbers)s has changed since the queue was loaded (decided, "
                               "reassigned or edited). The queue now shows it as it stands: tick again.",
                               "Nothing was assigned: %(numbers)s have changed since the queue was loaded (decided, "
                               "reassigned or edited). The queue now shows them as they stand: tick again.",
                               len(moved), numbers=", ".join(f"#{i}" for i in moved)))
    changed = sum(_assign(found[i], officer) for i in sorted(found))
    try:
        db.session.flush()
    except StaleDataError:
        raise Refused(_("Nothing was assigned: some of these requests were changed by someone else at the same moment; "
                      "reload the queue.")) from None
    return changed
