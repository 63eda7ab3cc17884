"""flask notifications | mail: the digests, the overdue reminders and the mail retries, as commands a scheduler
(the job queue's, or cron) runs. Each may run twice with no harm: a digest is sent once per person and period, a
reminder once per record and due date, a message once."""
from datetime import date

import click
from flask.cli import AppGroup

from models import db

notifications = AppGroup("notifications", help="Send the notification digests and the overdue reminders.")
mail = AppGroup("mail", help="Deliver the outbox's messages whose next attempt is due.")


def _day(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("give the day as YYYY-MM-DD", param_hint="--day") from None


@notifications.command("digest")
@click.option("--period", type=click.Choice(["daily", "weekly"]), required=True, help="Which digest to send.")
@click.option("--day", help="The day the period ends (YYYY-MM-DD); today by default.")
def digest(period: str, day: str | None):
    """Send each person the digest of the period (once: running it again sends nothing more)."""
    from app.services.mail import outbox
    from app.services.notifications import digests
    sent = digests.send_digests(period, _day(day))
    db.session.commit()
    outbox.dispatch_committed()
    click.echo(f"{sent} {period} digest{'s' if sent != 1 else ''} sent.")


@notifications.command("remind-overdue")
@click.option("--day", help="Today, as YYYY-MM-DD (by default, today).")
def remind_overdue(day: str | None):
    """Tell the officers of overdue requests and the owners of overdue follow-up actions (once per due date)."""
    from app.services.mail import outbox
    from app.services.notifications import digests
    told = digests.remind_overdue(_day(day))
    db.session.commit()
    outbox.dispatch_committed()
    click.echo(f"{told} reminder{'s' if told != 1 else ''} raised.")


@mail.command("deliver-due")
def deliver_due():
    """Try again every queued message whose next attempt is due."""
    from app.services.mail import outbox
    count = outbox.deliver_due()
    click.echo(f"{count} message{'s' if count != 1 else ''} tried; {outbox.counts()}")
