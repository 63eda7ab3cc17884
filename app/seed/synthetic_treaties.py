"""Every State's treaty history in the synthetic record, completed after the depositary's last table."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.seed.synthetic_rows import SYNTHETIC_TODAY, at, next_ids
from models import Instrument, TreatyAction, db
from models.record_version import bump


class DrawsTreaties:
    """Part of synthetic.Generator (its rng, context, `day`, `write` and `tick`)."""

    def treaties(self) -> None:
        """Complete every State's history after the last depositary table: the States that had not deposited
        accede, the Convention first, each Protocol on or after the Convention (UNTOC art. 37(2)); no signature
        (the signature period closed in 2002). `record_complete_to` moves to the last synthetic day."""
        rng = self.rng
        deposits = {(r.state_id, r.instrument_id): r.action_date for r in db.session.execute(
            sa.select(TreatyAction.state_id, TreatyAction.instrument_id, TreatyAction.action_date)
            .where(TreatyAction.category == "deposit"))}
        rows, action_id = [], next_ids(TreatyAction.__table__)["treaty_actions"]
        complete = max((i.record_complete_to for i in self.instruments if i.record_complete_to),
                       default=date(2014, 7, 1))
        for state in self.states:
            for instrument in self.instruments:  # the Convention comes first (lowest id)
                if (state.id, instrument.id) in deposits or rng.random() < 0.25:
                    continue
                earliest = (instrument.record_complete_to or complete) + timedelta(days=1)
                if instrument.supplements_id:
                    convention = deposits.get((state.id, instrument.supplements_id))
                    if convention is None:
                        continue
                    earliest = max(earliest, convention)
                if earliest >= SYNTHETIC_TODAY:
                    continue
                day = self.day(earliest, SYNTHETIC_TODAY)
                deposits[(state.id, instrument.id)] = day
                rows.append({"id": action_id, "state_id": state.id, "instrument_id": instrument.id,
                             "kind": "accession", "category": "deposit", "action_date": day, "source": self.source,
                             "note": None, "created_at": at(day, rng), "updated_at": at(day, rng)})
                action_id += 1
        self.write(TreatyAction.__table__, rows)
        db.session.execute(sa.update(Instrument).values(record_complete_to=SYNTHETIC_TODAY))
        bump(db.session.connection())  # Core writes: the figures cached for the old record are stale
        self.tick(2000)
