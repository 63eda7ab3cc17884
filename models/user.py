"""Accounts and API tokens."""
import hashlib
import secrets
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from models.base import TimestampMixin, db, fk, one_of, utcnow
from models.enums import Role

MIN_PASSWORD_LENGTH = 12


def _hash_method() -> str:
    """scrypt everywhere but in the test suite, whose thousands of accounts would spend minutes hashing
    (config.TestingConfig; one test there still checks the real cost with scrypt)."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


@cache
def _dummy_hash(method: str) -> str:
    """A real hash to compare against when the account does not exist, so that a wrong e-mail costs the same time
    as a wrong password and the response cannot tell the two apart."""
    return generate_password_hash("not-a-real-password-" + secrets.token_hex(8), method=method)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        one_of("role", Role),
        sa.CheckConstraint("role <> 'donor' OR donor_id IS NOT NULL", name="donor_has_donor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case; the login compares lower-case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    #: The donor organization a donor account sees (and only that one).
    donor_id: Mapped[int | None] = fk("organizations.id", nullable=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    is_active_account: Mapped[bool] = mapped_column("is_active", nullable=False, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    #: Changed whenever the password changes, so that a reset ends every existing session.
    session_token: Mapped[str] = mapped_column(sa.String(64), nullable=False,
                                               default=lambda: secrets.token_hex(16))
    #: Set when an administrator created the account or reset its password: every page leads to the change of
    #: password until its owner chooses one of their own.
    must_change_password: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=sa.false())
    #: The interface language the person chose (a code of config LANGUAGES, issue 30); NULL follows the browser's
    #: Accept-Language. Also the language of the e-mails sent to them (English when NULL: no browser to ask).
    language: Mapped[str | None] = mapped_column(sa.String(8), nullable=True)

    donor = relationship("Organization")
    tokens = relationship("ApiToken", back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.is_active_account)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(gettext("A password needs at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))
        self.password_hash = generate_password_hash(password, method=_hash_method())
        self.session_token = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @staticmethod
    def burn_password_check(password: str) -> None:
        """Spend the time of a real check when there is no account (see _dummy_hash)."""
        check_password_hash(_dummy_hash(_hash_method()), password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


def hash_token(raw: str) -> str:
    """Tokens are stored as SHA-256: random enough that a slow hash adds nothing, and lookups stay indexed."""
    return hashlib.sha256(raw.encode()).hexdigest()


#: What a token may do, chosen when it is issued: read, or read and write (still within its account's role).
TOKEN_SCOPES = ("read", "read write")


class ApiToken(db.Model):
    """A bearer token; only its hash is kept, the token itself is shown once."""
    __tablename__ = "api_tokens"
    __table_args__ = (sa.CheckConstraint("scope IN ('read', 'read write')", name="scope_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", nullable=False, ondelete="CASCADE")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    #: The first characters, to tell tokens apart in a list without revealing them.
    prefix: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    name: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)
    #: "read" (GET only) or "read write"; tokens issued before scopes existed are "read".
    scope: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="read", server_default="read")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)

    user = relationship("User", back_populates="tokens")

    @classmethod
    def issue(cls, user: User, name: str | None = None, scope: str = "read") -> tuple["ApiToken", str]:
        """A new token for `user`: returns the record and the raw token (to show once)."""
        raw = "plm_" + secrets.token_urlsafe(32)
        return cls(user=user, token_hash=hash_token(raw), prefix=raw[:8], name=name, scope=scope), raw

    @property
    def can_write(self) -> bool:
        return self.scope == "read write"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
