"""The legislative findings of the synthetic record: one per (State, issue) pair the record does not have yet,
each with the history of its status, raised by one of the activities that served its State."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.seed.synthetic_rows import SYNTHETIC_START, SYNTHETIC_TODAY, at, next_ids
from models import FindingStatusChange, LegislativeFinding, db
from models.enums import FindingStatus


class DrawsFindings:
    """Part of synthetic.Generator (its rng, sizes `n`, context, `day`, `write` and `tick`; the activities
    `served`)."""

    def findings(self) -> None:
        rng = self.rng
        ids = next_ids(LegislativeFinding.__table__, FindingStatusChange.__table__)
        taken = set(db.session.execute(sa.select(LegislativeFinding.state_id, LegislativeFinding.issue_id)).all())
        pairs = [(s.id, issue) for s in self.countries for issue in self.issues if (s.id, issue) not in taken]
        wanted = min(len(pairs), max(1, self.n["requests"] // 20))
        order = [s.value for s in FindingStatus]
        rows, history = [], []
        history_id = ids["finding_status_changes"]
        for i, (state_id, issue_id) in enumerate(sorted(rng.sample(pairs, wanted))):
            finding_id = ids["legislative_findings"] + i
            raised = self.served.get(state_id)
            status = order[rng.randrange(len(order))]
            day = self.day(SYNTHETIC_START, SYNTHETIC_TODAY - timedelta(days=800))
            for step in order[:order.index(status) + 1]:
                history.append({"id": history_id, "finding_id": finding_id, "status": step, "status_date": day,
                                "actor_id": None, "recorded_at": at(day, rng), "note": None})
                history_id += 1
                day += timedelta(days=rng.randint(30, 200))
            rows.append({"id": finding_id, "state_id": state_id, "issue_id": issue_id,
                         "activity_id": rng.choice(raised) if raised else None, "status": status, "note": None,
                         "created_at": at(SYNTHETIC_START, rng), "updated_at": at(SYNTHETIC_START, rng)})
        self.write(LegislativeFinding.__table__, rows)
        self.write(FindingStatusChange.__table__, history)
        self.tick(2000)
