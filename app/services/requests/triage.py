"""The queue as a triage tool (issue 29): one workflow move (start review, approve, decline) applied to many
requests at once, with one reason, through the same guarded `request_writes.move` as a row's own buttons — so
each request gets its status change, its audit entry and its version check exactly as if moved alone.

All or nothing: every request is tried, and when any refuses, `Refused` names each one with its reason and the
caller rolls back, so no request is left half-triaged."""
from __future__ import annotations

import sqlalchemy as sa
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
        raise Refused(f"The queue moves many requests only to review, approval or decline, not {name[:30]!r}.")
    if not pairs:
        raise Refused({"requests": "Tick at least one request."})
    step = request_writes.MOVES_BY_NAME[name]
    if step.needs_reason and not (reason or "").strip():
        raise Refused({"reason": f"“{step.label}” needs a reason, given once for every request: say why. "
                                 "Nothing was changed."})
    wanted = dict(pairs)
    found = {r.id: r for r in db.session.scalars(
        sa.select(AssistanceRequest).where(AssistanceRequest.id.in_(list(wanted)), scope.requests())
        .options(selectinload(AssistanceRequest.assigned_officer)))}  # named in the messages
    problems = [f"#{i} does not exist or cannot be seen by you" for i in sorted(set(wanted) - set(found))]
    for request_id in sorted(found):
        try:
            request_writes.move(found[request_id], name, actor, reason, wanted[request_id])
        except Refused as exc:
            problems.append(f"#{request_id}: {_short(exc.message)}")
    if problems:
        raise Refused("Nothing was changed, because " + ("this request" if len(problems) == 1 else
                      f"these {len(problems)} requests") + " could not move: " + "; ".join(problems[:20])
                      + ("; …" if len(problems) > 20 else "") + ". Untick them, or reload the queue, and try again.")
    return len(found)


def _short(message: str) -> str:
    """A row's refusal without the closing "Nothing was changed." that the summary says once."""
    return message.replace(" Nothing was changed.", "").rstrip(". ")
