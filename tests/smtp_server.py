"""A real SMTP server in the test process (aiosmtpd), keeping what arrived; or one that refuses every message
(550). `MAIL_SERVER`/`MAIL_PORT` of the app are pointed at it for the test."""
import socket
from contextlib import contextmanager
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the server received: parsed messages (email.message.EmailMessage)."""

    def __init__(self, refuse: bool = False):
        self.messages = []
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "550 5.7.1 Mailbox unavailable (refused by the test server)"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def text(message) -> str:
        return message.get_body(("plain",)).get_content()

    @staticmethod
    def html(message) -> str:
        return message.get_body(("html",)).get_content()


@contextmanager
def smtp_server(refuse: bool = False):
    inbox = Inbox(refuse)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        inbox.port = port
        yield inbox
    finally:
        controller.stop()


@contextmanager
def pointed_at(app, port: int | None, host: str = "127.0.0.1"):
    """The app's MAIL_SERVER set to host:port for the block (port None: no server configured)."""
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}
    app.config.update(MAIL_SERVER=host if port else "", MAIL_PORT=port or 25, MAIL_TIMEOUT=5)
    try:
        yield
    finally:
        app.config.update(saved)
