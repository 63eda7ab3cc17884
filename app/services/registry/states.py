"""States and other participants: finding one by any name it bore, and the scoped reads of the State pages.

Names resolve through the alias table (`alias_key`): today's names, earlier names, aliases. The import, the
command line (`users create --donor "United Kingdom"`), forms and the search all call the functions here.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.listing import Page, Paging, among, holds, ordered, paginate
from app.scoping import Scope
from app.services.registry.state_names import codes_named
from models import MemberState, MemberStateAlias, MemberStateName, alias_key, db
from models.treaty import deposit_count


# ------------------------------------------------------------------ resolving names
def participant_index() -> dict[str, int | None]:
    """alias_key -> State id over today's names, earlier names and aliases (three small queries).

    A key that two States claim maps to None (ambiguous: refused rather than guessed). Today's names
    win over earlier names, which win over aliases, so an alias can never steal a State's own name.
    """
    index: dict[str, int | None] = {}
    layers = (
        db.session.execute(sa.select(MemberStateAlias.key, MemberStateAlias.state_id)).all(),
        [(alias_key(n), s) for n, s in db.session.execute(
            sa.select(MemberStateName.name, MemberStateName.state_id))],
        [(alias_key(n), s) for n, s in db.session.execute(sa.select(MemberState.name, MemberState.id))],
    )
    for layer in layers:
        claimed: dict[str, int | None] = {}
        for key, state_id in layer:
            claimed[key] = state_id if claimed.get(key, state_id) == state_id else None
        index.update(claimed)
    return index


def resolve_participant(name: str, index: dict[str, int | None] | None = None) -> MemberState | None:
    """The State an outside name designates (any of its names, past or present, or an alias), or None."""
    if not name or not name.strip():
        return None
    state_id = (index if index is not None else participant_index()).get(alias_key(name))
    return db.session.get(MemberState, state_id) if state_id else None


def find_participant(text: str) -> MemberState | None:
    """A State by its code ("SRB") or by any name it is known by."""
    text = (text or "").strip()
    if len(text) == 3 and text.isalpha():
        state = db.session.scalars(sa.select(MemberState).where(MemberState.code == text.upper())).first()
        if state is not None:
            return state
    return resolve_participant(text)


def participants(codes: Iterable[str]) -> dict[str, MemberState]:
    """States by code with their name history loaded (for `name_on`): two queries, whatever the count."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    query = (sa.select(MemberState).where(MemberState.code.in_(codes))
             .options(selectinload(MemberState.names)))
    return {s.code: s for s in db.session.scalars(query)}


def name_matches(text: str):
    """A condition on MemberState: `text` in today's name, an earlier name or an alias, in the State's name in any
    of the interface's languages ("Bolivie", "Кения": state_names), or equal to the code. The one place a State is
    matched by name: the lists' `q`, the global search and the States picker all call it (no query of its own)."""
    named = sorted(codes_named(text, tuple(current_app.config["LANGUAGES"])))
    return sa.or_(
        holds(MemberState.name, text), sa.func.lower(MemberState.code) == text.lower(),
        *([MemberState.code.in_(named)] if named else []),
        MemberState.id.in_(sa.select(MemberStateName.state_id).where(holds(MemberStateName.name, text))),
        MemberState.id.in_(sa.select(MemberStateAlias.state_id).where(holds(MemberStateAlias.alias, text))))


def ids_matching(text: str) -> sa.Select:
    """The ids of the States whose name, earlier name or alias contains `text` (or whose code it is): a subquery
    for every list's text filter (`q`), so "Brazil", "braz" or "Yugoslavia" find a State's records in the one
    statement the list runs anyway."""
    return sa.select(MemberState.id).where(name_matches(text))


def matching(column, text: str):
    """`column` holds the id of a State whose name, earlier name or alias contains `text` (or whose code it is):
    the condition every list's text filter adds, in the one statement the list runs anyway (app.listing.among:
    the States found once, then the column's index read, on PostgreSQL)."""
    return among(column, ids_matching(text).scalar_subquery())


def ids_named(text: str) -> sa.Select:
    """The ids of the State a filter names: by its code ("BRA") or by one of its names or aliases in full, any
    case ("Brazil", "Serbia and Montenegro"). A subquery: a filter taking a State by name costs no statement of
    its own. A name that designates nothing gives no id (an empty list, not an error)."""
    text = (text or "").strip()
    lowered = text.lower()
    return sa.select(MemberState.id).where(sa.or_(
        MemberState.code == text.upper(), sa.func.lower(MemberState.name) == lowered,
        MemberState.id.in_(sa.select(MemberStateName.state_id).where(sa.func.lower(MemberStateName.name) == lowered)),
        MemberState.id.in_(sa.select(MemberStateAlias.state_id).where(MemberStateAlias.key == alias_key(text)))))


# ------------------------------------------------------------------ the scoped reads
@dataclass(frozen=True)
class StateFilters:
    q: str | None = None
    group: str | None = None
    kind: str | None = None


#: Sort keys of the State list (forms.state.StateFilterForm.SORTS names the same keys).
SORTS = {"name": MemberState.name, "code": MemberState.code, "group": MemberState.regional_group,
         "deposits": deposit_count(MemberState.id)}


def query(scope: Scope, filters: StateFilters) -> sa.Select:
    """The States `scope` may see, narrowed by `filters`."""
    select = sa.select(MemberState).where(scope.states())
    if filters.q:
        select = select.where(name_matches(filters.q))
    if filters.group:
        select = select.where(MemberState.regional_group == filters.group)
    if filters.kind:
        select = select.where(MemberState.kind == filters.kind)
    return select


def list_page(scope: Scope, filters: StateFilters, paging: Paging) -> tuple[Page, dict[int, int]]:
    """One page of States and the number of instruments each has deposited (one grouped query for the page)."""
    page = paginate(ordered(query(scope, filters), SORTS, paging, "name", MemberState.name), paging)
    ids = [s.id for s in page.items]
    deposits = dict(db.session.execute(sa.select(MemberState.id, deposit_count(MemberState.id))
                                       .where(MemberState.id.in_(ids))).all()) if ids else {}
    return page, deposits


def export_rows(scope: Scope, filters: StateFilters, paging: Paging) -> list[tuple[MemberState, int]]:
    """Every State of the filtered list (not one page), in the list's order, each with the number of instruments
    it has deposited (one query whatever the number of States)."""
    select = ordered(query(scope, filters), SORTS, paging, "name", MemberState.name)
    return [(state, deposits) for state, deposits in db.session.execute(
        select.add_columns(deposit_count(MemberState.id))).all()]


def get(scope: Scope, code: str) -> MemberState | None:
    """One State by code, with its names, if `scope` may see it."""
    return db.session.scalars(sa.select(MemberState).where(
        MemberState.code == (code or "").upper()[:3], scope.states())
        .options(selectinload(MemberState.names))).first()


def choices(scope: Scope) -> list[MemberState]:
    """Every State `scope` may see, by name: the options of a State select."""
    return list(db.session.scalars(sa.select(MemberState).where(scope.states()).order_by(MemberState.name)))


def visible_ids(scope: Scope) -> set[int] | None:
    """The ids of the States a donor may see, or None for a scope that sees every State.

    The one place a list computed by the treaty rules (the parties of an instrument) is narrowed for a donor.
    """
    if not scope.is_donor:
        return None
    return set(db.session.scalars(scope.state_ids()))
