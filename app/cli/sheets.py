"""flask requests import / flask activities import: a spreadsheet (CSV or XLSX) of requests or activities, checked
row by row as the browser's import checks it, and written all or nothing."""
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.log import log_fields, logger
from models import User, db


def _command(kind: str):
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--as", "email", required=True, help="The account the records are logged by (an e-mail).")
    @click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
    @with_appcontext
    def command(file, email, dry_run):
        from app.scoping import EVERYTHING
        from app.services.sheets import sheet_uploads
        actor = db.session.scalars(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower())).first()
        if actor is None:
            raise click.ClickException(f"No account {email}.")
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        if limit and file.stat().st_size > limit:  # the browser's limit: never read more than an upload may bring
            click.echo(f"{file.name}: refused: the file weighs {file.stat().st_size:,} bytes, more than the "
                       f"{limit:,} an upload may (MAX_CONTENT_LENGTH): split it into several files.", err=True)
            raise SystemExit(1)
        try:
            report = sheet_uploads.import_file(kind, file.read_bytes(), file.name, EVERYTHING, actor, dry_run=dry_run)
        except sheet_uploads.ImportRefused as exc:
            db.session.rollback()
            click.echo(f"{file.name}: refused: {exc}", err=True)
            raise SystemExit(1) from None
        if not report.ok:
            db.session.rollback()
            for error in report.errors:
                click.echo(f"{file.name}: row {error.row}, {error.column or 'the row'}: {error.message}", err=True)
            if report.more_errors:
                click.echo(f"{file.name}: … and {report.more_errors:,} more problem(s)", err=True)
            click.echo(f"{file.name}: refused, {len(report.bad_rows):,} of {report.rows:,} row(s) with problems; "
                       "nothing was imported", err=True)
            raise SystemExit(1)
        if report.unknown_columns:
            click.echo(f"columns not imported: {', '.join(report.unknown_columns)}")
        if dry_run:
            db.session.rollback()
            click.echo(f"{file.name}: {len(report.checked):,} {kind} would be imported (dry run: nothing written)")
            return
        db.session.commit()
        click.echo(f"{file.name}: {len(report.written):,} {kind} imported")
        logger("cli").info("%s import %s: %d rows", kind, file.name, len(report.written),
                           extra=log_fields(command=f"{kind} import", file=file.name, rows=len(report.written)))
    command.__doc__ = (f"Import {kind} from a spreadsheet (CSV or XLSX), all rows or none: a bad cell is printed "
                       "with its row and column, nothing is written, the exit status is 1.")
    return command


@click.group("requests")
def requests_group():
    """Requests for assistance."""


@click.group("activities")
def activities_group():
    """Activities."""


requests_group.command("import")(_command("requests"))
activities_group.command("import")(_command("activities"))
