"""Migrations: upgrade from empty, no drift from the models, downgrade to base — on SQLite and PostgreSQL."""
import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from models import db, sqlite_trigrams
from models.sqlite_trigrams import TRIGRAM_TABLES, include_object
from tests.scratch_databases import scratch_database

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


@pytest.fixture()
def empty_database_url(tmp_path):
    """A database of its own: a SQLite file, or a scratch PostgreSQL database beside TEST_DATABASE_URL."""
    with scratch_database(tmp_path, "migrations") as url:
        yield url


def _model_checks(verbatim: bool) -> dict:
    """Every CHECK constraint of the models: name -> its SQL (autogenerate does not compare these)."""
    return {c.name: (str(c.sqltext) if verbatim else None) for table in db.metadata.tables.values()
            for c in table.constraints if isinstance(c, sa.CheckConstraint)}


def _migrated_checks() -> dict:
    """The same, read back from the migrated database (PostgreSQL rewrites the SQL, so only names there)."""
    inspector = sa.inspect(db.engine)
    verbatim = db.engine.dialect.name == "sqlite"
    return {c["name"]: (c["sqltext"] if verbatim else None) for table in db.metadata.tables
            for c in inspector.get_check_constraints(table)}


def _made_on(dialect: str):
    """Alembic's filter of the models' objects: an index the models make on another engine only (`ddl_if`, such as
    an index SQLite cannot express) is not expected in this database."""
    def include(obj, name, type_, reflected, compare_to) -> bool:
        return include_object(obj, name, type_, reflected, compare_to) and (
            reflected or type_ != "index" or getattr(getattr(obj, "_ddl_if", None), "dialect", None) in (None, dialect))
    return include


def _triggers() -> set[str]:
    with db.engine.connect() as conn:
        return set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())


def test_upgrade_matches_the_models_and_downgrade_leaves_nothing(empty_database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            opts = {"compare_type": True, "include_object": _made_on(conn.dialect.name)}
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        assert diff == [], f"models and migrations disagree: {diff}"
        assert set(db.metadata.tables) <= tables
        if conn.dialect.name == "sqlite" and sqlite_trigrams.available():
            assert sqlite_trigrams.derived_tables() & tables == {fts for fts, _c in TRIGRAM_TABLES.values()} | {
                fts + suffix for fts, _c in TRIGRAM_TABLES.values() for suffix in ("_data", "_idx", "_docsize",
                                                                                      "_config")}
            assert _triggers() == sqlite_trigrams.trigger_names()  # what keeps them in step with their tables
        assert _migrated_checks() == _model_checks(verbatim=db.engine.dialect.name == "sqlite")

        downgrade(directory=MIGRATIONS, revision="base")
        with db.engine.connect() as conn:
            left = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert left == set()
        db.engine.dispose()


def test_migrating_leaves_the_application_loggers_writing(empty_database_url):
    """Alembic's env.py reads logging from alembic.ini; the application's loggers that exist already stay on."""
    from app.log import logger
    import_log = logger("import")  # exists before the upgrade, as it does once anything has been imported
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    assert not import_log.disabled
    assert not logger().disabled
