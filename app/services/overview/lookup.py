"""The type-ahead pickers' reads: a few records of one kind matching what was typed, and the labels of chosen ones.

One definition per kind (States, experts, organizations, requests, activities, staff accounts, legislative issues)
serves three callers: `GET /api/v1/lookup/<kind>?q=` (`search`), the forms that render only the options already
chosen (`labels`), and a form posted without JavaScript whose text box names a record (`resolve`). Each is one
query, narrowed by the caller's Scope as every other read is, so a picker never offers what the caller may not see
and a form never accepts it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.listing import TRIGRAM, holds
from app.scoping import Scope
from app.services.registry.states import name_matches
from app.services.requests.request_reads import ASSIGNABLE_ROLES
from app.services.work.report_review import APPROVER_ROLES
from models import (
    Activity,
    AssistanceRequest,
    Contribution,
    Expert,
    LegislativeIssue,
    MemberState,
    Organization,
    User,
    db,
)
from models.enums import OrganizationKind, Role

#: Most items one lookup answers: a picker shows a screenful, and typing more narrows it.
MAX_ITEMS = 50
#: Longest text a lookup takes (a name, a title's words, a number).
MAX_QUERY = 100
#: How many of a growing kind's newest records text too short for the trigram indexes is looked for among. "ma"
#: among 200,000 request subjects read every one of them when none held it (68 ms on SQLite, 99 on PostgreSQL, whose
#: index cannot help a text without a trigram); among the newest 5,000, the whole answer takes 5 and 7 ms. A third
#: letter searches them all.
NEWEST = 5000
#: "#16", "16", " # 16 ": a record number.
_NUMBER = re.compile(r"^\s*#?\s*(\d{1,9})\s*$")


def record_number(text: str) -> int | None:
    """The record number `text` is ("#16", "16"), or None."""
    found = _NUMBER.match(text or "")
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None


def _words(column, text: str):
    """Every word of `text` somewhere in `column` (case-insensitive): "trafficking bolivia" finds a title holding
    both, in any order."""
    return sa.and_(*(holds(column, word) for word in text.split()[:8]))


def _numbered(id_column, text_column, text: str):
    """A record by its number (`#16`, `16`) or by the words of its title."""
    number = record_number(text)
    return id_column == number if number is not None else _words(text_column, text)


@dataclass(frozen=True)
class Kind:
    """How one kind of record is looked up."""

    #: The columns selected, the first the key a form posts (a State's code, every other record's id).
    columns: tuple
    #: The label a picker shows, from one selected row.
    label: Callable[[sa.Row], str]
    #: The condition of what the scope may see.
    visible: Callable[[Scope], sa.ColumnElement]
    #: The condition matching typed text.
    matches: Callable[[str], sa.ColumnElement]
    order: tuple
    #: What a form posts, as the key column holds it (None: not a key; the text is looked up by name instead).
    key_of: Callable[[str], object]
    #: Narrower sets a field may offer (`?among=`): name -> the condition, given the scope. A field that takes
    #: only some records of the kind (an assignment: active officers) searches and checks among those alone.
    among: dict[str, Callable[[Scope], sa.ColumnElement]] = field(default_factory=dict)
    #: A kind that grows with the work, offered newest first: text too short for a trigram index (no word of three
    #: letters) is looked for among its NEWEST records only, not read through all of them.
    grows: bool = False

    @property
    def key(self):
        return self.columns[0]

    def select(self, scope: Scope, among: str | None = None) -> sa.Select:
        select = sa.select(*self.columns).where(self.visible(scope))
        return select.where(self.among[among](scope)) if among else select


def _state_code(text: str) -> str | None:
    text = (text or "").strip()
    return text if len(text) == 3 and text.isalpha() and text.isupper() else None


def _organization_label(row) -> str:
    return f"{row.name} ({row.acronym})" if row.acronym else row.name


def _staff(_scope: Scope):
    """Staff accounts, whoever asks (a donor is refused the kind by its permission; the condition keeps donor
    accounts out of every answer all the same)."""
    return User.role != Role.DONOR.value


#: The narrower sets of accounts: a filter's (officers and managers, deactivated ones too: their records stay),
#: an assignment's or an action's owner (active officers and managers), a report's approvers (active managers).
_ACCOUNTS = {
    "staff": lambda _s: User.role.in_(ASSIGNABLE_ROLES),
    "assignable": lambda _s: sa.and_(User.role.in_(ASSIGNABLE_ROLES), User.is_active_account.is_(True)),
    "approvers": lambda _s: sa.and_(User.role.in_(APPROVER_ROLES), User.is_active_account.is_(True)),
}


def _donors(scope: Scope):
    """The organizations that give money (app.services.funding.contributions.donors): those with a contribution
    the scope sees and, for staff, the governments that have none yet."""
    has_money = Organization.id.in_(sa.select(Contribution.donor_id).where(scope.contributions()))
    if scope.is_donor:
        return has_money
    return sa.or_(has_money, Organization.kind.in_([OrganizationKind.DONOR_GOVERNMENT.value,
                                                    OrganizationKind.GOVERNMENT.value]))


KINDS: dict[str, Kind] = {
    "states": Kind(
        (MemberState.code, MemberState.name), lambda r: f"{r.name} ({r.code})", lambda s: s.states(),
        name_matches, (MemberState.name,), _state_code),
    "experts": Kind(
        (Expert.id, Expert.name), lambda r: r.name, lambda s: s.experts(),
        lambda q: _numbered(Expert.id, Expert.name, q), (Expert.name, Expert.id), record_number),
    "organizations": Kind(
        (Organization.id, Organization.name, Organization.acronym), _organization_label,
        lambda s: s.organizations(),
        lambda q: sa.or_(_words(Organization.name, q), sa.func.lower(Organization.acronym) == q.strip().lower()),
        (Organization.name,), record_number, {"donors": _donors}),
    "requests": Kind(
        (AssistanceRequest.id, AssistanceRequest.subject, AssistanceRequest.received_date),
        lambda r: f"#{r.id} {r.subject}" + (f" ({r.received_date.isoformat()})" if r.received_date else ""),
        lambda s: s.requests(), lambda q: _numbered(AssistanceRequest.id, AssistanceRequest.subject, q),
        (AssistanceRequest.id.desc(),), record_number, grows=True),
    "activities": Kind(
        (Activity.id, Activity.title, Activity.first_visit_date),
        lambda r: f"#{r.id} {r.title}" + (f" ({r.first_visit_date.isoformat()})" if r.first_visit_date else ""),
        lambda s: s.activities(), lambda q: _numbered(Activity.id, Activity.title, q),
        (Activity.id.desc(),), record_number, grows=True),
    "users": Kind(
        (User.id, User.name, User.email), lambda r: f"{r.name} ({r.email})", _staff,
        lambda q: sa.or_(_words(User.name, q), holds(User.email, q.strip())),
        (User.name, User.id), record_number, _ACCOUNTS),
    "issues": Kind(
        (LegislativeIssue.id, LegislativeIssue.title, LegislativeIssue.article),
        lambda r: f"{r.title} — {r.article}", lambda _s: sa.true(),
        lambda q: sa.or_(_words(LegislativeIssue.title, q), sa.func.lower(LegislativeIssue.code) == q.strip().lower(),
                         holds(LegislativeIssue.article, q.strip())),
        (LegislativeIssue.id,), record_number),
}


def _too_short(text: str) -> bool:
    """Text with no word long enough for a trigram index, and no record number."""
    return record_number(text) is None and all(len(word) < TRIGRAM for word in text.split())


@dataclass(frozen=True)
class Item:
    id: object
    label: str


def search(kind: str, scope: Scope, q: str | None, among: str | None = None) -> list[Item]:
    """At most MAX_ITEMS records of `kind` the scope may see (of the set `among`, when given), matching `q`
    (every one, in order, when empty): one query."""
    found = KINDS[kind]
    select = found.select(scope, among)
    if q and q.strip():
        select = select.where(found.matches(q.strip()))
        if found.grows and _too_short(q):
            # as a lower bound of the key, which both engines read from the key's index (as `IN` the newest,
            # PostgreSQL still tested every row of the table before joining them)
            newest = sa.select(found.key.label("key")).order_by(found.key.desc()).limit(NEWEST).subquery()
            select = select.where(found.key >= sa.select(sa.func.min(newest.c.key)).scalar_subquery())
    rows = db.session.execute(select.order_by(*found.order).limit(MAX_ITEMS))
    return [Item(row[0], found.label(row)) for row in rows]


def labels(kind: str, scope: Scope, keys: Iterable, among: str | None = None) -> dict:
    """key -> label of the records of `kind` among `keys` that the scope may see (and of the set `among`): one
    query, none when no key. A key missing from the answer names nothing the caller may choose."""
    keys = sorted({k for k in keys if k is not None}, key=str)
    if not keys:
        return {}
    found = KINDS[kind]
    return {row[0]: found.label(row)
            for row in db.session.execute(found.select(scope, among).where(found.key.in_(keys)))}


def resolve(kind: str, scope: Scope, text: str, among: str | None = None) -> tuple[Item | None, str | None]:
    """The one record of `kind` that typed `text` names — (item, None) — or (None, why not): nothing matches, or
    several do and none is named exactly (its number, its code, its label or its name in full)."""
    items = search(kind, scope, text, among)
    if len(items) == 1:
        return items[0], None
    wanted = text.strip().lower()
    exact = [i for i in items if str(i.id).lower() == wanted or i.label.lower() == wanted
             or i.label.lower().startswith(wanted + " (")]
    if len(exact) == 1:
        return exact[0], None
    shown = text.strip()[:40]
    if not items:
        return None, _("Nothing you may choose matches “%(text)s”: check the spelling, or type part of the name.",
                       text=shown)
    names = "; ".join(i.label for i in items[:3])
    return None, _("“%(text)s” matches several (%(names)s…): type more of the name, or its number.", text=shown,
                   names=names)
