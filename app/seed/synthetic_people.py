"""The people and organizations of the synthetic record: officers' and managers' accounts, donors beside the
reference record's (up to the number `sizes` asks), and the roster of experts with their instruments."""
from __future__ import annotations

import sqlalchemy as sa

from app.seed.synthetic_rows import FAMILY, GIVEN, SYNTHETIC_START, TOPICS, at, next_ids, weighted
from models import Expert, Organization, User, db
from models.enums import ExpertKind, LegalTradition
from models.expert import expert_instruments

#: One password hash for every synthetic account: they cannot sign in (not a valid hash of anything typed).
_NO_PASSWORD = "synthetic:no-password"
LANGUAGES = ["English", "French", "Spanish", "Arabic", "Russian", "Chinese", "Portuguese"]


class DrawsPeople:
    """Part of synthetic.Generator (its rng, sizes `n`, context and `write`): sets `officers`, `donors` and
    `expert_ids`, which the requests, activities and contributions draw from."""

    def accounts_and_donors(self) -> None:
        rng, ids = self.rng, next_ids(User.__table__, Organization.__table__)
        users = []
        for i in range(self.n["officers"]):
            role = "manager" if i % 5 == 4 else "officer"
            users.append({"id": ids["users"] + i, "email": f"synthetic-{role}-{self.seed}-{i + 1}@synthetic.test",
                          "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "role": role, "donor_id": None,
                          "password_hash": _NO_PASSWORD, "is_active": True, "last_login_at": None,
                          "session_token": f"{rng.getrandbits(128):032x}",
                          "created_at": at(SYNTHETIC_START, rng), "updated_at": at(SYNTHETIC_START, rng)})
        self.officers = [u["id"] for u in users if u["role"] == "officer"]
        self.write(User.__table__, users)
        donors = list(db.session.scalars(sa.select(Organization.id).where(
            Organization.kind == "donor_government").order_by(Organization.id)))
        western = self.by_region.get("Western European and Others") or [s.id for s in self.countries]
        orgs = []
        for i in range(max(0, self.n["donors"] - len(donors))):
            orgs.append({"id": ids["organizations"] + i, "reference_key": None,
                         "name": f"Synthetic donor {self.seed}-{i + 1:03d}", "acronym": None,
                         "kind": "donor_government",
                         "state_id": rng.choice(western), "city": None, "source": self.source,
                         "created_at": at(SYNTHETIC_START, rng), "updated_at": at(SYNTHETIC_START, rng)})
        self.write(Organization.__table__, orgs)
        self.donors = donors + [o["id"] for o in orgs]

    def experts(self) -> None:
        rng, ids = self.rng, next_ids(Expert.__table__)
        kind = weighted(rng, [(k.value, w) for k, w in zip(ExpertKind, (10, 50, 30, 10), strict=True)])
        tradition = [t.value for t in LegalTradition]
        rows, links = [], []
        for i in range(self.n["experts"]):
            expert_id = ids["experts"] + i
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            rows.append({"id": expert_id, "reference_key": None, "name": f"{given} {family}", "kind": kind(),
                         "affiliation_id": rng.choice(self.orgs) if self.orgs and rng.random() < 0.4 else None,
                         "nationality_id": rng.choice(self.countries).id,
                         "email": f"expert-{self.seed}-{i + 1}@synthetic.test",
                         "phone": f"+41 22 {rng.randrange(10**6):06d}",
                         "topics": rng.sample(TOPICS, rng.randint(1, 3)),
                         "languages": rng.sample(LANGUAGES, rng.randint(1, 3)),
                         "legal_tradition": rng.choice(tradition), "note": None,
                         "created_at": at(SYNTHETIC_START, rng), "updated_at": at(SYNTHETIC_START, rng)})
            for instrument_id in sorted(rng.sample(self.instrument_ids, rng.randint(1, 4))):
                links.append({"expert_id": expert_id, "instrument_id": instrument_id})
        self.expert_ids = [r["id"] for r in rows]
        self.write(Expert.__table__, rows, ticks=True)
        self.write(expert_instruments, links)
