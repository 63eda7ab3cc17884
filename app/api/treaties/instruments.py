"""GET /api/v1/instruments and /api/v1/instruments/<code>/parties (CONTRACT.md), computed as at any date.

The figures come from every recorded action (they are facts of the treaty, the same for every caller), or with
`source=annex` from the annex of A/58/165 alone; each instrument says up to which day its figures are complete.
Donor scoping decides which instruments a donor may ask about and which States its party lists show.
"""
from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.common import AS_OF, SOURCE, ApiError, as_of_param, documented, source_param
from app.formatting import format_date, iso
from app.page_cache import cached_page
from app.permissions import Permission, permission_required
from app.scoping import for_user
from app.services.treaties import treaty_record
from app.services.treaties.treaty_reports import visible_parties

_INSTRUMENT = {"type": "object", "properties": {
    "code": {"type": "string"}, "name": {"type": "string"}, "signatories": {"type": "integer"},
    "parties": {"type": "integer", "description": "Including regional economic integration organizations."},
    "parties_counted": {"type": "integer", "description": "Counted toward the threshold (without them)."},
    "fortieth_deposit": {"type": "object", "nullable": True, "properties": {
        "participant": {"type": "string", "description": "When several counted deposits share the day (`tied`), one "
                                                         "of them by alphabetical order of code: the depositary's "
                                                         "table does not say which came 40th."},
        "date": {"type": "string", "format": "date"},
        "tied": {"type": "boolean", "description": "Whether other counted deposits were made the same day, so that "
                                                   "the sources do not say which was the 40th."},
        "same_day": {"type": "array", "items": {"type": "string"},
                     "description": "Every counted deposit made that day (participant codes, alphabetical), "
                                    "`participant` included."},
        "positions": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2,
                      "description": "The first and last places in the count the same-day deposits occupy "
                                     "(TIP: [38, 41])."}},
        "required": ["participant", "date", "tied", "same_day", "positions"]},
    "entry_into_force": {"type": "string", "format": "date", "nullable": True},
    "record_complete_to": {"type": "string", "format": "date", "nullable": True,
                           "description": "The day up to which these figures are complete: the day the last "
                                          "depositary table was taken (or the annex's date with source=annex). "
                                          "Deposits after it are not recorded."}}}
_PARTY = {"type": "object", "properties": {
    "participant": {"type": "string", "description": "The State's code (ISO 3166-1 alpha-3; EUU)."},
    "name": {"type": "string", "description": "The name in force on as_of."},
    "action": {"type": "string", "enum": ["ratification", "acceptance", "approval", "accession", "succession"]},
    "date": {"type": "string", "format": "date"},
    "in_force_date": {"type": "string", "format": "date", "nullable": True}}}


def _instrument_json(instrument, status, source=None) -> dict:
    threshold = status.threshold_deposit
    return {
        "code": instrument.code,
        "name": instrument.title,
        "signatories": len(status.signatories),
        "parties": len(status.parties),
        "parties_counted": status.parties_counted,
        "fortieth_deposit": {"participant": threshold.participant, "date": threshold.date.isoformat(),
                             "tied": status.threshold_is_tied,
                             "same_day": [t.participant for t in status.threshold_ties],
                             "positions": list(status.threshold_tie_positions)}
        if threshold else None,
        "entry_into_force": iso(status.entry_into_force),
        "record_complete_to": iso(treaty_record.complete_to(instrument, source)),
    }


#: Beside `as_of` in both envelopes: up to when the figures really count (issue 24: "today" on a record that ends
#: earlier), and the sentence saying so.
_CURRENCY = {
    "counted_to": {"type": "string", "format": "date",
                   "description": "The last day the figures count deposits for: as_of, or the earliest day the record "
                                  "(or the source asked for) is complete to when that is earlier."},
    "note": {"type": "string", "nullable": True,
             "description": "Set when counted_to is before as_of: later deposits are not recorded."}}


def currency(instruments, as_of, source) -> dict:
    """`counted_to` and `note` for the figures of `instruments` asked as at `as_of` from `source`."""
    days = sorted({d for d in (treaty_record.complete_to(i, source) for i in instruments) if d is not None})
    counted_to = min([as_of, *days[:1]])
    if counted_to >= as_of:
        return {"counted_to": as_of.isoformat(), "note": None}
    holder = str(source.title) if source else _("the record")
    return {"counted_to": counted_to.isoformat(),
            "note": _("%(holder)s holds deposits up to %(day)s: deposits after that day are not recorded, so figures "
                      "as at %(as_of)s may be too low.", holder=holder[:1].upper() + holder[1:],
                      day=format_date(counted_to), as_of=format_date(as_of))}


@bp.get("/instruments")
@permission_required(Permission.VIEW_TREATIES)
@documented("The Convention and its Protocols with their status as at a date.", [AS_OF, SOURCE],
            {"type": "object", "required": ["as_of", "source", "items", "counted_to", "note"],
             "properties": {"as_of": {"type": "string", "format": "date"},
                            "source": {"type": "string", "enum": ["record", "annex"]},
                            "items": {"type": "array", "items": _INSTRUMENT}, **_CURRENCY}})
@cached_page
def instruments():
    """The instruments with signatories, parties, the 40th deposit and entry into force as at `as_of`."""
    as_of, source = as_of_param(), source_param()
    listed = treaty_record.visible_instruments(for_user(current_user))
    statuses = treaty_record.statuses(listed, as_of, source)
    return jsonify({"as_of": as_of.isoformat(), "source": source.key if source else "record",
                    **currency(listed, as_of, source),
                    "items": [_instrument_json(i, statuses[i.code], source) for i in listed]})


@bp.get("/instruments/<code>/parties")
@permission_required(Permission.VIEW_TREATIES)
@documented("Every party to one instrument as at a date, ordered by date (the whole list, not paginated).",
            [AS_OF, SOURCE], {"type": "object", "properties": {
                "code": {"type": "string", "description": "The instrument's code."},
                "as_of": {"type": "string", "format": "date", "description": "The day the list is as at."},
                "source": {"type": "string", "enum": ["record", "annex"]},
                "record_complete_to": {"type": "string", "format": "date", "nullable": True,
                                       "description": "The day up to which the list is complete (see /instruments)."},
                "total": {"type": "integer", "description": "How many parties the list holds."},
                "items": {"type": "array", "items": _PARTY}, **_CURRENCY}})
@cached_page
def instrument_parties(code):
    """The parties of one instrument as at `as_of`, with the date the instrument is in force for each."""
    as_of, source = as_of_param(), source_param()
    scope = for_user(current_user)
    instrument = treaty_record.get_instrument(code, scope)
    if instrument is None:
        raise ApiError(404, _("No instrument %(code)s.", code=repr(code[:20])), code="not_found")
    rows = visible_parties(treaty_record.instrument_status(instrument, as_of, source), as_of, scope)
    return jsonify({"code": instrument.code, "as_of": as_of.isoformat(), "source": source.key if source else "record",
                    **currency([instrument], as_of, source),
                    "record_complete_to": iso(treaty_record.complete_to(instrument, source)), "total": len(rows),
                    "items": [{"participant": r["participant"], "name": r["name"], "action": r["action"],
                               "date": r["date"].isoformat(), "in_force_date": iso(r["in_force_date"])}
                              for r in rows]})
