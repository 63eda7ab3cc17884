"""Backups that restore (issue 25, item 5): `flask backup create` while another connection keeps writing, then
`flask backup restore` into another, empty database finds every committed row of the snapshot — every row
committed before it began — and every attachment's bytes; a damaged backup, a non-empty database and counts that
differ from the manifest are refused or reported. On SQLite (files) and on PostgreSQL (databases created here)."""
import json
import shutil
import threading

import pytest
import sqlalchemy as sa
from flask_migrate import stamp

from app import create_app
from app.services.attachments import attachment_writes
from app.services.attachments.storage import FolderStorage
from app.services.core import audit, audit_chain
from models import AttachmentVersion, Organization, db
from tests import factories
from tests.scratch_databases import scratch_database
from tests.test_migrations import MIGRATIONS

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + bytes(range(256)) * 8


def _installation(url, files, schema=True):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, ATTACHMENT_FOLDER=str(files))
    if schema:  # what `flask db upgrade` leaves: the tables, empty
        with app.app_context():
            db.create_all()
            stamp(directory=MIGRATIONS)
            db.session.remove()
    return app


def _close(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _writer(app, committed: list, stop: threading.Event):
    """Another session, committing a donor and its audit entry over and over until told to stop."""
    with app.app_context():
        try:
            while not stop.is_set():
                org = factories.organization(name=f"Writer {len(committed)}")
                audit.record_for(org, "create", "written during the backup")
                db.session.commit()
                committed.append(org.id)
        finally:
            db.session.remove()


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """A source installation with a request and its file, backed up while a thread writes."""
    tmp = tmp_path_factory.mktemp("backup")
    with scratch_database(tmp, "source") as url:
        source = _installation(url, tmp / "source-files")
        with source.app_context():
            from app.seed.reference import load_reference
            load_reference()
            officer = factories.user("officer")
            request = factories.request("BOL")
            attachment = attachment_writes.attach("request", request, "note-verbale.pdf", PDF, officer, "Note")
            db.session.commit()
            key = attachment.current.storage_key
            base = db.session.scalar(sa.select(sa.func.count()).select_from(Organization))
            db.session.remove()
        committed, stop = [], threading.Event()
        thread = threading.Thread(target=_writer, args=(source, committed, stop))
        thread.start()
        while len(committed) < 5 and thread.is_alive():
            stop.wait(0.01)
        before = list(committed)
        with source.app_context():  # the runner pushes none when another app's context is active
            result = source.test_cli_runner().invoke(args=["backup", "create", "--to", str(tmp / "backups")])
        after_snapshot = len(committed)
        while len(committed) < after_snapshot + 3 and thread.is_alive():  # writes go on after it too
            stop.wait(0.01)
        stop.set()
        thread.join(60)
        assert result.exit_code == 0, result.output
        folder = next((tmp / "backups").iterdir())
        yield {"source": source, "folder": folder, "before": before, "committed": committed, "key": key,
               "tmp": tmp, "base": base}
        _close(source)


def _restore(app, folder):
    with app.app_context():  # the runner pushes none when another app's context is active
        result = app.test_cli_runner().invoke(args=["backup", "restore", str(folder)])
    return result.exit_code, result.output


def test_the_manifest_names_engine_migration_counts_and_parts(backed_up):
    manifest = json.loads((backed_up["folder"] / "manifest.json").read_text())
    source = backed_up["source"]
    with source.app_context():
        assert manifest["engine"] == db.engine.dialect.name
    assert manifest["alembic_revision"] and manifest["created_at"]
    organizations = manifest["tables"]["organizations"]
    assert len(backed_up["before"]) <= organizations - backed_up["base"] <= len(backed_up["committed"])
    paths = {p["path"] for p in manifest["parts"]}
    assert f"attachments/{backed_up['key']}" in paths and any(p.startswith("database.") for p in paths)
    assert all(len(p["sha256"]) == 64 for p in manifest["parts"])


def test_restore_into_an_empty_database_finds_every_committed_row_and_file(backed_up):
    tmp, manifest = backed_up["tmp"], json.loads((backed_up["folder"] / "manifest.json").read_text())
    with scratch_database(tmp, "target") as url:
        target = _installation(url, tmp / "target-files")
        try:
            code, output = _restore(target, backed_up["folder"])
            assert code == 0 and "as in the manifest" in output, output
            with target.app_context():
                names = set(db.session.scalars(sa.select(Organization.name).where(Organization.name.like("Writer %"))))
                ids = set(db.session.scalars(sa.select(Organization.id).where(Organization.name.like("Writer %"))))
                assert set(backed_up["before"]) <= ids <= set(backed_up["committed"])  # before: all; after: none
                assert len(names) == len(ids)
                for table, rows in manifest["tables"].items():
                    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(table))) == rows, table
                version = db.session.scalars(sa.select(AttachmentVersion)).one()
                assert version.storage_key == backed_up["key"]
                with FolderStorage(tmp / "target-files").open(version.storage_key) as handle:
                    assert handle.read() == PDF
                assert audit_chain.verify().is_intact  # the audit trail's chain came across whole
                db.session.remove()
        finally:
            _close(target)


def test_a_database_that_holds_rows_is_refused(backed_up):
    source = backed_up["source"]
    with source.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Organization))
        db.session.remove()
    code, output = _restore(source, backed_up["folder"])
    assert code == 1 and "The database is not empty: activities (" in output, output
    with source.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == count
        db.session.remove()


def test_a_damaged_part_is_refused_before_anything_is_loaded(backed_up, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(backed_up["folder"], damaged)
    part = damaged / "attachments" / backed_up["key"]
    part.write_bytes(part.read_bytes()[:-1] + b"X")
    code, output = _restore(backed_up["source"], damaged)
    assert code == 1 and f"attachments/{backed_up['key']} does not match its SHA-256" in output, output


def test_counts_that_differ_from_the_manifest_are_reported(backed_up, tmp_path):
    edited = tmp_path / "edited"
    shutil.copytree(backed_up["folder"], edited)
    manifest = json.loads((edited / "manifest.json").read_text())
    manifest["tables"]["organizations"] += 1
    (edited / "manifest.json").write_text(json.dumps(manifest))
    with scratch_database(tmp_path, "bare") as url:
        target = _installation(url, tmp_path / "files", schema=False)  # not even tables: empty too
        try:
            code, output = _restore(target, edited)
            rows = manifest["tables"]["organizations"]
            assert code == 1 and f"organizations: {rows} rows in the manifest, {rows - 1} restored" in output, output
        finally:
            _close(target)


def test_a_pg_dump_older_than_the_server_is_refused_with_both_versions(app, tmp_path):
    from app.services.backups import postgres
    from app.services.core.errors import Refused
    with pytest.raises(Refused, match=r"pg_dump is version \d+, older than the server \(99\)"):
        postgres.dump(sa.engine.make_url("postgresql://nobody@127.0.0.1/none"), 99, "snap", tmp_path / "x.dump")
    assert not (tmp_path / "x.dump").exists()
