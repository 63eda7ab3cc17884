"""GET /api/v1/states/<code>/timeline: what a State received on an instrument and what it did next, in date order
(app.services.outcomes.outcome_timeline), scoped like the State page, paginated like every list of the API."""
from datetime import date

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.common import ApiError, documented, page_schema, validated_args
from app.formatting import iso
from app.listing import Paging
from app.permissions import Permission, permission_required
from app.scoping import EVERYTHING, for_user
from app.services.outcomes import outcome_timeline
from app.services.registry import states as state_service
from app.services.treaties import treaty_record
from forms.outcomes import TimelineForm

_EVENT = {"type": "object", "required": ["date", "kind", "instruments", "title", "planned"], "properties": {
    "date": {"type": "string", "format": "date", "nullable": True,
             "description": "Empty where the record gives no date (such events come last)."},
    "kind": {"type": "string", "enum": list(outcome_timeline.EVENT_ORDER)},
    "instruments": {"type": "array", "items": {"type": "string"}},
    "title": {"type": "string"}, "detail": {"type": "string", "nullable": True},
    "inferred": {"type": "boolean", "description": "A contribution's line: the record infers (A/58/165 paras "
                                                   "16-17 name a project's donors) that this money paid for the "
                                                   "activity; the source does not say so."},
    "contributions": {"type": "array", "items": {"type": "integer"},
                      "description": "A contribution's line: every contribution it stands for (several when they "
                                     "have no date of their own and take the same activity's date)."},
    "record": {"type": "object", "nullable": True, "properties": {
        "type": {"type": "string"}, "id": {"type": "integer"}}},
    "date_note": {"type": "string", "nullable": True,
                  "description": "Where the date is not the event's own: what it is (the activity's date)."},
    "planned": {"type": "boolean",
                "description": "Dated after today: work planned, not done (shown when the timeline is asked as at "
                               "today or later)."}}}
_PAGE = page_schema(_EVENT)
_TIMELINE = {"type": "object", "required": _PAGE["required"], "properties": {
    **_PAGE["properties"],
    "state": {"type": "string"}, "name": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
    "instrument": {"type": "string", "nullable": True},
    "record_complete_to": {"type": "object", "additionalProperties": {"type": "string", "format": "date",
                                                                      "nullable": True},
                           "description": "Per instrument, the day up to which its treaty actions are recorded."}}}


def event_json(event: outcome_timeline.Event) -> dict:
    return {"date": iso(event.day), "kind": event.kind, "instruments": list(event.instruments),
            "title": event.title, "detail": event.detail,
            "inferred": getattr(event, "inferred", False),
            "contributions": list(getattr(event, "contributions", ())),
            "record": {"type": event.record[0], "id": event.record[1]} if event.record else None,
            "date_note": event.date_note, "planned": event.planned}


@bp.get("/states/<code>/timeline")
@permission_required(Permission.VIEW_TREATIES)
@documented("One State's outcome timeline: requests, activities, experts, findings, contributions and treaty "
            "actions in date order, undated ones last, page by page (a donor: its funded activities and "
            "contributions, and the treaty actions).",
            args=TimelineForm, response=_TIMELINE)
def state_timeline(code):
    """One page of a State's timeline on one instrument (or all), as at `as_of`."""
    form = validated_args(TimelineForm)
    scope = for_user(current_user)
    state = state_service.get(scope, code)
    if state is None:
        raise ApiError(404, _("No State %(code)s that you may see.", code=repr(code[:20])), code="not_found")
    # The instruments are reference data, the same for everyone; what the timeline shows is narrowed by the scope.
    instrument = treaty_record.get_instrument(form.instrument.data, EVERYTHING) if form.instrument.data else None
    as_of = form.as_of.data or date.today()
    page = outcome_timeline.timeline(scope, state, as_of, instrument, Paging(
        page=form.page.data or 1, per_page=form.per_page.data or form.DEFAULT_PER_PAGE))  # date order: no sort
    shown = [instrument] if instrument else treaty_record.visible_instruments(EVERYTHING)
    return jsonify({"state": state.code, "name": state.name_on(as_of), "as_of": as_of.isoformat(),
                    "instrument": instrument.code if instrument else None,
                    "record_complete_to": {i.code: iso(i.record_complete_to) for i in shown},
                    **page.envelope(event_json)})
