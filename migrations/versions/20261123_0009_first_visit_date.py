"""Speed at scale: each activity's first visit date stored, and the activity list's default order key (that date,
undated last) indexed.

`activities.first_visit_date` is the first day of the activity's first visit (empty without travel), kept by
models.activity on every flush; filled here from the visits already recorded.

Revision ID: 20261123_0009
Revises: 20261123_0008
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261123_0009'
down_revision = '20261123_0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_visit_date', sa.Date(), nullable=True))
    # The list's default order key, COALESCE(first_visit_date, '2199-12-31') (undated last), as an index of its own
    # (models.activity.first_visit_order): the order is then read from it, not sorted from every activity.
    op.create_index('ix_activities_first_visit_order', 'activities',
                    [sa.text("coalesce(first_visit_date, '2199-12-31')")], unique=False)
    # One UPDATE for every activity, on every engine (a correlated subquery: no UPDATE ... FROM in SQLite < 3.33).
    op.execute("UPDATE activities SET first_visit_date = (SELECT MIN(activity_visits.start_date) "
               "FROM activity_visits WHERE activity_visits.activity_id = activities.id)")


def downgrade():
    op.drop_index('ix_activities_first_visit_order', table_name='activities')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('first_visit_date')
