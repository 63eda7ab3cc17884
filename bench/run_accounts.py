"""The people and records of `make bench`'s mix (bench/run_mix.py), read from one built database.

    DATABASE_URL=… python bench/run_accounts.py        (run by bench/run.py in the app's environment)

Makes ACCOUNTS_PER_ROLE accounts of each role (once: kept in the database), each donor account bound to another of
the donors that give the most, and a fresh bearer token for every account (the raw token is shown once, so each run
issues its own). Then samples what those people open: requests, activities, States and instruments spread over the
record, the list pages of each list. Prints one JSON object on stdout. A benchmark's preparation, not a test.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run_settings import ACCOUNTS_PER_ROLE, PASSWORD, RECORDS_PER_KIND, ROLES  # noqa: E402

#: Enough to reach the deepest page of a list at any scale without hitting its end.
LIST_PAGES = 40


def _donors(db, sa, models) -> list:
    """The donors with the most contributions: a donor account on a donor with nothing would measure nothing."""
    return list(db.session.scalars(
        sa.select(models.Organization).join(models.Contribution, models.Contribution.donor_id == models.Organization.id)
        .group_by(models.Organization.id).order_by(sa.func.count().desc(), models.Organization.id)
        .limit(ACCOUNTS_PER_ROLE)))


def accounts(db, sa, models) -> dict[str, list[dict]]:
    """Every bench account of each role, with a new token ("read write": the writer uses the officers')."""
    donors = _donors(db, sa, models)
    made = {role: [] for role in ROLES}
    for role in ROLES:
        for i in range(ACCOUNTS_PER_ROLE):
            email = f"bench-{role}-{i}@bench.test"
            user = db.session.scalar(sa.select(models.User).where(models.User.email == email))
            if user is None:
                extra = {"donor": donors[i % len(donors)]} if role == "donor" and donors else {}
                user = models.User(email=email, name=f"Bench {role} {i}", role=role, **extra)
                user.set_password(PASSWORD)
                db.session.add(user)
            token, raw = models.ApiToken.issue(user, name="bench", scope="read write")
            db.session.add(token)
            made[role].append({"email": email, "token": raw})
    db.session.commit()
    return made


def _sample(db, sa, column, rng: random.Random) -> list:
    """RECORDS_PER_KIND values of `column` spread over the whole table (ids drawn at random, not the first rows)."""
    values = list(db.session.scalars(sa.select(column).order_by(column)))
    return rng.sample(values, min(RECORDS_PER_KIND, len(values)))


def records(db, sa, models) -> dict[str, list]:
    rng = random.Random(7)
    served = sa.select(models.ActivityState.state_id)
    states = sa.select(models.MemberState.code).where(models.MemberState.id.in_(served))
    return {
        "requests": _sample(db, sa, models.AssistanceRequest.id, rng),
        "activities": _sample(db, sa, models.Activity.id, rng),
        "states": rng.sample(list(db.session.scalars(states)), min(RECORDS_PER_KIND, len(db.session.scalars(
            states).all()))),
        "instruments": ["UNTOC", "TIP", "SOM", "FIREARMS"],
        "list_pages": list(range(1, LIST_PAGES + 1)),
    }


def main() -> None:
    import logging

    import sqlalchemy as sa

    import models
    from app import create_app
    from models import db
    logging.getLogger("palermo").setLevel(logging.WARNING)
    with create_app().app_context():
        print(json.dumps({"accounts": accounts(db, sa, models), "records": records(db, sa, models)}))


if __name__ == "__main__":
    main()
