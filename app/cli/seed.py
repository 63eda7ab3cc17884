"""flask seed: load data."""
import click
from flask.cli import with_appcontext

from app.log import log_fields, logger
from models import db


@click.group()
def seed():
    """Load the reference record or synthetic data."""


@seed.command("reference")
@with_appcontext
def reference():
    """Load the record of report A/58/165 (idempotent: running it twice changes nothing)."""
    from app.seed.reference import ReferenceDataError, load_reference
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


@seed.command("synthetic")
@click.option("--requests", "requests", type=click.IntRange(min=1, max=5_000_000), required=True,
              help="How many requests; everything else is in proportion (N/4 activities, N/40 experts…).")
@click.option("--seed", "seed_value", type=int, default=1, show_default=True,
              help="The same seed gives the same data.")
@with_appcontext
def synthetic(requests, seed_value):
    """Add deterministic synthetic data at scale (for benchmarks), beside the reference record."""
    import time

    from app.seed.synthetic import generate, total_steps
    from app.services.core import planner_statistics
    from app.services.core.errors import Refused
    started = time.perf_counter()
    try:
        with click.progressbar(length=total_steps(requests), label=f"seed synthetic {requests:,}",
                               file=click.get_text_stream("stderr")) as bar:
            counts = generate(requests, seed_value, bar.update)
        planner_statistics.analyze()  # every table grew: plans from empty-table statistics took seconds
        db.session.commit()
    except Refused as exc:
        db.session.rollback()
        raise click.ClickException(" ".join(map(str, exc.errors.values()))) from None
    planner_statistics.vacuum_analyze()  # once committed: the pages marked all visible, as autovacuum would
    took = time.perf_counter() - started
    logger("cli").info("seed synthetic: %d requests, seed %d, %d rows in %.1f s", requests, seed_value,
                       sum(counts.values()), took,
                       extra=log_fields(command="seed synthetic", requests=requests, seed=seed_value))
    for table, added in sorted(counts.items()):
        click.echo(f"{table:<28} {added:>9,} added")
    click.echo(f"{sum(counts.values()):,} rows in {took:.1f} s")
