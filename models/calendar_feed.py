"""Calendar feed tokens: how a calendar client, which cannot sign in, reads one user's `/missions.ics`."""
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, fk, utcnow
from models.user import User, hash_token


class CalendarFeedToken(db.Model):
    """A secret in the feed's URL. Only its hash is kept; it opens the feed and nothing else (never a session),
    with its owner's scope. A user holds at most one live token: issuing a new one revokes the old."""
    __tablename__ = "calendar_feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = fk("users.id", nullable=False, ondelete="CASCADE")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    #: The first characters, to recognise the URL in a calendar client without revealing it.
    prefix: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)

    user = relationship("User")

    @classmethod
    def issue(cls, user: User) -> tuple["CalendarFeedToken", str]:
        """A new token for `user`: the record and the raw token (shown once, in the feed's URL)."""
        raw = "cal_" + secrets.token_urlsafe(32)
        return cls(user=user, token_hash=hash_token(raw), prefix=raw[:8]), raw

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
