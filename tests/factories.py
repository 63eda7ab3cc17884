"""Small factories: the least a valid record needs, with overrides."""
import itertools

from models import Organization, User, db
from models.enums import OrganizationKind

_seq = itertools.count(1)


def organization(**kw) -> Organization:
    n = next(_seq)
    org = Organization(name=kw.pop("name", f"Test donor {n}"), kind=kw.pop("kind", OrganizationKind.DONOR_GOVERNMENT.value),
                       **kw)
    db.session.add(org)
    db.session.flush()
    return org


def user(role="officer", password="correct-horse-battery-staple", **kw) -> User:
    n = next(_seq)
    if role == "donor" and "donor" not in kw and "donor_id" not in kw:
        kw["donor"] = organization()
    u = User(email=kw.pop("email", f"user{n}@example.test"), name=kw.pop("name", f"Test user {n}"), role=role, **kw)
    u.set_password(password)
    db.session.add(u)
    db.session.flush()
    return u
