"""Which language a request is answered in (issue 30), and how a page says so.

The account's own choice when it made one, else the choice made in this browser before signing in (the switcher
in the header, kept in the session), else the browser's Accept-Language, else English. Only languages listed in
LANGUAGES are ever chosen, so a page is never half in a language the app has no catalogue for.
"""
from contextlib import contextmanager

from flask import current_app, g, has_request_context, request, session
from flask_babel import force_locale, get_locale, get_translations
from flask_login import current_user

#: Languages written right to left: their pages say dir="rtl" and load Bootstrap's mirrored stylesheet.
RIGHT_TO_LEFT = frozenset({"ar"})
#: Where an anonymous visitor's choice is kept (a signed-in person's goes on the account).
SESSION_KEY = "language"
#: The language of what the record writes for itself, whoever caused it: audit entries, the server's log.
RECORD_LANGUAGE = "en"


def select_language() -> str:
    offered = current_app.config["LANGUAGES"]
    if not has_request_context():  # a job or a command: English unless the caller forces a locale
        return offered[0]
    chosen = getattr(current_user, "language", None) if current_user and current_user.is_authenticated else None
    if chosen in offered:
        return chosen
    return browser_language()


def browser_language() -> str:
    """The language this browser asked for: its choice in the switcher, else Accept-Language, else English. What
    the page cache keys on besides the account (whose own choice is part of the record)."""
    offered = current_app.config["LANGUAGES"]
    kept = session.get(SESSION_KEY)
    if kept in offered:
        return kept
    return request.accept_languages.best_match(offered) or offered[0]


def current_language() -> str:
    """The code of the language this page is written in ("en", "fr"…)."""
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["LANGUAGES"][0]


def text_direction(language: str | None = None) -> str:
    """"rtl" or "ltr": the value of the page's dir attribute."""
    return "rtl" if (language or current_language()) in RIGHT_TO_LEFT else "ltr"


@contextmanager
def speaking(language: str | None):
    """Everything translated or formatted inside (gettext, lazy strings made text, dates, money) is in `language`
    (a code of LANGUAGES), whatever the request's: a message to someone else, a job run for its owner. None, or a
    language not offered, changes nothing."""
    if language not in current_app.config["LANGUAGES"]:
        yield
        return
    with force_locale(language):
        # app.formatting keeps the request's locale on the request: set it aside while writing in another language
        holder = request._get_current_object() if has_request_context() else None
        kept = holder.__dict__.pop("_formatting_locale", None) if holder is not None else None
        try:
            yield
        finally:
            if holder is not None:
                holder.__dict__.pop("_formatting_locale", None)
                if kept is not None:
                    holder._formatting_locale = kept


def offered_languages() -> list[tuple[str, str]]:
    """(code, own name) of every language the app speaks, in the configured order."""
    names = current_app.config["LANGUAGE_NAMES"]
    return [(code, names.get(code, code)) for code in current_app.config["LANGUAGES"]]


def template_catalogue():
    """The catalogue of the language a page is being written in, for the templates' `_`: looked up again only when
    that language changes (force_locale: a message in another language). A list page calls `_` hundreds of times,
    and Flask-Babel's own look-up (its context, the locale, the domain, each through Flask's proxies) costs some
    fifty times the translation itself."""
    state = g.get("_flask_babel") if g else None  # Flask-Babel 4's state of the request: the locale it chose
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # not chosen yet (or refreshed): Flask-Babel chooses it
        return get_translations()
    kept = getattr(state, "template_catalogue", None)
    if kept is None or kept[0] is not locale:
        kept = state.template_catalogue = (locale, get_translations())
    return kept[1]


def install_template_gettext(app) -> None:
    """The templates' `_`, `ngettext`, `pgettext` and `npgettext` read `template_catalogue` (in place of those
    Flask-Babel installs, which are the same calls on a catalogue looked up anew each time)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: template_catalogue().ugettext(s),
        ngettext=lambda s, p, n: template_catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: template_catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: template_catalogue().unpgettext(c, s, p, n),
    )
