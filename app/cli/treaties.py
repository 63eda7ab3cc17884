"""flask treaties: import UN Treaty Collection tables, list where the sources disagree, time the import."""
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.log import log_fields, logger
from models import db

INSTRUMENTS = click.Choice(["UNTOC", "TIP", "SOM", "FIREARMS"], case_sensitive=False)
#: The real depositary tables shipped beside the project (CONTRACT.md), used by `bench-import`.
REAL_TABLES = {"UNTOC": "XVIII-12-UNTOC.csv", "TIP": "XVIII-12-a-TIP.csv",
               "SOM": "XVIII-12-b-SOM.csv", "FIREARMS": "XVIII-12-c-FIREARMS.csv"}


@click.group()
def treaties():
    """Treaty actions: import depositary tables, reconcile sources."""


def _print_report(report, verbose: bool) -> None:
    click.echo(report.summary())
    if report.mass_removal and report.dry_run:
        click.echo(f"note: this would remove {len(report.removed):,} of the {report.existing:,} actions of "
                   f"{report.instrument} on record; the import itself needs --allow-mass-removal")
    for title, entries in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
        if entries and (verbose or title != "added"):
            click.echo(f"{title}:")
            for entry in entries:
                click.echo(f"  {entry}")
    if report.warnings:
        click.echo("warnings:")
        for warning in report.warnings:
            click.echo(f"  {warning}")


@treaties.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--instrument", required=True, type=INSTRUMENTS, help="Which instrument the table is for.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--verbose", "-v", is_flag=True, help="Also list every added action.")
@click.option("--allow-mass-removal", is_flag=True,
              help="Confirm an import that removes more than half of the instrument's actions on record.")
@click.option("--as-at", "as_at", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day the table was taken from the UN Treaty Collection (YYYY-MM-DD): the record then holds "
                   "deposits up to that day. No default: without it the record's date stays where it is (an import "
                   "never moves it by itself; CONTRACT.md keeps the command valid without the option).")
@with_appcontext
def import_(file, instrument, dry_run, verbose, allow_mass_removal, as_at):
    """Import a UN Treaty Collection participant table (CSV) for one instrument.

    A malformed file is refused whole: its bad lines are printed (the first 100, then how many more), nothing is
    written, the exit status is 1. So is a table with no rows, with dates in the future, after --as-at (when given)
    or before the instrument was adopted, or one that would remove most of the record without --allow-mass-removal.
    Imports of one instrument run one at a time; one that waits too long for another is refused likewise.
    """
    from app.services.treaties.treaty_import import ImportRefused, import_file
    try:
        report = import_file(file, instrument.upper(), dry_run=dry_run, allow_mass_removal=allow_mass_removal,
                             complete_to=as_at.date() if as_at else None)
    except ImportRefused as exc:
        db.session.rollback()
        for line in exc.lines():
            click.echo(f"{file.name}: {line}", err=True)
        click.echo(f"{file.name}: refused, {exc.total:,} problem(s); nothing was imported", err=True)
        logger("cli").warning("treaties import %s as %s refused: %d problem(s)", file.name, instrument.upper(),
                              exc.total, extra=log_fields(command="treaties import", file=file.name,
                                                          problems=exc.total))
        raise SystemExit(1)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    logger("cli").info("treaties import %s: %s", file.name, report.summary(),
                       extra=log_fields(command="treaties import", file=file.name, **report.counts()))
    _print_report(report, verbose)


@treaties.command("reconcile")
@click.option("--instrument", type=INSTRUMENTS, help="Only this instrument.")
@with_appcontext
def reconcile(instrument):
    """List every action on which the sources disagree, with each source's kind and date."""
    from app.scoping import EVERYTHING
    from app.services.treaties.reconciliation import differences
    diffs = differences(EVERYTHING, instrument_code=instrument)
    for d in diffs:
        said = "; ".join(f"{source}: {c.kind} {c.date.isoformat()}" if c else f"{source}: none"
                         for source, c in d.claims.items())
        click.echo(f"{d.instrument}\t{d.participant}\t{d.name}\t{d.category}\t{'/'.join(d.kinds)}\t{said}")
    click.echo(f"{len(diffs)} difference(s)")


@treaties.command("bench-import")
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=Path(__file__).resolve().parents[1] / "data" / "reference" / "untc", show_default=True,
              help="Folder holding the four real tables.")
@with_appcontext
def bench_import(data):
    """Time the import of the four real tables (then a re-import); rolls everything back."""
    import csv
    from datetime import date

    from app.seed.reference import DATA
    from app.services.treaties.treaty_import import import_file
    with open(DATA / "untc_tables.csv", encoding="utf-8") as handle:  # the day each shipped table was taken
        days = {row["instrument"]: date.fromisoformat(row["retrieved"]) for row in csv.DictReader(handle)}
    try:
        for attempt in ("first import", "re-import"):
            start = time.perf_counter()
            reports = [import_file(data / name, code, complete_to=days[code]) for code, name in REAL_TABLES.items()]
            elapsed = time.perf_counter() - start
            click.echo(f"{attempt}: four tables in {elapsed:.3f} s (parse, resolve, write, flush)")
            for report in reports:
                click.echo(f"  {report.summary()}")
    finally:
        db.session.rollback()


@treaties.command("backtest")
@click.option("--instrument", type=INSTRUMENTS, help="Only this instrument (default: all four).")
@with_appcontext
def backtest(instrument):
    """Replay the entry-into-force forecast on the real record every 30 days from each instrument's 5th counted
    deposit to its 40th, from what was known on each date only, and print each forecast (model chosen, date, 50% and
    80% intervals, real date, error in days, whether each interval held), then the errors and coverage per model."""
    from app.rules import diffusion
    from app.rules import forecast_backtest as backtesting
    from app.services.treaties import forecast_store
    result, complete_to = forecast_store.backtest()
    wanted = [i for i in result.instruments if not instrument or i.code == instrument.upper()]

    def summary(f) -> str:
        if not f.count:
            return "no forecast"
        return (f"{f.count} forecasts, mean absolute error {f.mean_absolute_error:,.1f} days, median "
                f"{f.median_absolute_error:,.0f} days, intervals held 50%: {_share(f.coverage[50])}, "
                f"80%: {_share(f.coverage[80])}")
    click.echo(f"backtest on the record complete to {complete_to.isoformat()}, every 30 days from the 5th deposit")
    for b in wanted:
        if not b.rows:
            click.echo(f"{b.code}: not in force on the record, nothing to backtest")
            continue
        click.echo(f"{b.code}: 40th deposit {b.threshold_date.isoformat()}, entry into force {b.real_eif.isoformat()}")
        click.echo("  as_of       counted model                 projected   50% low     50% high    80% low     "
                   "80% high    error  held")
        for r in b.rows:
            p = r.projection
            spans = " ".join(f"{_iso(i.low):11s} {_iso(i.high):11s}" for i in p.intervals)
            held = "/".join({True: "yes", False: "no", None: "-"}[r.holds(level)] for level in (50, 80))
            error = r.error()
            click.echo(f"  {r.as_of.isoformat()}  {p.counted:7d} {p.model or '-':21s} {_iso(p.projected_eif):11s} "
                       f"{spans} {'-' if error is None else f'{error:+d}':>6s}  {held}")
        for key in result.keys:
            click.echo(f"  {b.code} {key}: {summary(b.figures(key))}")
    for key in result.keys:
        label = "chosen at each date" if key == backtesting.CHOSEN else diffusion.label(key)
        click.echo(f"all, {label}: {summary(result.figures(key))}")
    click.echo(f"all: {summary(result.figures())}")


def _share(value) -> str:
    return "-" if value is None else f"{value:.0%}"


def _iso(day) -> str:
    return day.isoformat() if day else "-"
