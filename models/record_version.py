"""A version stamp per part of the record, changed in the same transaction as the record itself.

Figures computed from the record (the treaty statuses of every instrument) can then be kept between requests and
between processes: a reader asks for the stamp (one cheap query) and reuses what it computed for that stamp. Any
flush that adds, changes or deletes a watched row — an import, a hand entry, the seed — changes the stamp in the
same transaction, so the change and the new stamp become visible together, to every process at once. The stamp is
new each time (not only a counter): figures computed inside a transaction that is then rolled back are stored
under a stamp that never comes back.
"""
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


def _bump_one(connection: sa.Connection, name: str) -> None:
    table = RecordVersion.__table__
    stamp = uuid.uuid4().hex
    done = connection.execute(table.update().where(table.c.name == name)
                              .values(version=table.c.version + 1, stamp=stamp))
    if not done.rowcount:
        connection.execute(table.insert().values(name=name, version=1, stamp=stamp))


#: Asked on every visit of a kept page: built once.
_STAMP_OF = sa.select(RecordVersion.__table__.c.stamp).where(RecordVersion.__table__.c.name == sa.bindparam("name"))


def current_stamp(session: orm.Session, name: str = TREATIES) -> str | None:
    """The stamp of `name` as this transaction sees it (None before the first change: nothing may be cached)."""
    return session.execute(_STAMP_OF, {"name": name}).scalar()


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
    if mapper is None:
        return
    for name, watched in _watched().items():
        if issubclass(mapper.class_, watched):
            _bump_one(state.session.connection(), name)


#: session.info key: this transaction changed something (the whole record's stamp changes at its commit).
_CHANGED = "record_changed"


@event.listens_for(orm.Session, "before_commit")
def _bump_record_before_commit(session: orm.Session) -> None:
    """The whole record's stamp changes once per transaction that changed anything, as its last statement: every
    writer then takes that row's lock last and holds it only until its COMMIT, so writers of different rows never
    wait on one another in a cycle. Changes still pending are flushed first, so that they count."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    if session.info.pop(_CHANGED, False):
        _bump_one(session.connection(), RECORD)


@event.listens_for(orm.Session, "after_rollback")
def _forget_changes(session: orm.Session) -> None:
    session.info.pop(_CHANGED, None)
