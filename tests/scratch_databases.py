"""Databases of their own for tests that need real commits seen by other connections (backups, concurrent
appends): a SQLite file, or — when TEST_DATABASE_URL is PostgreSQL — a database created beside it and dropped."""
import os
import uuid
from contextlib import contextmanager

import sqlalchemy as sa


def on_postgresql() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@contextmanager
def scratch_database(folder, name: str):
    """The URL of a new, empty database (nothing in it, not even tables), dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not on_postgresql():
        yield f"sqlite:///{folder / f'{name}.db'}"
        return
    database = f"palermo_{name}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
    try:
        yield sa.engine.make_url(url).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
