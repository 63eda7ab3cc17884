"""`flask seed synthetic` makes notifications and preferences in proportion (issue 28)."""
import sqlalchemy as sa

from app.seed.synthetic import generate
from models import Notification, NotificationPreference, db


def test_synthetic_notifications_and_preferences_come_in_proportion(app):
    counts = generate(400, seed=7)
    assert counts["notifications"] == 200
    assert counts["notification_preferences"] > 0
    unread = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.read_at.is_(None)))
    assert 0 < unread < 200
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(NotificationPreference.user_id)))) >= 1
