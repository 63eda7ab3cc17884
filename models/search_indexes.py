"""Trigram indexes (PostgreSQL's pg_trgm) for the text the type-ahead pickers and the lists' `q` search inside.

A picker's lookup (app.services.overview.lookup) and a list's text filter (app.listing.text_condition) match
`lower(column) LIKE '%words%'`: no B-tree serves a pattern that starts with a wildcard, so without these every
search that finds few rows reads the whole table (823 ms for a miss among 200,000 requests). A GIN index of the
lowered text's trigrams answers such a LIKE from the index.

PostgreSQL only, and only where the extension can be had: on SQLite, or on a server without pg_trgm (or without
the right to create it), the indexes are skipped and the searches read the table as before. The migration
(20261207_lookup) and `create_all` (the tests) make the same indexes under the same guard. Only tables that grow
with the work are indexed: the States and their names, the legislative issues and the instruments stay a few
hundred rows, read faster whole.
"""
import sqlalchemy as sa
from sqlalchemy import event

from models.activity import Activity
from models.assistance_request import AssistanceRequest
from models.base import db
from models.expert import Expert
from models.organization import Organization
from models.user import User

EXTENSION = "pg_trgm"

#: (index name, table, column): each index is on lower(column), as the searches write it.
TRIGRAM_COLUMNS = (
    ("ix_assistance_requests_subject_trgm", AssistanceRequest.__table__, "subject"),
    # the request list's text filter: the subject or the requesting authority, in one OR (an index for each arm)
    ("ix_assistance_requests_authority_trgm", AssistanceRequest.__table__, "requesting_authority"),
    ("ix_activities_title_trgm", Activity.__table__, "title"),
    ("ix_experts_name_trgm", Expert.__table__, "name"),
    ("ix_organizations_name_trgm", Organization.__table__, "name"),
    # The acronym is compared whole (`=`: pg_trgm answers equality too), but beside the name in one OR, which an
    # index serves only when each of its arms has one.
    ("ix_organizations_acronym_trgm", Organization.__table__, "acronym"),
    ("ix_users_name_trgm", User.__table__, "name"),
    ("ix_users_email_trgm", User.__table__, "email"),
)


def trigrams_installed(connection) -> bool:
    """Whether pg_trgm's GIN operator class can be named from where `connection` stands (never on SQLite): the
    extension installed, in a schema on the search path (installed in `public`, it is not seen from a connection
    whose search path is another schema alone — the concurrency tests' scratch schemas)."""
    if connection.dialect.name != "postgresql":
        return False
    return connection.exec_driver_sql(
        "SELECT 1 FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod "
        "WHERE c.opcname = 'gin_trgm_ops' AND a.amname = 'gin' AND pg_opclass_is_visible(c.oid)").first() is not None


def install_trigrams(connection) -> bool:
    """Create pg_trgm when the server offers it and we may (in a savepoint: a refusal leaves the transaction
    usable); whether it is installed now."""
    if connection.dialect.name != "postgresql":
        return False
    if trigrams_installed(connection):
        return True
    offered = connection.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = %(name)s",
                                         {"name": EXTENSION}).first()
    if offered is None:
        return False
    try:
        with connection.begin_nested():
            connection.exec_driver_sql(f"CREATE EXTENSION IF NOT EXISTS {EXTENSION}")
    except sa.exc.DBAPIError:  # no privilege to create it: the searches work without the indexes
        return False
    return trigrams_installed(connection)  # installed elsewhere before, off the search path: still not usable here


def _only_with_trigrams(ddl, target, bind, **_kw) -> bool:
    return bind is not None and trigrams_installed(bind)


def _index(name: str, table: sa.Table, column: str) -> sa.Index:
    lowered = sa.func.lower(table.c[column]).label(f"{column}_lowered")
    index = sa.Index(name, lowered, postgresql_using="gin", postgresql_ops={lowered.name: "gin_trgm_ops"})
    index.ddl_if(dialect="postgresql", callable_=_only_with_trigrams)
    return index


INDEXES = [_index(*entry) for entry in TRIGRAM_COLUMNS]


@event.listens_for(db.metadata, "before_create")
def _extension_first(target, connection, **_kw):
    """`create_all` (the tests' databases) installs the extension before the tables' indexes need it."""
    install_trigrams(connection)
