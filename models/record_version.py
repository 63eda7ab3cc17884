"""A version stamp per part of the record, changed in the same transaction as the record itself.

Figures computed from the record (the treaty statuses of every instrument) can then be kept between requests and
between processes: a reader asks for the stamp (one cheap query) and reuses what it computed for that stamp. Any
flush that adds, changes or deletes a watched row — an import, a hand entry, the seed — changes the stamp in the
same transaction, so the change and the new stamp become visible together, to every process at once. The stamp is
new each time (not only a counter): figures computed inside a transaction that is then rolled back are stored
under a stamp that never comes back.
"""
import contextlib
import contextvars
import functools
import re
import uuid

import sqlalchemy as sa
from sqlalchemy import event, orm
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db

#: The parts of the record whose figures are cached. Treaties: actions, the sources' claims, the instruments'
#: terms and the participants they name (every status). Activities: what the iCalendar feed shows of them and
#: whose money makes a donor see them.
TREATIES = "treaties"
ACTIVITIES = "activities"
#: Everything: any committed change of any table. What whole pages are kept by (app.page_cache).
RECORD = "record"
#: Each table has a stamp of its own too, named "table:<name>", changed once per transaction that changed that
#: table (an association table with the rows whose collections name it): what whole pages are kept by, so that a
#: write keeps every page that read none of what it changed (app.page_cache). ANY_TABLE is changed by writes that
#: cannot be put down to a table (plain SQL, Core writes outside the session): every kept page depends on it.
TABLE_PREFIX = "table:"
ANY_TABLE = TABLE_PREFIX + "*"
#: Execution option of a bulk statement that writes bookkeeping no kept page shows (when a token was last used):
#: it leaves every stamp alone, so that an API client's hourly note does not throw away every kept page.
BOOKKEEPING = "bookkeeping"


class RecordVersion(db.Model):
    __tablename__ = "record_versions"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    #: How many changes so far (for people reading the table).
    version: Mapped[int] = mapped_column(nullable=False, default=0)
    #: What caches are keyed by: new at every change.
    stamp: Mapped[str] = mapped_column(sa.String(32), nullable=False)


def bump(connection: sa.Connection, name: str = TREATIES) -> None:
    """Change the stamp of `name` on `connection` (inside the caller's transaction), and the whole record's. Code
    writing the watched tables with Core statements, outside the ORM session, calls this itself."""
    _bump_one(connection, name)
    if name != RECORD:
        _bump_one(connection, RECORD)
    _bump_one(connection, ANY_TABLE)  # which tables such a write changed is not known here: every kept page goes


def _bump_one(connection: sa.Connection, name: str) -> None:
    table = RecordVersion.__table__
    stamp = uuid.uuid4().hex
    done = connection.execute(table.update().where(table.c.name == name)
                              .values(version=table.c.version + 1, stamp=stamp))
    if not done.rowcount:
        _insert_missing(connection, [{"name": name, "version": 1, "stamp": stamp}])


#: Asked on every visit of a kept page: built once.
_STAMP_OF = sa.select(RecordVersion.__table__.c.stamp).where(RecordVersion.__table__.c.name == sa.bindparam("name"))


def current_stamp(session: orm.Session, name: str = TREATIES) -> str | None:
    """The stamp of `name` as this transaction sees it (None before the first change: nothing may be cached)."""
    return session.execute(_STAMP_OF, {"name": name}).scalar()


def all_stamps(session: orm.Session) -> dict[str, str]:
    """Every stamp by name, in one query of a small table (one row per table and part of the record)."""
    table = RecordVersion.__table__
    return dict(session.execute(sa.select(table.c.name, table.c.stamp)).all())


def stamp_every_table(connection: sa.Connection) -> None:
    """A row for each table that has none (what the migration 20261206_perfpages does), for databases made with
    create_all (the tests, the benchmark's own)."""
    present = set(connection.execute(sa.select(RecordVersion.__table__.c.name)).scalars())
    tables = [TABLE_PREFIX + t for t in sorted(db.metadata.tables) if t != RecordVersion.__tablename__]
    missing = [n for n in [ANY_TABLE, *tables] if n not in present]
    if missing:
        connection.execute(RecordVersion.__table__.insert(),
                           [{"name": n, "version": 1, "stamp": uuid.uuid4().hex} for n in missing])


def table_stamp(stamps: dict[str, str], table: str) -> str | None:
    """The stamp of `table` among `stamps` (all_stamps). A table that has no row yet (added since the migration
    that made the rows, and never written since) stands on the whole record's stamp: sound, only less lasting."""
    return stamps.get(TABLE_PREFIX + table) or stamps.get(RECORD)


@functools.cache
def part_tables(name: str) -> frozenset[str]:
    """The tables whose rows a part's figures are computed from: a page that uses figures kept for a part's stamp
    (app.services.core.record_cache) read those tables as surely as if it had queried them."""
    return _part_tables(name)


def _part_tables(name: str) -> frozenset[str]:
    watched = _watched().get(name, ())
    return frozenset(t.name for model in watched for t in _tables_of(model.__mapper__))


# ------------------------------------------------------------------ what a page read (app.page_cache)
#: The tables read while a page renders, when someone is noting them (None otherwise: costs nothing).
_reading: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("tables_read", default=None)


@contextlib.contextmanager
def noting_reads():
    """Within the block, note every table a statement names (and the parts whose kept figures are used)."""
    noted: set[str] = set()
    token = _reading.set(noted)
    try:
        yield noted
    finally:
        _reading.reset(token)


def note_tables(tables) -> None:
    """Note tables as read by the page being rendered (figures kept per stamp: their tables count as read)."""
    noted = _reading.get()
    if noted is not None:
        noted.update(tables)


_table_names: re.Pattern | None = None


def _names_in(statement: str) -> set[str]:
    """The tables a statement names: every table name found as a whole word (over-counting costs only a kept
    page; a statement naming no known table, such as a plain SELECT 1, reads nothing that changes)."""
    global _table_names
    if _table_names is None:
        names = sorted(db.metadata.tables, key=len, reverse=True)
        _table_names = re.compile(r'\b(' + "|".join(map(re.escape, names)) + r')\b')
    return set(_table_names.findall(statement))


@event.listens_for(sa.engine.Engine, "before_cursor_execute")
def _note_statement(_connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    noted = _reading.get()
    if noted is not None:
        noted.update(_names_in(statement))


def _tables_of(mapper) -> set[sa.Table]:
    """A mapped class's tables and the association tables of its collections (changed through them)."""
    tables = set(mapper.tables)
    tables.update(r.secondary for r in mapper.relationships if isinstance(r.secondary, sa.Table))
    return tables


def _watched() -> dict[str, tuple[type, ...]]:
    from models.activity import Activity, ActivityOtherInstrument, ActivityPartner, ActivityState, ActivityVisit
    from models.contribution import Allocation, Contribution
    from models.instrument import Instrument
    from models.member_state import MemberState
    from models.organization import Organization
    from models.treaty import TreatyAction, TreatyActionSource
    return {TREATIES: (TreatyAction, TreatyActionSource, Instrument, MemberState),
            ACTIVITIES: (Activity, ActivityVisit, ActivityState, ActivityPartner, ActivityOtherInstrument, Allocation,
                         Contribution, Organization, Instrument, MemberState)}


def _reference_models() -> tuple[type, ...]:
    from models.instrument import Instrument
    from models.member_state import MemberState
    from models.organization import Organization
    return (Instrument, MemberState, Organization)


@event.listens_for(orm.Session, "after_flush")
def _bump_after_flush(session: orm.Session, _context) -> None:
    # A reference row merely touched through a relationship (a State gaining an activity) is not a change of it;
    # an activity's or a contribution's collections (its instruments) are part of it.
    reference = _reference_models()
    dirty = [obj for obj in session.dirty
             if session.is_modified(obj, include_collections=not isinstance(obj, reference))]
    changed = [obj for group in (session.new, dirty, session.deleted) for obj in group]
    if not changed:
        return
    session.info[_CHANGED] = True
    _changed_tables(session).update(t.name for obj in changed for t in _tables_of(sa.inspect(obj).mapper))
    # A delete may take rows of other tables with it in the database (ON DELETE CASCADE, passive deletes), unseen
    # by the session: the tables its relationships point to count as changed too.
    _changed_tables(session).update(t.name for obj in session.deleted
                                    for r in sa.inspect(obj).mapper.relationships for t in r.mapper.tables)
    for name, watched in _watched().items():
        if any(isinstance(obj, watched) for obj in changed):
            _bump_one(session.connection(), name)


@event.listens_for(orm.Session, "do_orm_execute")
def _bump_on_bulk_statement(state: orm.ORMExecuteState) -> None:
    """insert()/update()/delete() of a watched model run through the session (bulk writes skip the flush)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.execution_options.get(BOOKKEEPING):
        return
    state.session.info[_CHANGED] = True
    mapper = state.bind_mapper
    target = getattr(state.statement, "table", None)
    if mapper is not None:
        _changed_tables(state.session).update(t.name for t in _tables_of(mapper))
    elif isinstance(target, sa.Table):
        _changed_tables(state.session).add(target.name)
    else:
        _changed_tables(state.session).add("*")
    if mapper is None:
        return
    for name, watched in _watched().items():
        if issubclass(mapper.class_, watched):
            _bump_one(state.session.connection(), name)


#: session.info key: this transaction changed something (the whole record's stamp changes at its commit).
_CHANGED = "record_changed"
#: session.info key: the names of the tables this transaction changed (their stamps change at its commit).
_TABLES = "tables_changed"


def _changed_tables(session: orm.Session) -> set[str]:
    return session.info.setdefault(_TABLES, set())


@event.listens_for(orm.Session, "before_commit")
def _bump_record_before_commit(session: orm.Session) -> None:
    """The whole record's stamp changes once per transaction that changed anything, as its last statement: every
    writer then takes that row's lock last and holds it only until its COMMIT, so writers of different rows never
    wait on one another in a cycle. Changes still pending are flushed first, so that they count."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    tables = session.info.pop(_TABLES, set())
    if session.info.pop(_CHANGED, False):
        _bump_many(session.connection(), [TABLE_PREFIX + t for t in sorted(tables)] + [RECORD])


def _bump_many(connection: sa.Connection, names: list[str]) -> None:
    """One new stamp for `names`, in one statement when their rows exist (the migration made one per table)."""
    table = RecordVersion.__table__
    stamp = uuid.uuid4().hex
    done = connection.execute(table.update().where(table.c.name.in_(names))
                              .values(version=table.c.version + 1, stamp=stamp))
    if done.rowcount < len(names):
        present = set(connection.execute(sa.select(table.c.name).where(table.c.name.in_(names))).scalars())
        missing = [n for n in names if n not in present]
        if missing:  # (an insert given no rows would write one row of NULLs)
            _insert_missing(connection, [{"name": n, "version": 1, "stamp": stamp} for n in missing])


def _insert_missing(connection: sa.Connection, rows: list[dict]) -> None:
    """Rows for stamps not made yet; a row another transaction made meanwhile is left as it is (its new stamp
    serves as well as ours: both are new)."""
    table = RecordVersion.__table__
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif connection.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        connection.execute(table.insert(), rows)
        return
    connection.execute(insert(table).on_conflict_do_nothing(index_elements=["name"]), rows)


@event.listens_for(orm.Session, "after_rollback")
def _forget_changes(session: orm.Session) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_TABLES, None)
