"""The application factory: a list of named steps (cookiecutter-flask, Flask's tutorial)."""
from flask import Flask

from config import config_for


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=False, template_folder="../templates")
    config = config_for(config_name)
    app.config.from_object(config)
    app.config.update(overrides)
    config.finalize(app.config)

    register_logging(app)
    register_proxies(app)
    register_extensions(app)
    register_security(app)
    register_page_cache(app)
    register_work_limits(app)
    register_sheet_kinds()
    register_jobs(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_cli(app)
    register_template_context(app)
    register_garbage_collector(app)
    return app


def register_logging(app: Flask) -> None:
    from app.log import configure_logging
    configure_logging(app)
def register_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For / -Proto only from the TRUSTED_PROXIES proxies configured (none by default), so
    that the login throttle and the audit trail see the real client address, and nobody can forge it."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def register_extensions(app: Flask) -> None:
    from app.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from app.languages import install_template_gettext, select_language
    db.init_app(app)
    with app.app_context():
        from app.db_pool import ping_idle_connections, postgresql_session_settings, sqlite_readers_never_wait
        ping_idle_connections(db.engine)
        sqlite_readers_never_wait(db.engine)
        postgresql_session_settings(db.engine, app.config["POSTGRES_RANDOM_PAGE_COST"])
    migrate.init_app(app, db, render_as_batch=True)  # SQLite needs batch mode to alter tables
    csrf.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=select_language)
    install_template_gettext(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    from app import auth_loaders  # noqa: F401  (user and bearer-token loaders bind to login_manager)


def register_security(app: Flask) -> None:
    from app.security import init_app
    init_app(app)
    from app import static_versions  # static files under addresses naming their content, kept a year
    static_versions.init_app(app)


def register_page_cache(app: Flask) -> None:
    from app.page_cache import init_app
    init_app(app)


def register_work_limits(app: Flask) -> None:
    """Exports, imports and uploads counted per account (after the page cache: a kept page costs nothing)."""
    from app.work_limits import init_app
    init_app(app)


def register_sheet_kinds() -> None:
    """The kinds of record a spreadsheet can bring in, each owned by its domain (app.services.sheets is below them)."""
    from app.services.activities import activity_sheet
    from app.services.requests import request_sheet
    from app.services.sheets import sheet_uploads
    sheet_uploads.register("requests", request_sheet)
    sheet_uploads.register("activities", activity_sheet)


def register_jobs(app: Flask) -> None:
    """Import every domain's job functions (so that a worker knows each kind) and give the runner the app."""
    from app import job_kinds  # noqa: F401
    from app.services.jobs import runner
    runner.bind_app(app)


def register_blueprints(app: Flask) -> None:
    from app.api import bp as api
    from app.views import BLUEPRINTS
    for blueprint in [*BLUEPRINTS, api]:
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from app.errors import init_app
    init_app(app)


def register_cli(app: Flask) -> None:
    from app.cli import COMMAND_GROUPS
    for group in COMMAND_GROUPS:
        app.cli.add_command(group)


def register_template_context(app: Flask) -> None:
    from app.template_context import init_app
    init_app(app)


def register_garbage_collector(app: Flask) -> None:
    """Python runs its cycle collector every 700 new container objects: a page that loads a few thousand ORM
    objects ran it 18 times (the period report of a year) to 55 (outcomes) at 20,000 requests, 20-40 ms of a
    120-200 ms page. Every 10,000 (GC_THRESHOLD) it runs once a page or less, 5-10 ms; what it frees (a page's
    ORM objects and their states refer to each other: 2,000-4,000 of them) waits a page or two longer. The
    threshold is the process's, so the last app made sets it."""
    threshold = app.config["GC_THRESHOLD"]
    if threshold:
        import gc
        gc.set_threshold(threshold, *gc.get_threshold()[1:])
