"""Security headers on every response (filled in by the accounts work)."""


def init_app(app) -> None:
    pass
