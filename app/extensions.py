"""Extensions, created here and bound to the app in the factory."""
import hashlib

from flask import request, session
from flask_babel import Babel, LazyString
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from models import db  # noqa: F401  (re-exported: the app imports its extensions from one place)


class SignedInSessionLoginManager(LoginManager):
    """Session protection for sessions that hold a signed-in user, and only for them.

    Flask-Login's "strong" mode empties any session whose browser identifier is missing or differs, and then
    stops: the request stays anonymous without asking the bearer-token loader. An anonymous session (one that
    only carries a CSRF token) has nothing to steal, yet an API client that keeps cookies would be signed out
    after its first HTML page. So protection runs only when the session names a user.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._session_identifier_generator = browser_identifier

    def _session_protection_failed(self) -> bool:
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


def browser_identifier() -> str:
    """What "strong" session protection compares: the client's address and its User-Agent, hashed. Flask-Login's
    own reads the X-Forwarded-For header as sent, so a stolen cookie replayed with the victim's address written
    into that header would pass; the address here is the one the app trusts — the socket's, or the one the
    TRUSTED_PROXIES in front vouched for (werkzeug's ProxyFix, app.register_proxies)."""
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha512(f"{request.remote_addr}|{agent}".encode()).hexdigest()


login_manager = SignedInSessionLoginManager()
migrate = Migrate()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
# No default limits: only the login is throttled, with limits set where it is defined.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()
# Flask-Babel's lazy strings (lazy_gettext: form labels, validation messages, enum labels) declare themselves
# markup (`__html__`), so Jinja would print them unescaped: "markup such as <b>" would become a tag, a quote or an
# ampersand in a translation would break an attribute. Ours are text, escaped like any other text.
if hasattr(LazyString, "__html__"):
    del LazyString.__html__
