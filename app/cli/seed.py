"""flask seed: load data."""
import click
from flask.cli import with_appcontext

from models import db

from ..log import log_fields, logger


@click.group()
def seed():
    """Load the reference record or synthetic data."""


@seed.command("reference")
@with_appcontext
def reference():
    """Load the record of report A/58/165 (idempotent: running it twice changes nothing)."""
    from ..services.reference import ReferenceDataError, load_reference
    try:
        counts = load_reference()
    except ReferenceDataError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    added = sum(c[0] for c in counts.values())
    updated = sum(c[1] for c in counts.values())
    logger("cli").info("seed reference: %d records added, %d updated", added, updated,
                       extra=log_fields(command="seed reference", added=added, updated=updated))
    for table, (added, updated, unchanged) in counts.items():
        click.echo(f"{table:<28} {added:>5} added {updated:>5} updated {unchanged:>5} unchanged")
