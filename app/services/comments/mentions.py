"""@mentions in a comment: `@ana.ortiz` (the part of a colleague's e-mail before the @) or `@ana.ortiz@unodc.org`
(the whole address), read out of plain text and matched to active staff accounts.

An @ inside a word is no mention (an e-mail address written out: `write to ana@unodc.org`). A mention that names
nobody, or two accounts at once, or a donor (donors never see comments), is refused with a message saying so: a
mention that silently reached nobody would be worse than none.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app.listing import escape_like
from app.services.core.errors import Refused
from models import User, db
from models.enums import Role

HANDLE = re.compile(r"(?<![\w.@/])@([A-Za-z0-9._%+-]+(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")


def handles(text: str) -> list[str]:
    """The handles mentioned in `text`, lower-case, in order, each once (trailing dots are punctuation)."""
    found = [m.group(1).rstrip(".").lower() for m in HANDLE.finditer(text or "")]
    return [h for h in dict.fromkeys(found) if h]


def handle_of(user: User) -> str:
    """The short handle of an account: its e-mail before the @."""
    return user.email.split("@", 1)[0].lower()


def resolve(text: str, field: str = "text") -> list[User]:
    """The accounts `text` mentions (one query), or Refused on `field` naming each handle that does not match
    exactly one active staff account."""
    wanted = handles(text)
    if not wanted:
        return []
    locals_ = [h for h in wanted if "@" not in h]
    whole = [h for h in wanted if "@" in h]
    conditions = []
    if whole:
        conditions.append(User.email.in_(whole))
    for handle in locals_:
        conditions.append(User.email.like(escape_like(handle) + "@%", escape="\\"))
    candidates = list(db.session.scalars(sa.select(User).where(sa.or_(*conditions), User.is_active_account)))
    found, problems = [], []
    for handle in wanted:
        matches = [u for u in candidates if (u.email == handle if "@" in handle else handle_of(u) == handle)]
        if not matches:
            problems.append(_("@%(handle)s is no colleague's account (write @ and the part of their e-mail before "
                              "the @, e.g. @ana.ortiz).", handle=handle))
        elif len(matches) > 1:
            problems.append(_("@%(handle)s names %(n)s accounts: write the whole address (e.g. @%(email)s).",
                              handle=handle, n=len(matches), email=matches[0].email))
        elif matches[0].role == Role.DONOR.value:
            problems.append(_("@%(handle)s is a donor's account: donors do not see comments.", handle=handle))
        else:
            found.append(matches[0])
    if problems:
        raise Refused({field: " ".join(problems)})
    return found
