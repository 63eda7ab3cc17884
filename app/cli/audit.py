"""flask audit: checks of the audit trail from the command line."""
import click
from flask.cli import AppGroup

from app.log import log_fields, logger
from models import db

audit = AppGroup("audit", help="Check the audit trail.")


@audit.command("verify")
def verify():
    """Walk the audit trail's hash chain; name the first entry altered, removed or inserted out of order.

    Exit status 1 when the chain is broken. Each run is recorded; the admin audit page shows the latest."""
    from app.services.core import audit_chain
    verdict = audit_chain.verify()
    db.session.rollback()  # the snapshot read ends; the record of the run is a transaction of its own
    audit_chain.record_verification(verdict)
    db.session.commit()
    logger("cli").info("audit verify: %s", verdict.problem or "intact",
                       extra=log_fields(command="audit verify", entries=verdict.entries, entry_id=verdict.entry_id))
    if verdict.is_intact:
        click.echo(f"Audit trail intact: {verdict.entries} entries checked; newest hash {verdict.last_hash}.")
        return
    click.echo(f"Audit trail broken: {verdict.problem}.", err=True)
    if verdict.entry_id is not None:
        click.echo(f"First wrong entry: #{verdict.entry_id}.", err=True)
    raise SystemExit(1)
