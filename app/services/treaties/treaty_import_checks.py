"""The dates a UN Treaty Collection table may hold: none in the future or before the instrument was adopted, and
none after the day the person says the table is complete to (`--as-at`, the form's "record complete to")."""
from __future__ import annotations

import datetime

from app.formats import untc
from app.formatting import format_date
from models import Instrument


def check_dates(table: untc.Table, instrument: Instrument, today: datetime.date) -> list[untc.LineError]:
    """A date the depositary cannot have recorded: in the future, or before the instrument existed."""
    errors, early = [], 0
    adopted = instrument.adopted_date
    for row in table.rows:
        for column, day in (("Signature", row.signature), ("Deposit", row.deposit)):
            if day is None:
                continue
            if day > today:
                errors.append(untc.LineError(row.line, f"{column}: {format_date(day)} is in the future"))
            elif day < adopted:
                early += 1
                errors.append(untc.LineError(row.line, f"{column}: {format_date(day)} is before {instrument.code} "
                                                       f"was adopted ({format_date(adopted)})"))
    if early:
        errors.append(untc.LineError(0, f"{early:,} date(s) fall before {instrument.code} was adopted on "
                                        f"{format_date(adopted)}: is this the table of another instrument?"))
    return errors


def check_complete_to(table: untc.Table, complete_to: datetime.date,
                       today: datetime.date) -> list[untc.LineError]:
    """The stated "complete to" day: not in the future, and no action of the table after it."""
    if complete_to > today:
        return [untc.LineError(0, f"Record complete to: {format_date(complete_to)} is in the future")]
    errors = []
    for row in table.rows:
        for column, day in (("Signature", row.signature), ("Deposit", row.deposit)):
            if day is not None and day > complete_to:
                errors.append(untc.LineError(row.line, f'{column}: {format_date(day)} of "'
                                                       f'{untc.shorten(row.participant)}" is after the day the table '
                                                       f"is complete to ({format_date(complete_to)})"))
    return errors
