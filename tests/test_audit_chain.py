"""The audit trail as a hash chain (issue 25, item 6): `flask audit verify` names the first entry altered, removed
or inserted out of order; an untouched chain is intact; the admin page says when it was last verified; two
transactions appending at once keep one chain; the migration chains the entries already there."""
import threading

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.services.core import audit, audit_chain
from models import AuditEntry, AuditVerification, db
from models.base import utcnow as entries_now
from tests.scratch_databases import scratch_database
from tests.test_migrations import MIGRATIONS


@pytest.fixture()
def entries(session):
    """Five new entries, committed (in the test's transaction), oldest first."""
    made = [audit.record("update", record_type="Thing", record_id=n, summary=f"change {n}",
                         before={"n": n}, after={"n": n + 1}) for n in range(5)]
    session.commit()
    return made


@pytest.fixture()
def verify(app, session):
    runner = app.test_cli_runner()

    def run():
        result = runner.invoke(args=["audit", "verify"])
        unexpected = result.exit_code not in (0, 1) or not result.output
        return result.exit_code, result.output + (repr(result.exception) if unexpected else "")
    return run


def _sql(session, statement, **params):
    session.execute(sa.text(statement), params)
    session.commit()


def test_an_untouched_chain_is_intact_and_the_run_is_recorded(verify, entries, session, client, login_as):
    code, output = verify()
    assert code == 0 and "intact" in output and f"newest hash {entries[-1].row_hash}" in output, output
    run = session.scalar(sa.select(AuditVerification).order_by(AuditVerification.id.desc()))
    assert run.is_intact and run.entries == session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    login_as("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Last verified" in page and "intact" in page


def test_an_altered_entry_is_named(verify, entries, session, client, login_as):
    _sql(session, "UPDATE audit_entries SET summary = 'nothing happened' WHERE id = :id", id=entries[2].id)
    code, output = verify()
    assert code == 1 and f"#{entries[2].id}" in output and "altered" in output, output
    run = audit_chain.last_verification()
    assert not run.is_intact and run.entry_id == entries[2].id
    login_as("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "broken" in page and f"entry #{entries[2].id}" in page


def test_an_altered_json_value_is_named(verify, entries, session):
    _sql(session, "UPDATE audit_entries SET after = :after WHERE id = :id", id=entries[1].id, after='{"n": 99}')
    code, output = verify()
    assert code == 1 and f"#{entries[1].id} was altered" in output, output


def test_a_removed_entry_is_named(verify, entries, session):
    _sql(session, "DELETE FROM audit_entries WHERE id = :id", id=entries[2].id)
    code, output = verify()
    assert code == 1 and "removed" in output and f"before #{entries[3].id}" in output, output


def test_the_newest_entry_removed_is_found(verify, entries, session):
    _sql(session, "DELETE FROM audit_entries WHERE id = :id", id=entries[-1].id)
    code, output = verify()
    assert code == 1 and f"after entry #{entries[-2].id}" in output, output


def _forged(prev_hash: str, **columns) -> dict:
    """An entry with a hash computed as the app would: a forger who knows the scheme."""
    row = dict(occurred_at=entries_now(), actor_id=None, actor_label="intruder", action="update",
               record_type="Thing", record_id=1, summary="slipped in", before=None, after=None, ip_address=None,
               **columns)
    row["prev_hash"] = prev_hash
    row["row_hash"] = audit_chain.row_hash(prev_hash, AuditEntry(**{k: v for k, v in row.items()
                                                                    if k not in ("prev_hash", "row_hash")}))
    return row


def test_an_entry_appended_out_of_order_is_named(verify, entries, session):
    row = _forged(entries[1].row_hash)  # claims to follow an old entry, at the end of the trail
    session.execute(sa.insert(AuditEntry).values(**row))
    session.commit()
    forged_id = session.scalar(sa.select(sa.func.max(AuditEntry.id)))
    code, output = verify()
    assert code == 1 and f"#{forged_id} was inserted out of order" in output, output
    assert f"follows entry #{entries[1].id}" in output


def test_an_entry_slipped_between_two_is_named(verify, entries, session):
    gap, predecessor_hash = entries[3].id, entries[2].row_hash
    # Make room between two ids (the trail's ids have gaps wherever a transaction rolled back).
    _sql(session, "UPDATE audit_entries SET id = id + 1000 WHERE id >= :id", id=gap)
    row = _forged(predecessor_hash, id=gap)  # correctly chained after its predecessor …
    session.execute(sa.insert(AuditEntry).values(**row))
    session.commit()
    code, output = verify()  # … but the entry after it still follows its predecessor: the chain skips it
    assert code == 1 and f"#{gap} was inserted out of order: the chain skips it" in output, output


# ------------------------------------------------------------------ on databases of their own
def test_concurrent_appends_keep_one_chain(tmp_path):
    """Two threads, each in its own session and transaction, append at once: one chain, no fork."""
    with scratch_database(tmp_path, "chain") as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            db.create_all()
            db.session.remove()
        barrier, errors, per_thread = threading.Barrier(2), [], 20

        def append(worker: int):
            with app.app_context():
                try:
                    barrier.wait()
                    for n in range(per_thread):
                        audit.record("update", record_type="Thing", record_id=n, summary=f"{worker}:{n}")
                        db.session.flush()  # the entry is written while the other thread tries to append
                        audit.record("update", record_type="Thing", record_id=n, summary=f"{worker}:{n}b")
                        db.session.commit()
                except Exception as exc:  # noqa: BLE001 — reported below with the others
                    errors.append(exc)
                finally:
                    db.session.remove()
        threads = [threading.Thread(target=append, args=(w,)) for w in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        with app.app_context():
            assert errors == []
            prev = list(db.session.scalars(sa.select(AuditEntry.prev_hash)))
            assert len(prev) == 2 * 2 * per_thread and len(set(prev)) == len(prev)  # no two follow the same
            verdict = audit_chain.verify()
            assert verdict.is_intact and verdict.entries == 4 * per_thread, verdict
            db.session.remove()
            db.engine.dispose()


def test_the_migration_chains_the_entries_already_there(tmp_path):
    with scratch_database(tmp_path, "chainmig") as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision="20261206_27")
            with db.engine.begin() as conn:
                for n in range(3):
                    conn.execute(sa.text(
                        "INSERT INTO audit_entries (occurred_at, actor_label, action, record_type, record_id, summary,"
                        " after) VALUES (:at, 'cli', 'create', 'Thing', :n, :s, :after)"),
                        {"at": entries_now(), "n": n, "s": f"made {n}", "after": f'{{"n": {n}}}'})
            upgrade(directory=MIGRATIONS)
            assert audit_chain.verify().is_intact
            audit.record("update", record_type="Thing", record_id=1, summary="after the migration")
            db.session.commit()
            verdict = audit_chain.verify()
            assert verdict.is_intact and verdict.entries == 4
            db.session.remove()
            db.engine.dispose()

