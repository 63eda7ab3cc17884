"""Configuration classes, chosen by PALERMO_ENV (development by default), driven by the environment.

Only DATABASE_URL and SECRET_KEY are needed to start (CONTRACT.md). Production refuses to start without a real
SECRET_KEY rather than fall back to a guessable one.
"""
import os
import secrets
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"
MIN_SECRET_KEY_LENGTH = 32


def _sqlite_default(name: str) -> str:
    return f"sqlite:///{INSTANCE / name}"


def _optional_float(name: str, default: str) -> float | None:
    """A number from the environment; set empty, None (the setting left to the server)."""
    value = os.environ.get(name, default).strip()
    return float(value) if value else None


def _optional_count(name: str, default: str) -> int | None:
    """A whole number above 0 from the environment; set empty, None (the setting left alone)."""
    value = os.environ.get(name, default).strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise RuntimeError(f"{name} must be a whole number above 0, or empty; not {value!r}")
    return int(value)


def _instance_secret_key() -> str:
    """Development only: a random key kept in instance/ so that sessions survive a restart."""
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    ENV_NAME = "base"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_default("palermo.db")
    #: No pool_pre_ping: connections idle for a while are tested before use instead (app/db_pool.py).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: PostgreSQL's planner price of a page read out of order, for the app's sessions (app/db_pool.py): data in
    #: memory or on an SSD. Empty: the server's own setting.
    POSTGRES_RANDOM_PAGE_COST = _optional_float("POSTGRES_RANDOM_PAGE_COST", "1.1")
    #: New container objects between two runs of Python's cycle collector in the process (app/__init__.py,
    #: register_garbage_collector); Python's own is 700. Empty: Python's own.
    GC_THRESHOLD = _optional_count("GC_THRESHOLD", "10000")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    #: werkzeug's method for new password hashes (models/user.py); existing hashes keep the method they name.
    PASSWORD_HASH_METHOD = "scrypt"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    #: Prefix of the throttle's keys in a shared store (several installations, or tests, on one Redis).
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    #: Login throttles, counting failed attempts only. Per account *and* client address: an attacker elsewhere
    #: cannot lock the owner out. Per address, well above what one office behind a proxy produces: it stops
    #: one machine spraying many accounts without refusing a whole office.
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS", "5 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "200 per 15 minutes")
    #: How many reverse proxies stand in front of the app. Their X-Forwarded-For / -Proto headers are believed
    #: only then (werkzeug's ProxyFix); with 0, anyone could forge them to pick the address the throttle sees.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "0")
    #: The address users reach this installation at: every absolute link (feeds, e-mails, IATI, exports) is built
    #: from it (app/public_address.py), never from the request's Host header.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    BOOTSTRAP_SERVE_LOCAL = True  # closed networks: no CDN
    #: The reporting organisation's identifier registered with IATI; unset, /iati.xml carries a placeholder and the
    #: funding page warns that the file is not ready to publish.
    IATI_REPORTING_ORG_REF = os.environ.get("IATI_REPORTING_ORG_REF")
    #: plain (one readable line) or json (one object per line, for a log collector).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    #: The largest request body (an upload, a form, a JSON body) in bytes; larger ones get a 413 naming the limit.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH") or 5 * 1024 * 1024)
    #: Each API token's allowance (each signed-in account's, for calls made with the session cookie), in
    #: Flask-Limiter's notation; counted in RATELIMIT_STORAGE_URI (Redis in production, for every worker).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
    #: Expensive work each account may start (app/work_limits.py), in Flask-Limiter's notation, counted in
    #: RATELIMIT_STORAGE_URI like the sign-in throttle: exports (.csv, .xlsx, .xml), imports of spreadsheets and
    #: treaty tables, uploads of files. Over it: 429 with Retry-After.
    EXPORT_LIMIT_PER_ACCOUNT = os.environ.get("EXPORT_LIMIT_PER_ACCOUNT", "60 per hour")
    IMPORT_LIMIT_PER_ACCOUNT = os.environ.get("IMPORT_LIMIT_PER_ACCOUNT", "20 per hour")
    UPLOAD_LIMIT_PER_ACCOUNT = os.environ.get("UPLOAD_LIMIT_PER_ACCOUNT", "60 per hour")
    #: Whole pages kept until the record changes (app/page_cache.py): on or off, for how long at most, and where —
    #: memory:// in each process (PAGE_CACHE_BYTES each), or redis://… shared by every process.
    PAGE_CACHE = os.environ.get("PAGE_CACHE", "on") != "off"
    #: Every cache off at once, for measuring first visits (issue 26): the page cache, the calendar feed's kept
    #: text and the figures kept per record stamp (treaty statuses, forecasts). CACHES_OFF=1 (or on, true, yes).
    CACHES_OFF = os.environ.get("CACHES_OFF", "").strip().lower() in ("1", "on", "true", "yes")
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS") or 300)
    PAGE_CACHE_BYTES = int(os.environ.get("PAGE_CACHE_BYTES") or 64 * 1024 * 1024)
    CACHE_STORAGE_URI = os.environ.get("CACHE_STORAGE_URI", "memory://")
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "palermo:")
    #: Where an uploaded treaty table waits between its preview and its confirmation (at most an hour).
    IMPORT_PREVIEW_FOLDER = os.environ.get("IMPORT_PREVIEW_FOLDER") or str(INSTANCE / "import-previews")
    #: Seconds an import waits for another import of the same instrument before it gives up with a message.
    IMPORT_LOCK_TIMEOUT = float(os.environ.get("IMPORT_LOCK_TIMEOUT") or 10)
    #: Attachments (issue 27): where their bytes live (`folder`; see the README for S3-compatible storage), the
    #: folder, and the largest file accepted (uploads to attachments may be this large, above MAX_CONTENT_LENGTH).
    ATTACHMENT_STORAGE = os.environ.get("ATTACHMENT_STORAGE", "folder")
    ATTACHMENT_FOLDER = os.environ.get("ATTACHMENT_FOLDER") or str(INSTANCE / "attachments")
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES") or 20 * 1024 * 1024)
    #: Issue 25: what reading one uploaded file may cost (spreadsheet imports in the browser and on the command
    #: line, attachments), checked before the work grows with the file (app/formats/upload_limits.py; README).
    UPLOAD_ZIP_MAX_MEMBERS = int(os.environ.get("UPLOAD_ZIP_MAX_MEMBERS") or 2000)
    UPLOAD_ZIP_MAX_MEMBER_BYTES = int(os.environ.get("UPLOAD_ZIP_MAX_MEMBER_BYTES") or 128 * 1024 * 1024)
    UPLOAD_ZIP_MAX_UNPACKED_BYTES = int(os.environ.get("UPLOAD_ZIP_MAX_UNPACKED_BYTES") or 256 * 1024 * 1024)
    UPLOAD_ZIP_MAX_RATIO = int(os.environ.get("UPLOAD_ZIP_MAX_RATIO") or 200)
    UPLOAD_READ_SECONDS = float(os.environ.get("UPLOAD_READ_SECONDS") or 10)
    SHEET_MAX_ROWS = int(os.environ.get("SHEET_MAX_ROWS") or 20_000)
    SHEET_MAX_COLUMNS = int(os.environ.get("SHEET_MAX_COLUMNS") or 200)
    SHEET_MAX_CELL_CHARS = int(os.environ.get("SHEET_MAX_CELL_CHARS") or 32_767)
    SHEET_MAX_SHARED_STRINGS_BYTES = int(os.environ.get("SHEET_MAX_SHARED_STRINGS_BYTES") or 16 * 1024 * 1024)
    #: Issue 25: how deeply a JSON body may nest objects and arrays (checked on the raw bytes, before parsing).
    JSON_MAX_DEPTH = int(os.environ.get("JSON_MAX_DEPTH") or 32)
    #: Backups (issue 25): where `flask backup create` writes when not given --to.
    BACKUP_FOLDER = os.environ.get("BACKUP_FOLDER") or str(INSTANCE / "backups")
    #: PostgreSQL's client programs, when not on PATH (they must be as new as the server).
    PG_DUMP_PATH = os.environ.get("PG_DUMP_PATH")
    PG_RESTORE_PATH = os.environ.get("PG_RESTORE_PATH")
    #: The job queue (issue 28): the Redis that RQ's workers take jobs from (redis://127.0.0.1:6379/1); empty: every
    #: job runs at once in the process that starts it. Exports of more rows than EXPORT_JOB_ROWS run as jobs.
    JOB_QUEUE_URL = os.environ.get("JOB_QUEUE_URL") or None
    JOB_QUEUE_NAME = os.environ.get("JOB_QUEUE_NAME", "palermo")
    EXPORT_JOB_ROWS = int(os.environ.get("EXPORT_JOB_ROWS") or 10_000)

    #: E-mail (issue 28): no MAIL_SERVER, no mail sent (each message is logged instead). A refused or unreachable
    #: server is tried again after MAIL_RETRY_SECONDS, then twice as long each time, MAIL_MAX_ATTEMPTS times in all.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "off").lower() in ("1", "on", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Palermo <palermo@localhost>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT") or 10)
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS") or 5)
    MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS") or 60)
    #: /password/forgot: requests allowed per client address (each asks for an e-mail), as the sign-in is throttled.
    PASSWORD_FORGOT_LIMIT = os.environ.get("PASSWORD_FORGOT_LIMIT", "5 per 15 minutes")

    #: Languages (issue 30): the interface's languages, English first (the fallback when neither the account's choice
    #: nor the browser's Accept-Language names one of them). Catalogues: app/translations/<code>/LC_MESSAGES.
    LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")
    #: Each language by its own name: the switcher and the profile list them so, whatever the page's language.
    LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "ru": "Русский",
                      "zh": "中文"}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "app" / "translations")

    @classmethod
    def finalize(cls, config: dict) -> None:
        """Complete or refuse the configuration once it is loaded: fail fast on one that must not serve."""
        _check_trusted_proxies(config)


def _check_trusted_proxies(config: dict) -> None:
    value = str(config.get("TRUSTED_PROXIES", 0)).strip()
    if not value.isdigit():
        raise RuntimeError(f"TRUSTED_PROXIES must be the number of proxies in front of the app (0 for none), "
                           f"not {value!r}")
    config["TRUSTED_PROXIES"] = int(value)


class DevelopmentConfig(Config):
    ENV_NAME = "development"

    @classmethod
    def finalize(cls, config: dict) -> None:
        super().finalize(config)
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _instance_secret_key()


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    #: Jobs run in-process in tests; the tests of the real worker set their own queue (tests/services/test_jobs*).
    JOB_QUEUE_URL = os.environ.get("TEST_JOB_QUEUE_URL") or None
    SECRET_KEY = "testing-" + "x" * 40
    RATELIMIT_STORAGE_URI = "memory://"
    CACHE_STORAGE_URI = "memory://"
    #: Off, so that each test counts the queries of the work itself; tests/test_page_cache.py and the browser
    #: tests (a served app) turn it on.
    PAGE_CACHE = False
    #: Every test makes an account and most sign in: with scrypt that was 190 s of the suite. One round of
    #: PBKDF2 keeps the code path (salt, compare) at no cost; tests/views/test_accounts_auth.py checks scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"
    #: The fuzzers submit a form hundreds of times as one account: the allowances of expensive work would turn
    #: most of it into 429s. tests/test_work_limits.py sets small ones for itself.
    EXPORT_LIMIT_PER_ACCOUNT = IMPORT_LIMIT_PER_ACCOUNT = UPLOAD_LIMIT_PER_ACCOUNT = "100000 per hour"
    IMPORT_PREVIEW_FOLDER = os.path.join(tempfile.gettempdir(), f"palermo-test-previews-{os.getpid()}")
    ATTACHMENT_FOLDER = os.path.join(tempfile.gettempdir(), f"palermo-test-attachments-{os.getpid()}")
    # Tests that exercise CSRF switch it back on; the rest submit forms without a token.
    WTF_CSRF_ENABLED = True


class ProductionConfig(Config):
    ENV_NAME = "production"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def finalize(cls, config: dict) -> None:
        super().finalize(config)
        key = config.get("SECRET_KEY")
        if not key or len(key) < MIN_SECRET_KEY_LENGTH:
            raise RuntimeError(f"SECRET_KEY must be set to at least {MIN_SECRET_KEY_LENGTH} random characters "
                               "in production (PALERMO_ENV=production).")


CONFIGS = {c.ENV_NAME: c for c in (DevelopmentConfig, TestingConfig, ProductionConfig)}


def config_for(name: str | None = None) -> type[Config]:
    name = name or os.environ.get("PALERMO_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"PALERMO_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
