"""The activities of the synthetic record, missions first as in the report, each with its visits, the States it
served (a region's for a meeting), its instruments, its experts and the requests of its State it answers."""
from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.seed.synthetic_rows import SYNTHETIC_START, SYNTHETIC_TODAY, TOPICS, at, next_ids, weighted
from models import Activity, ActivityState, ActivityVisit, Deployment
from models.activity import activity_instruments, activity_requests
from models.enums import ActivityKind

ACTIVITY_KINDS = [  # (kind, weight): missions dominate, as in the report
    (ActivityKind.MISSION, 45), (ActivityKind.NATIONAL_SEMINAR, 15), (ActivityKind.WORKSHOP, 12),
    (ActivityKind.REGIONAL_MEETING, 6), (ActivityKind.SUBREGIONAL_MEETING, 5),
    (ActivityKind.EXPERT_GROUP_MEETING, 3), (ActivityKind.WRITTEN_ANALYSIS, 7), (ActivityKind.PRESENTATION, 3),
    (ActivityKind.BRIEFING, 2), (ActivityKind.PANEL, 1), (ActivityKind.TREATY_EVENT, 1)]
MEETINGS = {ActivityKind.REGIONAL_MEETING, ActivityKind.SUBREGIONAL_MEETING, ActivityKind.EXPERT_GROUP_MEETING}
ROLES = ["lead expert", "legal expert", "resource person", "facilitator"]
#: Activities drawn before they are written together with what hangs off them.
BATCH = 20000


@dataclass
class ActivityBatch:
    """Activities drawn and not written yet, with the rows that hang off them. The next ids of the numbered
    tables carry over from one batch to the next (`emptied`)."""
    visit_id: int
    state_row_id: int
    deployment_id: int
    rows: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)
    states: list[dict] = field(default_factory=list)
    instruments: list[dict] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)
    deployments: list[dict] = field(default_factory=list)

    def emptied(self) -> ActivityBatch:
        return ActivityBatch(self.visit_id, self.state_row_id, self.deployment_id)


class DrawsActivities:
    """Part of synthetic.Generator (its rng, sizes `n`, context, `day` and `write`; the experts' ids and the
    requests' `answerable`): sets `by_year` (the activities a contribution of that year may fund) and `served`
    (each State's activities, which a legislative finding may have raised)."""

    def activities(self) -> None:
        ids = next_ids(Activity.__table__, ActivityVisit.__table__, ActivityState.__table__, Deployment.__table__)
        kind_of = weighted(self.rng, ACTIVITY_KINDS)
        batch = ActivityBatch(ids["activity_visits"], ids["activity_states"], ids["deployments"])
        self.by_year: dict[int, list[int]] = defaultdict(list)
        self.served: dict[int, list[int]] = defaultdict(list)
        horizon = SYNTHETIC_TODAY + timedelta(days=365)
        for i in range(self.n["activities"]):
            self.draw_activity(batch, ids["activities"] + i, i + 1, kind_of(), horizon)
            if len(batch.rows) >= BATCH:
                self.flush_activities(batch)
                batch = batch.emptied()
        self.flush_activities(batch)

    def draw_activity(self, batch: ActivityBatch, activity_id: int, number: int, kind: ActivityKind,
                      horizon: date) -> None:
        """One activity and everything that hangs off it, added to `batch`."""
        rng = self.rng
        start = self.day(SYNTHETIC_START, horizon)
        host = rng.choice(self.countries)
        if kind in MEETINGS:
            region = self.by_region[host.regional_group] or [host.id]
            served = sorted({host.id, *rng.sample(region, min(len(region), rng.randint(3, 12)))})
            role = "participant" if kind is ActivityKind.EXPERT_GROUP_MEETING else "served"
        else:
            served, role = [host.id], "served"
        status = ("planned" if start > SYNTHETIC_TODAY else
                  ("cancelled" if rng.random() < 0.03 else "completed"))
        end = self.draw_visits(batch, activity_id, kind, host, start)
        batch.rows.append({"id": activity_id, "reference_key": None, "kind": kind.value, "status": status,
                           "title": f"{kind.label}, {host.code} {start.year} (no. {number})",
                           "description": None, "outcome": "Recommendations delivered." if status == "completed"
                           else None, "topics": rng.sample(TOPICS, rng.randint(0, 2)), "source": self.source,
                           "project_id": None, "first_visit_date": None if kind is ActivityKind.WRITTEN_ANALYSIS
                           else start, "created_at": at(min(start, SYNTHETIC_TODAY), rng),
                           "updated_at": at(min(end, SYNTHETIC_TODAY), rng)})
        for state_id in served:
            batch.states.append({"id": batch.state_row_id, "activity_id": activity_id, "state_id": state_id,
                                 "role": role})
            batch.state_row_id += 1
            if role == "served":
                self.served[state_id].append(activity_id)
        for instrument_id in sorted(rng.sample(self.instrument_ids, rng.randint(1, 4))):
            batch.instruments.append({"activity_id": activity_id, "instrument_id": instrument_id})
        self.draw_answers_and_experts(batch, activity_id, kind, host, start)
        if status != "cancelled" and start.year == end.year:
            self.by_year[start.year].append(activity_id)

    def draw_visits(self, batch: ActivityBatch, activity_id: int, kind: ActivityKind, host, start: date) -> date:
        """The activity's visits to its host (none for a written analysis; a second trip for some missions);
        returns its last day."""
        rng = self.rng
        end = start
        if kind is not ActivityKind.WRITTEN_ANALYSIS:
            trips = 2 if kind is ActivityKind.MISSION and rng.random() < 0.15 else 1
            day = start
            for _ in range(trips):
                end = day + timedelta(days=rng.randint(0, 4))
                batch.visits.append({"id": batch.visit_id, "activity_id": activity_id, "city": None,
                                     "country_id": host.id, "start_date": day, "end_date": end,
                                     "date_precision": "day"})
                batch.visit_id += 1
                day = end + timedelta(days=rng.randint(20, 200))
        return end

    def draw_answers_and_experts(self, batch: ActivityBatch, activity_id: int, kind: ActivityKind, host,
                                 start: date) -> None:
        """The requests of its host the activity answers, and the experts deployed on it."""
        rng = self.rng
        if kind not in MEETINGS and rng.random() < 0.5:  # answers requests of its State received before it
            pool = self.answerable.get(host.id, [])
            upto = bisect.bisect_right(pool, (start, 1 << 62))
            if upto:
                for k in sorted({rng.randrange(max(0, upto - 20), upto) for _ in range(rng.randint(1, 2))}):
                    batch.answers.append({"activity_id": activity_id, "request_id": pool[k][1]})
        if kind is not ActivityKind.WRITTEN_ANALYSIS or rng.random() < 0.5:
            for expert_id in sorted(rng.sample(self.expert_ids, rng.randint(1, 3))):
                batch.deployments.append({"id": batch.deployment_id, "expert_id": expert_id,
                                          "activity_id": activity_id, "role": rng.choice(ROLES),
                                          "start_date": None, "end_date": None})
                batch.deployment_id += 1

    def flush_activities(self, batch: ActivityBatch) -> None:
        self.write(Activity.__table__, batch.rows, ticks=True)
        self.write(ActivityVisit.__table__, batch.visits)
        self.write(ActivityState.__table__, batch.states)
        self.write(activity_instruments, batch.instruments)
        # One request may be answered twice by the same activity draw: keep pairs unique.
        self.write(activity_requests, [dict(t) for t in {tuple(a.items()) for a in batch.answers}])
        self.write(Deployment.__table__, batch.deployments)
