"""Fixtures: one app and schema per run, the reference record loaded once, every test rolled back.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (CONTRACT.md).
"""
import os
import re

import pytest
from flask import g, request_started
from hypothesis import HealthCheck, settings
from sqlalchemy import event, orm

from app import create_app
from models import db

from . import factories

PASSWORD = "correct-horse-battery-staple"

# The fuzzers' Hypothesis settings (tests/test_fuzz_*.py set only their example budget, FUZZ_EXAMPLES): in CI the
# same examples every run; `make test-deep` (HYPOTHESIS_PROFILE=deep) draws new ones each time.
_FUZZ = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}
settings.register_profile("ci", derandomize=True, **_FUZZ)
settings.register_profile("deep", derandomize=False, **_FUZZ)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class _BoundSession(orm.Session):
    """A plain SQLAlchemy Session: Flask-SQLAlchemy's own picks the engine per table and would ignore `bind`."""

    def __init__(self, db=None, **options):
        super().__init__(**options)


def _sqlite_savepoints(engine):
    """pysqlite manages transactions itself and breaks SAVEPOINT; hand control back to SQLAlchemy."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


def _fresh_g(sender, **_extra):
    """Tests hold one app context open, so Flask would share `g` between requests and clients: the signed-in
    user Flask-Login caches there would leak into the next request. Each request starts with an empty `g`."""
    g._get_current_object().__dict__.clear()


def _compile_catalogues():
    """`make test` compiles the translations first (make translations-compile); a run of pytest alone compiles the
    catalogues whose .po is newer than their .mo, so that pages in French or Arabic are tested as served."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    for po in Path(__file__).resolve().parents[1].glob("app/translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parts[-3])
            partial = mo.with_name(f"messages.mo.{os.getpid()}")  # the workers of -n auto may all compile at once
            with partial.open("wb") as target:
                write_mo(target, catalog)
            os.replace(partial, mo)


@pytest.fixture(scope="session")
def app():
    _compile_catalogues()
    app = create_app("testing")
    request_started.connect(_fresh_g, app)
    with app.app_context():
        _sqlite_savepoints(db.engine)
        db.drop_all()
        db.create_all()
        from app.seed.reference import load_reference
        load_reference()
        from models.record_version import stamp_every_table
        stamp_every_table(db.session.connection())  # as the migrations leave a database: a stamp per table
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all()
    import shutil
    shutil.rmtree(app.config["IMPORT_PREVIEW_FOLDER"], ignore_errors=True)  # the previews the tests uploaded


@pytest.fixture(autouse=True)
def _transaction(request):
    """Run each test that uses the app inside a transaction that is rolled back: commits in views become
    savepoints. Tests that need no database (the pure rules, the migrations on their own database) skip it."""
    if "app" not in request.fixturenames:  # the closure: a test using client, session or login_as has it too
        yield
        return
    app = request.getfixturevalue("app")
    from app.services.core.record_cache import clear_all
    clear_all()  # each test starts with nothing computed, so that its query counts do not depend on order
    from app.page_cache import clear_memory
    clear_memory()
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session({"bind": connection, "join_transaction_mode": "create_savepoint",
                                              "class_": _BoundSession})
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()
            from app.extensions import limiter
            limiter.reset()


@pytest.fixture()
def session(app):
    return db.session


@pytest.fixture()
def client(app):
    return app.test_client()


def csrf_token(client, path="/login") -> str:
    """The CSRF token of the client's session, read from a page as a browser would."""
    body = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body) or \
        re.search(r'name="csrf-token" content="([^"]+)"', body)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, user, password=PASSWORD):
    token = csrf_token(client)
    return client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})


@pytest.fixture()
def make_user(app):
    def make(role="officer", **kwargs):
        user = factories.user(role=role, password=PASSWORD, **kwargs)
        db.session.commit()
        return user
    return make


@pytest.fixture()
def login_as(client, make_user):
    """Sign the test client in as a new user of `role` (donor: bound to `donor`, an Organization)."""
    def sign_in(role="officer", **kwargs):
        user = make_user(role, **kwargs)
        response = login(client, user)
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return user
    return sign_in


@pytest.fixture()
def api_as(client, make_user):
    """A GET function for a new user of `role`, authenticated by a bearer token as an API client would be;
    returns (get, user)."""
    from models import ApiToken

    def make(role="officer", **kwargs):
        user = make_user(role, **kwargs)
        token, raw = ApiToken.issue(user)
        db.session.add(token)
        db.session.commit()
        def get(path):
            return client.get(path, headers={"Authorization": get.authorization})
        get.authorization = f"Bearer {raw}"
        return get, user
    return make


#: Modules whose tests make databases of their own from TEST_DATABASE_URL (tests/scratch_databases.py, a served
#: app, the migrations) without the `app` fixture: they test the engine too.
_OWN_DATABASES = {"test_audit_chain.py", "test_backup.py", "test_concurrency.py", "test_migrations.py",
                  "test_query_plans.py", "test_serving.py"}


def pytest_addoption(parser):
    parser.addoption("--engine-tests-only", action="store_true",
                     help="only the tests that touch the database (the `app` fixture, or a database of their own): "
                          "the second engine's pass of .ci/run, after the whole suite ran on the first")


def _touches_the_database(item) -> bool:
    return "app" in getattr(item, "fixturenames", ()) or item.fspath.basename in _OWN_DATABASES


def pytest_collection_modifyitems(config, items):
    """With --engine-tests-only, the tests that cannot see which engine is under them (the treaty rules, the lint,
    the architecture, the catalogues: no database at all) are deselected: they ran in the first pass already and
    would repeat it exactly."""
    if not config.getoption("--engine-tests-only"):
        return
    kept, dropped = [], []
    for item in items:
        (kept if _touches_the_database(item) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
