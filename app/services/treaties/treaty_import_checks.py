"""The dates a UN Treaty Collection table may hold: none in the future or before the instrument was adopted, and
none after the day the person says the table is complete to (`--as-at`, the form's "record complete to")."""
from __future__ import annotations

import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from app.formats import untc
from app.formatting import format_date, format_number
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
                errors.append(untc.LineError(row.line, _("%(column)s: %(day)s is in the future", column=column,
                                                         day=format_date(day))))
            elif day < adopted:
                early += 1
                errors.append(untc.LineError(row.line, _("%(column)s: %(day)s is before %(code)s was adopted "
                                                         "(%(adopted)s)", column=column, day=format_date(day),
                                                         code=instrument.code, adopted=format_date(adopted))))
    if early:
        errors.append(untc.LineError(0, ngettext(
            "%(count)s date falls before %(code)s was adopted on %(adopted)s: is this the table of another instrument?",
            "%(count)s dates fall before %(code)s was adopted on %(adopted)s: is this the table of another "
            "instrument?", early, count=format_number(early), code=instrument.code, adopted=format_date(adopted))))
    return errors


def check_complete_to(table: untc.Table, complete_to: datetime.date,
                       today: datetime.date) -> list[untc.LineError]:
    """The stated "complete to" day: not in the future, and no action of the table after it."""
    if complete_to > today:
        return [untc.LineError(0, _("Record complete to: %(day)s is in the future", day=format_date(complete_to)))]
    errors = []
    for row in table.rows:
        for column, day in (("Signature", row.signature), ("Deposit", row.deposit)):
            if day is not None and day > complete_to:
                errors.append(untc.LineError(row.line, _('%(column)s: %(day)s of "%(name)s" is after the day the '
                                                         'table is complete to (%(complete_to)s)', column=column,
                                                         day=format_date(day), name=untc.shorten(row.participant),
                                                         complete_to=format_date(complete_to))))
    return errors
