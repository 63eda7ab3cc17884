"""The queue as a triage tool (issue 29): one workflow move (start review, approve, decline) applied to many
requests at once, with one reason, through the same guarded `request_writes.move` as a row's own buttons — so
each request gets its status change, its audit entry and its version check exactly as if moved alone.

All or nothing: every request is tried, and when any refuses, `Refused` names each one with its reason and the
caller rolls back, so no request is left half-triaged."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from app.scoping import Scope
from app.services.core.errors import Refused
from app.services.requests import request_writes
from models import AssistanceRequest, User, db

#: The moves the queue offers in bulk: its decisions (put back and withdraw stay one request at a time).
BULK_MOVES = ("review", "approve", "decline")


def move_many(scope: Scope, pairs: list[tuple[int, int]], name: str, actor: User, reason: str | None) -> int:
    """Take the move `name` on every request of `pairs` ((id, version as shown)); returns how many moved.

    Refused, changing nothing, naming every request that could not move: unknown or outside the scope, changed
    since the queue was loaded, or in a status the move cannot leave (already approved, say)."""
    if name not in BULK_MOVES:
        raise Refused(_("The queue moves many requests only to review, approval or decline, not %(name)s.",
                        name=repr(name[:30])))
    if not pairs:
        raise Refused({"requests": _("Tick at least one request.")})
    step = request_writes.MOVES_BY_NAME[name]
    if step.needs_reason and not (reason or "").strip():
        raise Refused({"reason": _("“%(move)s” needs a reason, given once for every request: say why. Nothing was "
                                   "changed.", move=step.label)})
    wanted = dict(pairs)
    found = {r.id: r for r in db.session.scalars(
        sa.select(AssistanceRequest).where(AssistanceRequest.id.in_(list(wanted)), scope.requests())
        .options(selectinload(AssistanceRequest.assigned_officer)))}  # named in the messages
    problems = [_("#%(id)s does not exist or cannot be seen by you", id=i) for i in sorted(set(wanted) - set(found))]
    for request_id in sorted(found):
        try:
            request_writes.move(found[request_id], name, actor, reason, wanted[request_id])
        except Refused as exc:
            problems.append(f"#{request_id}: {_short(exc.message)}")
    if problems:
        listed = "; ".join(problems[:20]) + ("; …" if len(problems) > 20 else "")
        if len(problems) == 1:
            raise Refused(_("Nothing was changed, because this request could not move: %(problems)s. Untick it, or "
                            "reload the queue, and try again.", problems=listed))
        # Its singular form serves the languages whose "one" also covers 21, 31…: it names the number too.
        raise Refused(ngettext("Nothing was changed, because %(num)d request could not move: %(problems)s. Untick "
                               "it, or reload the queue, and try again.",
                               "Nothing was changed, because these %(num)d requests could not move: %(problems)s. "
                               "Untick them, or reload the queue, and try again.", len(problems), problems=listed))
    return len(found)


def _short(message: str) -> str:
    """A row's refusal without the closing "Nothing was changed." that the summary says once."""
    return message.replace(" Nothing was changed.", "").rstrip(". ")
