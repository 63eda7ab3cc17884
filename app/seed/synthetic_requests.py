"""The requests of the synthetic record, each with the workflow steps that led to its status: decades of them,
nearly all answered, declined or withdrawn, the queue holding only the last months' arrivals."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from app.seed.synthetic_rows import SYNTHETIC_START, SYNTHETIC_TODAY, at, next_ids, weighted
from models import AssistanceRequest, RequestStatusChange
from models.assistance_request import assistance_request_instruments
from models.enums import Priority, RequestChannel, RequestKind

#: Over decades nearly every request has been answered, declined or withdrawn: the queue (pending, under review)
#: holds the last months' arrivals, about 1% of the record; work under way, the last two years'.
REQUEST_STATUSES = [("completed", 830), ("in_progress", 30), ("approved", 10), ("declined", 80), ("withdrawn", 40),
                    ("pending", 6), ("under_review", 4)]
#: How far back a request of each status may have arrived (days before SYNTHETIC_TODAY); others: the whole record.
RECENT = {"pending": 180, "under_review": 180, "approved": 365, "in_progress": 730}
#: The workflow path that leads to each status (from the request's creation).
PATHS = {
    "pending": ["pending"],
    "under_review": ["pending", "under_review"],
    "approved": ["pending", "under_review", "approved"],
    "in_progress": ["pending", "under_review", "approved", "in_progress"],
    "completed": ["pending", "under_review", "approved", "in_progress", "completed"],
    "declined": ["pending", "under_review", "declined"],
    "withdrawn": ["pending", "withdrawn"],
}
ANSWERED = ("approved", "in_progress", "completed")
PRIORITIES = [(Priority.LOW, 15), (Priority.NORMAL, 60), (Priority.HIGH, 20), (Priority.URGENT, 5)]
SUBJECTS = ["Review of draft legislation on {}", "Assistance in ratifying {}", "Training of judges on {}",
            "Needs assessment for implementing {}", "Advice on the criminalization provisions of {}",
            "Seminar for parliamentarians on {}"]


class DrawsRequests:
    """Part of synthetic.Generator (its rng, sizes `n`, context, `day` and `write`): sets `answerable`, each
    State's answered requests by day received, which the activities answer."""

    def requests(self) -> None:
        rng, ids = self.rng, next_ids(AssistanceRequest.__table__, RequestStatusChange.__table__)
        status_of, priority_of = weighted(rng, REQUEST_STATUSES), weighted(rng, PRIORITIES)
        kinds, channels = [k.value for k in RequestKind], [c.value for c in RequestChannel]
        codes = [i.code for i in self.instruments]
        rows, links, changes = [], [], []
        change_id = ids["request_status_changes"]
        self.answerable: dict[int, list[tuple[date, int]]] = defaultdict(list)
        for i in range(self.n["requests"]):
            request_id = ids["assistance_requests"] + i
            state = rng.choice(self.countries)
            status = status_of()
            received = self.day(SYNTHETIC_TODAY - timedelta(days=RECENT[status]) if status in RECENT
                                else SYNTHETIC_START, SYNTHETIC_TODAY)
            priority = priority_of()
            chosen = sorted(rng.sample(range(len(codes)), rng.randint(1, 3)))
            decided = status in ("approved", "in_progress", "completed", "declined")
            when = at(received, rng)
            steps = PATHS[status]
            decided_at = None
            previous = None
            for step in steps:
                reason = None
                if step in ("approved", "declined", "withdrawn"):
                    reason = {"approved": "Within the Centre's mandate and funded.",
                              "declined": "Outside the Centre's mandate.",
                              "withdrawn": "Withdrawn by the requesting State."}[step]
                changes.append({"id": change_id, "request_id": request_id, "actor_id": None, "changed_at": when,
                                "from_status": previous, "to_status": step, "reason": reason})
                if step in ("approved", "declined"):
                    decided_at = when
                change_id += 1
                previous = step
                when = min(when + timedelta(days=rng.randint(1, 40)), at(SYNTHETIC_TODAY, rng))
            due = received + timedelta(days=rng.choice((30, 60, 90, 180))) if rng.random() < 0.6 else None
            rows.append({
                "id": request_id, "reference_key": None, "state_id": state.id, "kind": rng.choice(kinds),
                "received_date": received, "channel": rng.choice(channels),
                "requesting_authority": "Ministry of Justice" if rng.random() < 0.6 else "Ministry of Foreign Affairs",
                "subject": rng.choice(SUBJECTS).format(codes[chosen[0]]), "description": None,
                "is_subject_inferred": False, "priority": priority.value, "priority_rank": priority.rank,
                "status": status,
                "assigned_officer_id": rng.choice(self.officers) if status != "pending" and self.officers else None,
                "logged_by_id": None, "due_date": due, "version": len(steps),
                "decision": status if status in ("approved", "declined") else ("approved" if decided else None),
                "decision_reason": "Within the Centre's mandate and funded." if decided and status != "declined"
                else ("Outside the Centre's mandate." if status == "declined" else None),
                "decided_at": decided_at, "source": self.source,
                "created_at": at(received, rng), "updated_at": when})
            for index in chosen:
                links.append({"request_id": request_id, "instrument_id": self.instrument_ids[index]})
            if status in ANSWERED:
                self.answerable[state.id].append((received, request_id))
            if len(rows) >= 20000:
                self.flush_requests(rows, links, changes)
                rows, links, changes = [], [], []
        self.flush_requests(rows, links, changes)
        for entries in self.answerable.values():
            entries.sort()

    def flush_requests(self, rows, links, changes) -> None:
        self.write(AssistanceRequest.__table__, rows, ticks=True)
        self.write(assistance_request_instruments, links)
        self.write(RequestStatusChange.__table__, changes)
