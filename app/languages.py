"""Which language a request is answered in (issue 30).

The account's own choice when it made one, else the browser's Accept-Language, else English. Only languages
listed in LANGUAGES are ever chosen, so a page is never half in a language the app has no catalogue for.
"""
from flask import current_app, has_request_context, request
from flask_login import current_user


def select_language() -> str:
    offered = current_app.config["LANGUAGES"]
    if not has_request_context():  # a job or a command: English unless the caller forces a locale
        return offered[0]
    chosen = getattr(current_user, "language", None) if current_user and current_user.is_authenticated else None
    if chosen in offered:
        return chosen
    return request.accept_languages.best_match(offered) or offered[0]
