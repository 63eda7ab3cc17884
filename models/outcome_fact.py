"""The outcome figures kept up to date by the writes (issue 26): what /outcomes reads instead of turning every
activity × State × instrument row of the record into figures on every visit.

Derived data only, with no meaning of its own: `flask outcomes rebuild` makes all of it again from the record, and
app.services.treaties.outcome_facts keeps it in step with every write of an activity, an allocation, a
contribution or a request, in the writer's transaction. Sizes are bounded by the record's dimensions (States,
instruments, kinds, donors, months), not by its number of requests or activities.

`donor_id` and `instrument_id` hold 0 for "every donor's" and "any instrument": rows that stand for all of them at
once (not foreign keys, for that reason).
"""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db

#: `donor_id` of the rows that count every activity, whoever funded it (or nobody).
EVERY_DONOR = 0
#: `instrument_id` of the month rows that count an activity once whatever the instruments it names.
ANY_INSTRUMENT = 0
#: `regional_group` of the month rows that count an activity once whatever the groups of the States it assisted.
ANY_GROUP = "*"
#: `month` of the activities with no visit (no date: counted apart, never placed in time).
UNDATED = 0


class OutcomeRequest(db.Model):
    """The first day a request of a State named an instrument (any request, whatever its status)."""
    __tablename__ = "outcome_requests"

    state_id: Mapped[int] = mapped_column(sa.ForeignKey("member_states.id", ondelete="CASCADE"), primary_key=True)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)
    first_received_date: Mapped[date] = mapped_column(sa.Date, nullable=False)


class OutcomeFact(db.Model):
    """Assistance to a State on an instrument by activities of one kind, the State served or taking part, paid
    for by one donor (or `EVERY_DONOR`): the first day of it, the first on or after the State's first request on
    the instrument, and whether an activity of it has no visit (assistance that cannot be placed in time)."""
    __tablename__ = "outcome_facts"
    __table_args__ = (
        # a donor's rows (or every donor's), then by pair: what every read of the page asks for
        sa.PrimaryKeyConstraint("donor_id", "state_id", "instrument_id", "kind", "is_served"),
        # the rows of the pairs a write touched (`refresh`)
        sa.Index("ix_outcome_facts_state_instrument", "state_id", "instrument_id"),
        # the key and every column the page reads: its groupings read from the index alone, never the table
        # (PostgreSQL's ten donors' rows 30 -> 8 ms, the States they reached 28 -> 8 ms at 200,000 requests)
        sa.Index("ix_outcome_facts_covering", "donor_id", "state_id", "instrument_id", "kind", "is_served",
                 "first_date", "first_after_request", "has_undated"),
    )

    donor_id: Mapped[int] = mapped_column(nullable=False)
    state_id: Mapped[int] = mapped_column(sa.ForeignKey("member_states.id", ondelete="CASCADE"), nullable=False)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: Served (True) or took part (False): the `national` filter keeps the State served only.
    is_served: Mapped[bool] = mapped_column(nullable=False)
    #: The first day of the first visit of the first such activity (None: none has a visit).
    first_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: The first such day on or after the first day of `OutcomeRequest` (None: none, or no request).
    first_after_request: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    #: Whether one such activity has no visit: a donor's money reaches a State by it, undated (app.services.funding
    #: .reach), though it is no assistance placed in time.
    has_undated: Mapped[bool] = mapped_column(nullable=False)


class OutcomeMonth(db.Model):
    """How many distinct activities of one kind, paid for by one donor (or `EVERY_DONOR`), first visited in one
    month, assisted a State on an instrument (or `ANY_INSTRUMENT`) of a regional group (or `ANY_GROUP`), counting
    served States only or not: the chart of activities per month, the undated activities, the inferred funding."""
    __tablename__ = "outcome_months"
    __table_args__ = (
        # one slice of the filters, a donor's (or every donor's, or each donor's), by month: what the page reads
        sa.PrimaryKeyConstraint("instrument_id", "regional_group", "is_served", "donor_id", "month", "kind"),
        sa.Index("ix_outcome_months_month", "month"),  # the months a write touched (`refresh`)
    )

    donor_id: Mapped[int] = mapped_column(nullable=False)
    instrument_id: Mapped[int] = mapped_column(nullable=False)
    #: The regional group of the States assisted ("none" for a State of none), or `ANY_GROUP`.
    regional_group: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    #: Counting only the States the activities served (the `national` filter), or every State assisted.
    is_served: Mapped[bool] = mapped_column(nullable=False)
    #: year * 100 + month of the first visit (200302), or `UNDATED`.
    month: Mapped[int] = mapped_column(nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    activities: Mapped[int] = mapped_column(nullable=False)
    #: Of those, how many the record links to the donor by inference only (A/58/165 paras 16-17); 0 on every
    #: donor's rows.
    inferred: Mapped[int] = mapped_column(nullable=False, default=0)
