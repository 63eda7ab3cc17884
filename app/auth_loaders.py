"""Flask-Login loaders: the session's user and the API's bearer token (filled in by the accounts work)."""
from .extensions import login_manager
from models import User, db


@login_manager.user_loader
def load_user(user_id: str):
    ident, _, token = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user
