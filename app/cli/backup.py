"""flask backup: a consistent snapshot of the database and the attachments, and its restore (README: Backups)."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.log import log_fields, logger

backup = AppGroup("backup", help="Back up the database and the attachments; restore a backup.")


@backup.command("create")
@click.option("--to", "to", type=click.Path(file_okay=False, path_type=Path),
              help="The folder that receives the backup (default: BACKUP_FOLDER, instance/backups).")
def create(to: Path | None):
    """Write one consistent snapshot of the database and the attachment files, with a manifest (manifest.json:
    engine, migration, rows per table, SHA-256 of each part), into a new folder palermo-<time>. Writes may go on."""
    from app.services.backups import snapshot
    from app.services.core.errors import Refused
    try:
        folder, manifest = snapshot.create(to or Path(current_app.config["BACKUP_FOLDER"]))
    except Refused as exc:
        raise click.ClickException(exc.message) from None
    rows = sum(manifest["tables"].values())
    logger("cli").info("backup create: %s", folder, extra=log_fields(command="backup create", folder=str(folder),
                                                                     rows=rows, parts=len(manifest["parts"])))
    click.echo(f"Backup written: {folder}")
    click.echo(f"{manifest['engine']}, migration {manifest['alembic_revision'] or '(none)'}, "
               f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['parts']) - 1} attachment files.")


@backup.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore(folder: Path):
    """Load a backup into this EMPTY installation (a non-empty database is refused): check every part's SHA-256
    against the manifest, load, then count every table against the manifest. Exit status 1 on any difference."""
    from app.services.backups import restore as restoring
    from app.services.core.errors import Refused
    try:
        report = restoring.restore(folder)
    except Refused as exc:
        raise click.ClickException(exc.message) from None
    logger("cli").info("backup restore: %s", folder, extra=log_fields(
        command="backup restore", folder=str(folder), mismatches=len(report.mismatches)))
    click.echo(f"Checked {report.parts} part(s) against their SHA-256: all match.")
    click.echo(f"Restored {len(report.tables)} tables, {sum(report.tables.values())} rows, {report.files} "
               "attachment files.")
    if report.is_whole:
        click.echo("Rows per table: as in the manifest.")
        return
    for name, (expected, found) in report.mismatches.items():
        click.echo(f"{name}: {expected} rows in the manifest, {found} restored", err=True)
    raise SystemExit(1)
