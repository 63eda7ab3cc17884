"""Fixtures of the API tests that write: a caller with a bearer token of a given role and scope."""
import json

import pytest

from models import ApiToken, db


class Caller:
    """An API client authenticated by a bearer token: `call(method, path, body=..., if_match=...)`."""

    def __init__(self, client, raw: str, user):
        self.client, self.raw, self.user = client, raw, user

    def call(self, method: str, path: str, body=None, if_match=None, headers=None, data=None, content_type=None):
        sent = {"Authorization": f"Bearer {self.raw}", **(headers or {})}
        if if_match is not None:  # a version as a number is sent as its ETag (quoted: a strong entity tag)
            sent["If-Match"] = f'"{if_match}"' if isinstance(if_match, int) else str(if_match)
        if body is not None:
            data, content_type = json.dumps(body), content_type or "application/json"
        return self.client.open(path, method=method, headers=sent, data=data, content_type=content_type)

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None, **kwargs):
        return self.call("POST", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.call("PATCH", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.call("PUT", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


@pytest.fixture()
def api_caller(app, make_user):
    """api_caller(role, scope="read write", **user fields) -> Caller (its own test client)."""
    def make(role="officer", scope="read write", **kwargs):
        user = make_user(role, **kwargs)
        token, raw = ApiToken.issue(user, scope=scope)
        db.session.add(token)
        db.session.commit()
        return Caller(app.test_client(), raw, user)
    return make
