"""The period report's figures kept up to date by the writes (issue 26 item 2): how many activities of each kind,
funded by each donor (and through each project), touched each month — what /reports/period counts instead of
every activity of the period on every visit.

Derived data only: app.services.activities.period_months keeps it in step with every flush that changes an
activity, a visit, an allocation or a contribution, and `rebuild` (the end of `flask outcomes rebuild`, `seed
reference` and `seed synthetic`) makes all of it again. Its size is bounded by donors × projects × kinds × months
(and the months between two visits of one activity), not by the number of activities.

A period of whole months counts an activity once: at the first month of the period its visits touch, the month
whose row has `prev_month` (the activity's previous month with a visit) before the period.
"""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db

#: `donor_id` of the rows that count every activity, whoever funded it (or nobody); `project_id` of the rows that
#: count a donor's activities whatever the project.
EVERY_DONOR = ANY_PROJECT = 0
#: `month` of the activities with no visit; `prev_month` of an activity's first month.
UNDATED = NONE = 0


class PeriodMonth(db.Model):
    """Non-cancelled activities of one kind, paid for by one donor (or `EVERY_DONOR`) through one project (or
    `ANY_PROJECT`), that have a visit in `month` and whose previous month with a visit is `prev_month`."""
    __tablename__ = "period_months"
    __table_args__ = (
        # a donor's rows (or every donor's), by month: what the page reads; the months a write touched
        sa.PrimaryKeyConstraint("donor_id", "month", "prev_month", "project_id", "kind"),
        sa.Index("ix_period_months_month", "month"),
    )

    donor_id: Mapped[int] = mapped_column(nullable=False)
    project_id: Mapped[int] = mapped_column(nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: year * 100 + month (200302), or `UNDATED`.
    month: Mapped[int] = mapped_column(nullable=False)
    #: The activity's previous month with a visit before `month`, or `NONE`.
    prev_month: Mapped[int] = mapped_column(nullable=False)
    activities: Mapped[int] = mapped_column(nullable=False)
    #: Of those, how many the record links to the donor by inference only (none of its allocations stated); 0 on
    #: every donor's rows.
    inferred: Mapped[int] = mapped_column(nullable=False, default=0)
