"""The race the page check cannot see: a record changed between our read and our UPDATE. The version column
makes the UPDATE say `WHERE version = <read>`, and the services turn SQLAlchemy's StaleDataError into the same
refusal (Stale) as a stale page, naming who changed the record — nothing is overwritten."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.scoping import EVERYTHING
from app.services.activities import activity_writes
from app.services.core import versions
from app.services.core.errors import Refused, Stale
from app.services.funding import contributions as contribution_service
from app.services.registry import experts as expert_service
from app.services.requests import request_writes
from models import Activity, AssistanceRequest, Contribution, Expert, db
from tests import factories


def _behind_our_back(model, record_id):
    """Another transaction's committed change: the row's version moves on, our loaded object does not know."""
    db.session.execute(sa.update(model).where(model.id == record_id).values(version=model.version + 1),
                       execution_options={"synchronize_session": False})


def _activity_data(title):
    return activity_writes.ActivityData(kind="mission", status="completed", title=title, served=("BOL",),
                                        visits=(activity_writes.VisitData("BOL", date(2003, 3, 10),
                                                                          date(2003, 3, 12)),))


CASES = {
    "activity": (Activity, lambda: factories.activity(),
                 lambda r: activity_writes.save(EVERYTHING, r, _activity_data("Mine"), r.version)),
    "contribution": (Contribution, lambda: factories.contribution(amount=Decimal("5.00"), note="x"),
                     lambda r: contribution_service.update(r, contribution_service.ContributionData(
                         donor_id=r.donor_id, amount=Decimal("6.00"), currency="USD"), r.version)),
    "expert": (Expert, lambda: factories.expert(),
               lambda r: expert_service.update(r, {"name": "Mine", "kind": "consultant"}, r.version)),
    "request": (AssistanceRequest, lambda: factories.request(),
                lambda r: request_writes.update(EVERYTHING, r, {
                    "state": "BOL", "instruments": ["UNTOC"], "kind": "legislative_review", "subject": "Mine",
                    "priority": "normal"}, factories.user("officer"), r.version)),
}


@pytest.mark.parametrize("name", CASES)
def test_a_change_made_between_our_read_and_our_write_is_refused_not_overwritten(session, name):
    model, make, write = CASES[name]
    record = make()
    session.commit()  # a savepoint in the test harness: the record exists before the race
    record_id = record.id
    _behind_our_back(model, record_id)
    with pytest.raises(Stale) as refused:
        write(record)
    assert "changed since this page was loaded" in refused.value.message
    # (Here the other "transaction" shares the test's, so the service's rollback undoes it too: no figure to check.)
    assert isinstance(refused.value.current_version, int)


def test_a_stale_version_is_refused_before_anything_is_read_and_none_needs_one(session):
    expert = factories.expert(name="Kept")
    session.flush()
    with pytest.raises(Stale):
        expert_service.update(expert, {"name": "Mine", "kind": "consultant"}, expert.version + 1)
    with pytest.raises(Refused, match="which version"):
        versions.check(expert, None, "The expert")
    assert expert.name == "Kept"
