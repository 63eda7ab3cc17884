"""Trigram indexes for the type-ahead pickers' searches (issue 29, speed): `lower(column) LIKE '%words%'` answered
from a GIN index of pg_trgm instead of a read of the whole table (823 ms for a miss among 200,000 requests).

PostgreSQL only, and only where pg_trgm can be had: on SQLite, or on a server that does not offer the extension or
refuses us the right to create it, nothing is done and the searches work as before (models/search_indexes.py).

Revision ID: 20261207_lookup
Revises: 20261207_outcomes
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '20261207_lookup'
down_revision = '20261207_outcomes'
branch_labels = None
depends_on = None

#: As models/search_indexes.py names them (written out: a migration does not import the models it predates).
INDEXES = (
    ('ix_assistance_requests_subject_trgm', 'assistance_requests', 'subject'),
    ('ix_activities_title_trgm', 'activities', 'title'),
    ('ix_experts_name_trgm', 'experts', 'name'),
    ('ix_organizations_name_trgm', 'organizations', 'name'),
    ('ix_organizations_acronym_trgm', 'organizations', 'acronym'),
    ('ix_users_name_trgm', 'users', 'name'),
    ('ix_users_email_trgm', 'users', 'email'),
)


def _has_trigrams(bind) -> bool:
    """pg_trgm's GIN operator class usable from the migration's search path: installed, or installed now if the
    server offers it and we may (a refusal, in a savepoint, leaves the migration's transaction usable)."""
    usable = ("SELECT 1 FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod "
              "WHERE c.opcname = 'gin_trgm_ops' AND a.amname = 'gin' AND pg_opclass_is_visible(c.oid)")
    if bind.exec_driver_sql(usable).first() is not None:
        return True
    if bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").first() is None:
        return False
    try:
        with bind.begin_nested():
            bind.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    except sa.exc.DBAPIError:
        return False
    return bind.exec_driver_sql(usable).first() is not None  # installed before in a schema off the search path


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql' or not _has_trigrams(bind):
        return
    for name, table, column in INDEXES:
        op.create_index(name, table, [sa.text(f'lower({column}) gin_trgm_ops')], postgresql_using='gin')


def downgrade():
    # The extension stays: other objects of the database may use it, and it holds no data.
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, _table, _column in INDEXES:
        op.execute(f'DROP INDEX IF EXISTS {name}')
