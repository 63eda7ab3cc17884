"""Messages in plain text and HTML from one template pair (`templates/mail/<name>.txt|.html`), with absolute
links built from PUBLIC_URL, in a request or on the command line alike."""
from contextlib import contextmanager, nullcontext

from flask import current_app, has_request_context, render_template

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


def send(template: str, to_address: str, subject: str, category: str, user_id: int | None = None,
         **values) -> OutboxMessage:
    """Render `templates/mail/<template>.txt` and `.html` and queue the message. Every message carries a link to
    the recipient's preferences (`preferences_url`)."""
    with links():
        values.setdefault("preferences_url", external_url("account.profile") + "#preferences")
        values["app_name"] = current_app.config.get("APP_NAME", "Palermo")
        text = render_template(f"mail/{template}.txt", subject=subject, **values)
        html = render_template(f"mail/{template}.html", subject=subject, **values)
    return outbox.queue(to_address, subject, text, html, category, user_id)


def url(endpoint: str, **values) -> str:
    """An absolute link to `endpoint`, from anywhere."""
    with links():
        return external_url(endpoint, **values)
