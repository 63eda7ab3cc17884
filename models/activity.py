"""Assistance activities: missions, seminars, workshops, meetings, written analyses, presentations.

One aggregate with a `kind`, because every kind shares the same shape: visits, States, instruments, partners,
experts, funding and the requests it answers. A written analysis simply has no visit.
"""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import TimestampMixin, dates_ordered, db, fk, one_of, version_column
from models.enums import ActivityKind, ActivityStateRole, ActivityStatus, DatePrecision

activity_instruments = sa.Table(
    "activity_instruments", db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("instrument_id", sa.ForeignKey("instruments.id"), primary_key=True, index=True),
)

activity_requests = sa.Table(
    "activity_requests", db.metadata,
    sa.Column("activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("request_id", sa.ForeignKey("assistance_requests.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class Activity(TimestampMixin, db.Model):
    __tablename__ = "activities"
    __table_args__ = (one_of("kind", ActivityKind), one_of("status", ActivityStatus))  # kind, status, title: indexed

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Raised by every change (optimistic locking): a form or an API call carries the version it was
    #: made from, and a change to a record that moved on since is refused.
    version: Mapped[int] = version_column()
    __mapper_args__ = {"version_id_col": version}
    #: Stable key of a record loaded from a data file; empty for records entered by users.
    reference_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True, nullable=True)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False, index=True)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=ActivityStatus.COMPLETED.value,
                                        index=True)
    title: Mapped[str] = mapped_column(sa.String(255), nullable=False, index=True)
    description: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: The outcome report: what came of it (declarations, recommendations, drafts delivered).
    outcome: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: Subjects dealt with besides the instruments themselves, e.g. ["border control"] (A/58/165 para. 17).
    topics: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    #: Where the record comes from, e.g. "A/58/165 para. 16".
    source: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    project_id: Mapped[int | None] = fk("projects.id", nullable=True)
    #: The first day of its first visit (empty without travel): `start_date` stored, so that the list's default
    #: order reads an index (`first_visit_order` below) instead of computing every activity's MIN over its visits.
    #: Kept by `_first_visits` below on every flush that touches an activity's visits.
    first_visit_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)

    visits: Mapped[list["ActivityVisit"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="ActivityVisit.start_date")
    states: Mapped[list["ActivityState"]] = relationship(back_populates="activity", cascade="all, delete-orphan")
    instruments = relationship("Instrument", secondary=activity_instruments, order_by="Instrument.id")
    other_instruments: Mapped[list["ActivityOtherInstrument"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan")
    partners: Mapped[list["ActivityPartner"]] = relationship(back_populates="activity",
                                                             cascade="all, delete-orphan")
    requests = relationship("AssistanceRequest", secondary=activity_requests, back_populates="activities")
    deployments = relationship("Deployment", back_populates="activity", cascade="all, delete-orphan")
    allocations = relationship("Allocation", back_populates="activity", cascade="all, delete-orphan")
    project = relationship("Project")

    @property
    def start_date(self) -> date | None:
        return min((v.start_date for v in self.visits), default=None)

    @property
    def end_date(self) -> date | None:
        return max((v.end_date for v in self.visits), default=None)

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.kind}>"


#: The day an activity without travel sorts as, after every dated one, on every engine (SQLite and PostgreSQL put
#: NULLs at opposite ends). A literal in the SQL, not a bound parameter: the order key must read exactly as the
#: expression of the index below for the database to walk that index instead of sorting every activity.
UNDATED_ORDER = sa.literal_column("'2199-12-31'")


def first_visit_order():
    """The activity list's default order key: the first visit date, undated last."""
    return sa.func.coalesce(Activity.first_visit_date, UNDATED_ORDER)


sa.Index("ix_activities_first_visit_order", first_visit_order())


class ActivityVisit(db.Model):
    """One trip or sitting: the report's Romania mission of 2002 is two visits to Bucharest."""
    __tablename__ = "activity_visits"
    __table_args__ = (
        dates_ordered("start_date", "end_date"), one_of("date_precision", DatePrecision),
        # An activity's first day (the list's default order), a State's visits by date, the calendar's ranges.
        sa.Index("ix_activity_visits_activity_start", "activity_id", "start_date"),
        sa.Index("ix_activity_visits_country_start", "country_id", "start_date"),
        # The activities with a visit in a period (the period report's pages, the list's date filter): the visits
        # ending after its first day, read from the index alone (a year's page: 20 -> 6 ms at 200,000 requests).
        sa.Index("ix_activity_visits_end_start", "end_date", "start_date", "activity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = fk("activities.id", nullable=False, ondelete="CASCADE")
    #: Empty where the source names no city.
    city: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)
    country_id: Mapped[int] = fk("member_states.id", nullable=False)
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    end_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    #: "month" (or "quarter") where the source gives only a month (a quarter): the dates then span it.
    date_precision: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=DatePrecision.DAY.value)

    activity: Mapped[Activity] = relationship(back_populates="visits")
    country = relationship("MemberState")


class ActivityState(db.Model):
    """A State an activity served, or that took part in it (many for a regional meeting)."""
    __tablename__ = "activity_states"
    __table_args__ = (
        sa.UniqueConstraint("activity_id", "state_id", name="uq_activity_states_activity_state"),
        one_of("role", ActivityStateRole),
        sa.Index("ix_activity_states_state_activity", "state_id", "activity_id"),  # activities involving a State
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = fk("activities.id", nullable=False, ondelete="CASCADE")
    state_id: Mapped[int] = fk("member_states.id", nullable=False)
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=ActivityStateRole.SERVED.value)

    activity: Mapped[Activity] = relationship(back_populates="states")
    state = relationship("MemberState")


class ActivityOtherInstrument(db.Model):
    """An instrument outside the four dealt with jointly (the counter-terrorism conventions, the 1988 Convention)."""
    __tablename__ = "activity_other_instruments"
    __table_args__ = (sa.UniqueConstraint("activity_id", "name", name="uq_activity_other_instruments_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = fk("activities.id", nullable=False, ondelete="CASCADE")
    name: Mapped[str] = mapped_column(sa.String(255), nullable=False)

    activity: Mapped[Activity] = relationship(back_populates="other_instruments")


class ActivityPartner(db.Model):
    """A partner organization of an activity and its role (organizer, host, co-operating organization…)."""
    __tablename__ = "activity_partners"
    __table_args__ = (sa.UniqueConstraint("activity_id", "organization_id", name="uq_activity_partners_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = fk("activities.id", nullable=False, ondelete="CASCADE")
    organization_id: Mapped[int] = fk("organizations.id", nullable=False)
    role: Mapped[str] = mapped_column(sa.String(80), nullable=False)

    activity: Mapped[Activity] = relationship(back_populates="partners")
    organization = relationship("Organization")


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _first_visits(session: sa.orm.Session, _context) -> None:
    """Keep `Activity.first_visit_date` equal to the first day of its visits, whoever wrote them (the activity
    form, the API, the reference loader, a test's factory): a stored copy that a writer forgot would silently
    misplace the activity in the list's default order.

    Written by a plain UPDATE after the flush, not as a change of the activity: it is derived from the visits, and
    must not raise the activity's version (an edit made from the page would otherwise be refused as stale when
    only its visits were flushed apart from it)."""
    touched = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Activity):
            touched.add(obj)
        elif isinstance(obj, ActivityVisit) and obj.activity is not None:
            touched.add(obj.activity)
    for activity in touched:
        if activity in session.deleted or activity.id is None:
            continue
        first = min((v.start_date for v in activity.visits if v not in session.deleted and v.start_date),
                    default=None)
        if activity.first_visit_date != first:
            session.connection().execute(sa.update(Activity.__table__).where(Activity.__table__.c.id == activity.id)
                                         .values(first_visit_date=first))
            sa.orm.attributes.set_committed_value(activity, "first_visit_date", first)
