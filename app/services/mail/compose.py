"""Messages in plain text and HTML from one template pair (`templates/mail/<name>.txt|.html`), with absolute
links built from PUBLIC_URL, in a request or on the command line alike, in the recipient's language (issue 30:
the account's choice, English when it made none — a message has no browser to ask)."""
from contextlib import contextmanager, nullcontext

from flask import current_app, has_request_context, render_template

from app.languages import speaking
from app.public_address import external_url, public_root
from app.services.mail import outbox
from models import OutboxMessage


@contextmanager
def links():
    """A request context under PUBLIC_URL when there is none (a command, a job), so that url_for builds links."""
    context = nullcontext() if has_request_context() else current_app.test_request_context("/",
                                                                                           base_url=public_root())
    with context:
        yield


def language_of(user) -> str:
    """The language of what `user` is sent: their own choice, else the first configured (English)."""
    chosen = getattr(user, "language", None)
    return chosen if chosen in current_app.config["LANGUAGES"] else current_app.config["LANGUAGES"][0]


@contextmanager
def in_language_of(user):
    """Everything translated or formatted inside (gettext, lazy strings made str, dates, money) is in `user`'s
    language, whatever the language of the request that caused it."""
    with links(), speaking(language_of(user)):
        yield


def send(template: str, to_address: str, subject: str, category: str, user_id: int | None = None,
         recipient=None, **values) -> OutboxMessage:
    """Render `templates/mail/<template>.txt` and `.html` and queue the message, in the language of `recipient`
    (a User; `values["user"]` when not given). `subject` may be a lazy string: it is made text in that language.
    Every message carries a link to the recipient's preferences (`preferences_url`)."""
    with in_language_of(recipient if recipient is not None else values.get("user")):
        subject = str(subject)
        values.setdefault("preferences_url", external_url("account.profile") + "#preferences")
        values["app_name"] = current_app.config.get("APP_NAME", "Palermo")
        text = render_template(f"mail/{template}.txt", subject=subject, **values)
        html = render_template(f"mail/{template}.html", subject=subject, **values)
    return outbox.queue(to_address, subject, text, html, category, user_id)


def url(endpoint: str, **values) -> str:
    """An absolute link to `endpoint`, from anywhere."""
    with links():
        return external_url(endpoint, **values)
