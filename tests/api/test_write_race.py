"""Two API clients racing on one record, for real: two threads, two connections, commits the other sees (the
scratch database of tests/test_concurrency.py). Both send the same If-Match at the same moment: exactly one
change is applied, the other gets 412 with the record as the winner left it — never a lost update, never a 500."""
import threading

import sqlalchemy as sa

from models import Activity, ApiToken, AuditEntry, User, db
from tests import factories
from tests.test_concurrency import scratch  # noqa: F401  (the module-scoped scratch app)

ROUNDS = 4


def test_two_clients_patch_the_same_activity_at_once(scratch):  # noqa: F811
    app, _url, admin_email = scratch
    with app.app_context():
        admin = db.session.scalar(sa.select(User).filter_by(email=admin_email))
        raws = []
        for _ in range(2):
            token, raw = ApiToken.issue(admin, scope="read write")
            db.session.add(token)
            raws.append(raw)
        activity = factories.activity(title="Raced")
        db.session.commit()
        activity_id = activity.id
        db.session.remove()
    path = f"/api/v1/activities/{activity_id}"
    clients = [app.test_client() for _ in raws]
    headers = [{"Authorization": f"Bearer {raw}"} for raw in raws]
    for round_ in range(ROUNDS):
        etag = clients[0].get(path, headers=headers[0]).headers["ETag"]
        barrier, answers = threading.Barrier(2), [None, None]

        def patch(n, etag=etag, barrier=barrier, answers=answers, round_=round_):
            barrier.wait()
            answers[n] = clients[n].patch(path, json={"title": f"round {round_} by {n}"},
                                          headers={**headers[n], "If-Match": etag})

        threads = [threading.Thread(target=patch, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 412], [a.get_json() for a in answers]
        winner = next(a for a in answers if a.status_code == 200).get_json()
        loser = next(a for a in answers if a.status_code == 412).get_json()
        assert loser["current"]["title"] == winner["title"]
        assert winner["version"] == int(etag.strip('"')) + 1
    with app.app_context():
        final = db.session.get(Activity, activity_id)
        updates = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.record_type == "Activity", AuditEntry.record_id == activity_id, AuditEntry.action == "update"))
        assert final.version == 1 + ROUNDS and updates == ROUNDS
        db.session.remove()
