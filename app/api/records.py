"""The case-record lists of the API: requests, missions (every assistance activity), experts, contributions.

Every query starts from the scoping conditions of app.scoping, so a donor's API answers can only hold what its
own contributions fund; a record outside the caller's scope is a 404, exactly like one that does not exist.
"""
import sqlalchemy as sa
from flask import jsonify, request
from flask_login import current_user

from models import (Activity, ActivityState, ActivityVisit, AssistanceRequest, Contribution, Expert, Instrument,
                    MemberState, Organization, db)
from models.enums import ActivityKind, ActivityStatus, ContributionStatus, ExpertKind, RequestStatus

from .. import scoping
from ..permissions import Permission, has_permission, permission_required
from . import bp
from .common import ApiError, documented, paginate, param, query_date

PAGING = [param("page", "Page number, from 1", "integer"), param("per_page", "Items per page (max 500)", "integer"),
          param("sort", "Field to sort by; prefix with - for descending")]


def _choice(name: str, enum_cls) -> str | None:
    value = request.args.get(name)
    if value and value not in {m.value for m in enum_cls}:
        raise ApiError(400, f"{name} must be one of {', '.join(m.value for m in enum_cls)}.",
                       {name: "Unknown value."})
    return value or None


def _sorted(select, columns: dict, default: str):
    """Apply ?sort=field or ?sort=-field from the allowed `columns`; id breaks ties so pages are stable."""
    raw = request.args.get("sort") or default
    name = raw.lstrip("-")
    if name not in columns:
        raise ApiError(400, f"sort must be one of {', '.join(sorted(columns))} (prefix - for descending).",
                       {"sort": "Unknown field."})
    column = columns[name]
    return select.order_by(column.desc() if raw.startswith("-") else column.asc(), columns["id"].asc())


def _get_or_404(select):
    found = db.session.scalar(select)
    if found is None:
        raise ApiError(404, "There is no such record, or you may not see it.")
    return found


def _state_code_filter(select, column):
    code = request.args.get("state")
    if code:
        select = select.where(column.in_(sa.select(MemberState.id).where(MemberState.code == code.upper())))
    return select


# ---------------------------------------------------------------- requests
def _request_json(r: AssistanceRequest) -> dict:
    return {"id": r.id, "state": r.state.code, "state_name": r.state.name, "kind": r.kind, "subject": r.subject,
            "status": r.status, "priority": r.priority, "received_date": _iso(r.received_date),
            "due_date": _iso(r.due_date), "channel": r.channel, "requesting_authority": r.requesting_authority,
            "instruments": [i.code for i in r.instruments], "decision": r.decision,
            "decision_reason": r.decision_reason, "assigned_officer": r.assigned_officer.email
            if r.assigned_officer else None, "activities": [a.id for a in r.activities], "source": r.source}


@bp.get("/requests")
@permission_required(Permission.VIEW_REQUESTS)
@documented("Requests for assistance, filterable by status, state, instrument and received dates.",
            PAGING + [param("status", "pending, under_review, approved, …"), param("state", "State code"),
                      param("instrument", "UNTOC, TIP, SOM or FIREARMS"),
                      param("received_from", "YYYY-MM-DD", fmt="date"), param("received_to", "YYYY-MM-DD", fmt="date"),
                      param("q", "Text in the subject")])
def requests_list():
    select = sa.select(AssistanceRequest)
    status = _choice("status", RequestStatus)
    if status:
        select = select.where(AssistanceRequest.status == status)
    select = _state_code_filter(select, AssistanceRequest.state_id)
    if request.args.get("instrument"):
        select = select.where(AssistanceRequest.instruments.any(Instrument.code == request.args["instrument"]))
    start, end = query_date("received_from"), query_date("received_to")
    if start:
        select = select.where(AssistanceRequest.received_date >= start)
    if end:
        select = select.where(AssistanceRequest.received_date <= end)
    if request.args.get("q"):
        select = select.where(AssistanceRequest.subject.ilike(f"%{request.args['q']}%"))
    select = _sorted(select, {"id": AssistanceRequest.id, "received_date": AssistanceRequest.received_date,
                              "status": AssistanceRequest.status, "priority": AssistanceRequest.priority,
                              "due_date": AssistanceRequest.due_date}, "id")
    return jsonify(paginate(select, _request_json))


@bp.get("/requests/<int:record_id>")
@permission_required(Permission.VIEW_REQUESTS)
@documented("One request.")
def requests_item(record_id: int):
    return jsonify(_request_json(_get_or_404(sa.select(AssistanceRequest).where(AssistanceRequest.id == record_id))))


# ---------------------------------------------------------------- missions (assistance activities)
def _mission_json(a: Activity) -> dict:
    return {"id": a.id, "kind": a.kind, "status": a.status, "title": a.title, "source": a.source,
            "start_date": _iso(a.start_date), "end_date": _iso(a.end_date),
            "visits": [{"city": v.city, "country": v.country.code, "start_date": v.start_date.isoformat(),
                        "end_date": v.end_date.isoformat(), "date_precision": v.date_precision} for v in a.visits],
            "states": [{"code": s.state.code, "role": s.role} for s in a.states],
            "instruments": [i.code for i in a.instruments],
            "other_instruments": [o.name for o in a.other_instruments],
            "partners": [{"organization": p.organization.name, "role": p.role} for p in a.partners],
            "experts": [{"id": d.expert_id, "name": d.expert.name, "role": d.role} for d in a.deployments],
            "outcome": a.outcome}


@bp.get("/missions")
@permission_required(Permission.VIEW_ACTIVITIES)
@documented("Assistance activities (missions, seminars, workshops, meetings, analyses) the caller may see.",
            PAGING + [param("kind", "mission, workshop, regional_meeting, …"), param("status", "planned, completed, …"),
                      param("state", "State code served, taking part or visited"),
                      param("instrument", "UNTOC, TIP, SOM or FIREARMS"),
                      param("from", "Visits ending on or after YYYY-MM-DD", fmt="date"),
                      param("to", "Visits starting on or before YYYY-MM-DD", fmt="date"), param("q", "Text in the title")])
def missions_list():
    select = sa.select(Activity).where(scoping.activity_condition(current_user))
    kind, status = _choice("kind", ActivityKind), _choice("status", ActivityStatus)
    if kind:
        select = select.where(Activity.kind == kind)
    if status:
        select = select.where(Activity.status == status)
    code = request.args.get("state")
    if code:
        state_ids = sa.select(MemberState.id).where(MemberState.code == code.upper())
        select = select.where(sa.or_(Activity.states.any(ActivityState.state_id.in_(state_ids)),
                                     Activity.visits.any(ActivityVisit.country_id.in_(state_ids))))
    if request.args.get("instrument"):
        select = select.where(Activity.instruments.any(Instrument.code == request.args["instrument"]))
    start, end = query_date("from"), query_date("to")
    if start:
        select = select.where(Activity.visits.any(ActivityVisit.end_date >= start))
    if end:
        select = select.where(Activity.visits.any(ActivityVisit.start_date <= end))
    if request.args.get("q"):
        select = select.where(Activity.title.ilike(f"%{request.args['q']}%"))
    first_visit = (sa.select(sa.func.min(ActivityVisit.start_date)).where(ActivityVisit.activity_id == Activity.id)
                   .scalar_subquery())
    select = _sorted(select, {"id": Activity.id, "start_date": first_visit, "title": Activity.title,
                              "kind": Activity.kind}, "start_date")
    return jsonify(paginate(select, _mission_json))


@bp.get("/missions/<int:record_id>")
@permission_required(Permission.VIEW_ACTIVITIES)
@documented("One assistance activity.")
def missions_item(record_id: int):
    return jsonify(_mission_json(_get_or_404(
        sa.select(Activity).where(Activity.id == record_id, scoping.activity_condition(current_user)))))


# ---------------------------------------------------------------- experts
def _expert_json(e: Expert) -> dict:
    data = {"id": e.id, "name": e.name, "kind": e.kind,
            "affiliation": e.affiliation.name if e.affiliation else None,
            "nationality": e.nationality.code if e.nationality else None, "topics": e.topics,
            "languages": e.languages, "legal_tradition": e.legal_tradition,
            "instruments": [i.code for i in e.instruments]}
    if has_permission(current_user, Permission.VIEW_EXPERT_CONTACTS):
        data.update(email=e.email, phone=e.phone)
    return data


@bp.get("/experts")
@permission_required(Permission.VIEW_EXPERTS)
@documented("Experts (contact details only for staff).",
            PAGING + [param("kind", "centre_staff, consultant, …"), param("instrument", "Instrument of expertise"),
                      param("nationality", "State code"), param("q", "Text in the name")])
def experts_list():
    select = sa.select(Expert).where(scoping.expert_condition(current_user))
    kind = _choice("kind", ExpertKind)
    if kind:
        select = select.where(Expert.kind == kind)
    if request.args.get("instrument"):
        select = select.where(Expert.instruments.any(Instrument.code == request.args["instrument"]))
    if request.args.get("nationality"):
        select = select.where(Expert.nationality.has(MemberState.code == request.args["nationality"].upper()))
    if request.args.get("q"):
        select = select.where(Expert.name.ilike(f"%{request.args['q']}%"))
    select = _sorted(select, {"id": Expert.id, "name": Expert.name, "kind": Expert.kind}, "name")
    return jsonify(paginate(select, _expert_json))


@bp.get("/experts/<int:record_id>")
@permission_required(Permission.VIEW_EXPERTS)
@documented("One expert.")
def experts_item(record_id: int):
    return jsonify(_expert_json(_get_or_404(
        sa.select(Expert).where(Expert.id == record_id, scoping.expert_condition(current_user)))))


# ---------------------------------------------------------------- contributions
def _contribution_json(c: Contribution) -> dict:
    return {"id": c.id, "donor": c.donor.name, "project": c.project.title if c.project else None,
            "amount": str(c.amount) if c.amount is not None else None, "currency": c.currency,
            "status": c.status, "date": _iso(c.contribution_date), "instruments": [i.code for i in c.instruments],
            "regions": c.regions, "period_start": _iso(c.period_start), "period_end": _iso(c.period_end),
            "activities": [a.activity_id for a in c.allocations], "source": c.source}


@bp.get("/contributions")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
@documented("Donor contributions (a donor sees only its own).",
            PAGING + [param("status", "pledged, committed or received"), param("donor", "Donor name or acronym"),
                      param("currency", "ISO 4217 code")])
def contributions_list():
    select = sa.select(Contribution).where(scoping.contribution_condition(current_user))
    status = _choice("status", ContributionStatus)
    if status:
        select = select.where(Contribution.status == status)
    if request.args.get("donor"):
        text = request.args["donor"]
        select = select.where(Contribution.donor.has(sa.or_(Organization.name.ilike(f"%{text}%"),
                                                            Organization.acronym == text)))
    if request.args.get("currency"):
        select = select.where(Contribution.currency == request.args["currency"].upper())
    select = _sorted(select, {"id": Contribution.id, "date": Contribution.contribution_date,
                              "amount": Contribution.amount, "status": Contribution.status}, "id")
    return jsonify(paginate(select, _contribution_json))


@bp.get("/contributions/<int:record_id>")
@permission_required(Permission.VIEW_CONTRIBUTIONS)
@documented("One contribution.")
def contributions_item(record_id: int):
    return jsonify(_contribution_json(_get_or_404(
        sa.select(Contribution).where(Contribution.id == record_id, scoping.contribution_condition(current_user)))))


def _iso(value):
    return value.isoformat() if value else None
