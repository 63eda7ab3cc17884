"""flask outcomes: the figures the outcomes page reads, kept up to date by the writes."""
import time

import click
from flask.cli import with_appcontext

from app.log import log_fields, logger
from models import db


@click.group()
def outcomes():
    """The outcome figures kept up to date by the writes (issue 26)."""


@outcomes.command("rebuild")
@with_appcontext
def rebuild():
    """Make the kept outcome figures again from the record (idempotent): after restoring or upgrading a database,
    or writing the record outside the application's services."""
    from app.services.activities import period_months
    from app.services.treaties import outcome_facts
    started = time.perf_counter()
    counts = outcome_facts.rebuild()
    counts["period_months"] = period_months.rebuild()  # the period report's kept figures, made the same way
    db.session.commit()
    took = time.perf_counter() - started
    logger("cli").info("outcomes rebuild: %s in %.1f s", counts, took,
                       extra=log_fields(command="outcomes rebuild", **counts))
    for table, rows in counts.items():
        click.echo(f"{table:<20} {rows:>9,} rows")
    click.echo(f"rebuilt in {took:.1f} s")
