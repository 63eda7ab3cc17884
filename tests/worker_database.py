"""A PostgreSQL database per pytest-xdist worker, so that workers running at once never see each other's rows.

Imported by tests/__init__.py, before any test module imports the app (config.py reads TEST_DATABASE_URL when it
is imported). On SQLite each worker already has its own in-memory database; without xdist nothing changes.
"""
import os

import sqlalchemy as sa


def use_own_postgresql_database() -> None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql") or os.environ.get("PALERMO_WORKER_DATABASE") == worker:
        return
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:  # a fresh one each run: what a killed run left is gone
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    os.environ["TEST_DATABASE_URL"] = base.set(database=name).render_as_string(hide_password=False)
    os.environ["PALERMO_WORKER_DATABASE"] = worker  # subprocesses inherit the URL and must not recreate it
