"""Speed at scale: each activity's first visit date stored and indexed (the activity list's default order).

`activities.first_visit_date` is the first day of the activity's first visit (empty without travel), kept by
models.activity on every flush; filled here from the visits already recorded.

Revision ID: 20261123_0008
Revises: 20261123_0007
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261123_0008'
down_revision = '20261123_0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_visit_date', sa.Date(), nullable=True))
        batch_op.create_index('ix_activities_first_visit_date', ['first_visit_date'], unique=False)
    # One UPDATE for every activity, on every engine (a correlated subquery: no UPDATE ... FROM in SQLite < 3.33).
    op.execute("UPDATE activities SET first_visit_date = (SELECT MIN(activity_visits.start_date) "
               "FROM activity_visits WHERE activity_visits.activity_id = activities.id)")


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_first_visit_date')
        batch_op.drop_column('first_visit_date')
