"""Pooled connections are tested before use only after waiting in the pool (app/db_pool.py): a dead one is
replaced before anything uses it, and one given back moments ago is used without a test."""
import sqlalchemy as sa

from app.db_pool import ping_idle_connections


def _engine(tmp_path, idle_seconds):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'pool.db'}", poolclass=sa.pool.QueuePool, pool_size=1,
                              max_overflow=0)
    ping_idle_connections(engine, idle_seconds=idle_seconds)
    return engine


def _count_pings(engine, monkeypatch) -> list:
    pings = []
    real = engine.dialect.do_ping

    def ping(dbapi_connection):
        pings.append(dbapi_connection)
        return real(dbapi_connection)
    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    return pings


def test_a_connection_that_waited_is_tested_and_a_dead_one_replaced(tmp_path, monkeypatch):
    engine = _engine(tmp_path, idle_seconds=0)
    pings = _count_pings(engine, monkeypatch)
    with engine.connect() as connection:
        first = connection.connection.dbapi_connection
    first.close()  # cut behind the pool's back, as a database restart would
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar() == 1
        assert connection.connection.dbapi_connection is not first
    assert pings == [first]


def test_a_connection_given_back_moments_ago_is_used_without_a_test(tmp_path, monkeypatch):
    engine = _engine(tmp_path, idle_seconds=60)
    pings = _count_pings(engine, monkeypatch)
    for _ in range(3):
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT 1")).scalar() == 1
    assert pings == []


def test_the_app_engine_tests_idle_connections_instead_of_every_one(app):
    from models import db
    assert not db.engine.pool._pre_ping
    assert any(fn.__module__ == "app.db_pool" for fn in db.engine.pool.dispatch.checkout)


def test_the_apps_postgresql_connections_compile_no_statement_to_machine_code(app):
    """JIT off and out-of-order reads priced for memory or an SSD in the app's sessions on PostgreSQL
    (app/db_pool.py); on SQLite nothing is set on its connections."""
    from models import db
    if db.engine.dialect.name == "postgresql":
        assert db.session.scalar(sa.text("SHOW jit")) == "off"
        assert float(db.session.scalar(sa.text("SHOW random_page_cost"))) == app.config["POSTGRES_RANDOM_PAGE_COST"]
    else:
        assert not any(fn.__name__ == "_settings" for fn in db.engine.pool.dispatch.connect)


def test_the_planners_page_cost_is_one_point_one_unless_set_and_left_to_the_server_when_empty(monkeypatch):
    import config
    monkeypatch.setenv("POSTGRES_RANDOM_PAGE_COST", "2")
    assert config._optional_float("POSTGRES_RANDOM_PAGE_COST", "1.1") == 2.0
    monkeypatch.setenv("POSTGRES_RANDOM_PAGE_COST", " ")
    assert config._optional_float("POSTGRES_RANDOM_PAGE_COST", "1.1") is None
    monkeypatch.delenv("POSTGRES_RANDOM_PAGE_COST")
    assert config._optional_float("POSTGRES_RANDOM_PAGE_COST", "1.1") == 1.1
