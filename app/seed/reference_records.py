"""The case records of A/58/165: organizations, funding, experts, requests, activities, legislative issues.

Each record is matched by its `reference_key` (or code) and its collections are synchronized with the file:
what the file lists is added, what it no longer lists is removed, the rest is left alone.
"""
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from app.services.core.sync import sync_children as _sync_children
from app.services.core.sync import sync_list as _sync_list
from models import (
    Activity,
    ActivityOtherInstrument,
    ActivityPartner,
    ActivityState,
    ActivityVisit,
    Allocation,
    AssistanceRequest,
    Contribution,
    Deployment,
    Expert,
    LegislativeFinding,
    LegislativeIssue,
    Organization,
    Project,
    RequestStatusChange,
    db,
)
from models.enums import (
    ActivityKind,
    ActivityStateRole,
    ActivityStatus,
    ContributionStatus,
    DatePrecision,
    ExpertKind,
    FindingStatus,
    OrganizationKind,
    Priority,
    RequestChannel,
    RequestKind,
    RequestStatus,
)


def load_records(loader) -> None:
    orgs = _organizations(loader)
    db.session.flush()
    contributions = _funding(loader, orgs)
    experts = _experts(loader, orgs)
    db.session.flush()
    _requests(loader)
    activities = _activities(loader, orgs, contributions, experts)
    db.session.flush()
    _legislative(loader, activities)


def _check_choice(loader, where, field, value, enum_cls, required=True):
    if value is None and not required:
        return None
    if value not in {m.value for m in enum_cls}:
        loader.problem(where, field, f"{value!r} is not one of {[m.value for m in enum_cls]}")
    return value


def _instruments(loader, codes, where):
    return [i for i in (loader.instrument(c, where) for c in (codes or [])) if i is not None]


def _organizations(loader) -> dict[str, Organization]:
    orgs = {}
    for item in loader.yaml("organizations.yaml"):
        where = f"organizations.yaml ({item.get('key')})"
        _check_choice(loader, where, "kind", item.get("kind"), OrganizationKind)
        state = loader.state(item["state"], where) if item.get("state") else None
        orgs[item["key"]] = loader.upsert(Organization, {"reference_key": item["key"]}, {
            "name": item["name"], "acronym": item.get("acronym"), "kind": item["kind"], "state": state,
            "city": item.get("city"), "source": item.get("source")})
    return orgs


def _money(loader, where, value) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        loader.problem(where, "amount", f"{value!r} is not an amount")
        return None
    if amount < 0:
        loader.problem(where, "amount", "must not be negative")
    return amount


def _funding(loader, orgs) -> dict[str, Contribution]:
    data = loader.yaml("funding.yaml")
    projects = {}
    for item in data["projects"]:
        where = f"funding.yaml project {item.get('key')}"
        start = loader.date(item.get("start_date"), where, "start_date", required=False)
        end = loader.date(item.get("end_date"), where, "end_date", required=False)
        if start and end and end < start:
            loader.problem(where, "end_date", "is before start_date")
        projects[item["key"]] = loader.upsert(Project, {"reference_key": item["key"]}, {
            "title": item["title"], "description": item.get("description"), "start_date": start, "end_date": end,
            "source": item.get("source")})
    contributions = {}
    for item in data["contributions"]:
        where = f"funding.yaml contribution {item.get('key')}"
        donor = orgs.get(item.get("donor"))
        if donor is None:
            loader.problem(where, "donor", f"unknown organization {item.get('donor')!r}")
            continue
        amount = _money(loader, where, item.get("amount"))
        currency = item.get("currency")
        if amount is not None and not (isinstance(currency, str) and len(currency) == 3 and currency.isupper()):
            loader.problem(where, "currency", "an amount needs an ISO 4217 currency code such as USD")
        _check_choice(loader, where, "status", item.get("status"), ContributionStatus)
        contribution = loader.upsert(Contribution, {"reference_key": item["key"]}, {
            "donor": donor, "project": projects.get(item.get("project")), "amount": amount, "currency": currency,
            "status": item["status"], "pledged_date": loader.date(item.get("date"), where, "date", False),
            "regions": list(item.get("regions") or []), "source": item.get("source"), "note": item.get("note")})
        if item.get("project") and item["project"] not in projects:
            loader.problem(where, "project", f"unknown project {item['project']!r}")
        _sync_list(contribution.instruments, _instruments(loader, item.get("instruments"), where))
        contributions[item["key"]] = contribution
    return contributions


def _experts(loader, orgs) -> dict[str, Expert]:
    experts = {}
    for item in loader.yaml("experts.yaml"):
        where = f"experts.yaml ({item.get('key')})"
        _check_choice(loader, where, "kind", item.get("kind"), ExpertKind)
        expertise = item.get("expertise") or {}
        expert = loader.upsert(Expert, {"reference_key": item["key"]}, {
            "name": item["name"], "kind": item["kind"], "affiliation": orgs.get(item.get("affiliation")),
            "nationality": loader.state(item["nationality"], where, "nationality") if item.get("nationality")
            else None, "topics": list(expertise.get("topics") or []), "languages": list(item.get("languages") or []),
            "legal_tradition": item.get("legal_tradition"), "note": item.get("note")})
        _sync_list(expert.instruments, _instruments(loader, expertise.get("instruments"), where))
        experts[item["key"]] = expert
    return experts


def _requests(loader) -> None:
    """The requests of para. 19. A request people have changed in the application (its version moved on) is theirs:
    the file no longer rewrites it, and the workflow's fields (status, priority) are only set on creation."""
    for item in loader.yaml("requests.yaml"):
        where = f"requests.yaml ({item.get('key')})"
        _check_choice(loader, where, "kind", item.get("kind"), RequestKind)
        _check_choice(loader, where, "status", item.get("status"), RequestStatus)
        _check_choice(loader, where, "priority", item.get("priority", Priority.NORMAL.value), Priority)
        _check_choice(loader, where, "channel", item.get("channel"), RequestChannel, required=False)
        state = loader.state(item.get("state"), where)
        instruments = _instruments(loader, item.get("instruments"), where)
        if state is None:
            continue
        existing = db.session.scalars(sa.select(AssistanceRequest).filter_by(reference_key=item["key"])).first()
        if existing is not None and existing.version > 1:
            loader.tally("assistance_requests", False)
            continue
        values = {
            "state": state, "kind": item["kind"], "subject": item["subject"],
            "is_subject_inferred": bool(item.get("subject_inferred")),
            "received_date": loader.date(item.get("received_date"), where, "received_date", False),
            "channel": item.get("channel"), "requesting_authority": item.get("requesting_authority"),
            "description": item.get("description"), "source": item.get("source")}
        if existing is None:
            values.update(status=item["status"], priority=item.get("priority", Priority.NORMAL.value))
        request = loader.upsert(AssistanceRequest, {"reference_key": item["key"]}, values, table="assistance_requests")
        _sync_list(request.instruments, instruments)
        if not request.status_changes:
            request.status_changes.append(RequestStatusChange(
                from_status=None, to_status=request.status, reason=f"Recorded from {item.get('source')}"))


def _visits(loader, where, items) -> list[dict]:
    visits = []
    for n, v in enumerate(items or [], start=1):
        here = f"{where} visit {n}"
        start, end = loader.date(v.get("start"), here, "start"), loader.date(v.get("end"), here, "end")
        ordered = not (start and end and end < start)
        if not ordered:
            loader.problem(here, "end", f"{end} is before the start {start}")
        _check_choice(loader, here, "precision", v.get("precision", "day"), DatePrecision)
        country = loader.state(v.get("country"), here, "country")
        if country and start and end and ordered:
            visits.append({"city": v.get("city"), "country": country, "start_date": start, "end_date": end,
                           "date_precision": v.get("precision", "day")})
    return visits


def _allocation_terms(loader) -> dict[int, dict]:
    """Per contribution key: how the record links it to the activities it funds (inferred or stated, and why)."""
    terms = {}
    for item in loader.yaml("funding.yaml")["contributions"]:
        link = item.get("funding_of_activities") or {}
        if not isinstance(link.get("inferred", False), bool):
            loader.problem(f"funding.yaml contribution {item.get('key')}", "funding_of_activities",
                           "inferred must be true or false")
        terms[item["key"]] = {"is_inferred": bool(link.get("inferred", False)),
                              "basis": " ".join(str(link.get("basis") or "").split()) or None}
    return terms


def _activities(loader, orgs, contributions, experts) -> dict[str, Activity]:
    activities = {}
    terms = _allocation_terms(loader)
    for item in loader.yaml("activities.yaml"):
        where = f"activities.yaml ({item.get('key')})"
        _check_choice(loader, where, "kind", item.get("kind"), ActivityKind)
        _check_choice(loader, where, "status", item.get("status"), ActivityStatus)
        funders, links = [], {}
        for key in item.get("funded_by") or []:
            if key not in contributions:
                loader.problem(where, "funded_by", f"unknown contribution {key!r}")
            else:
                funders.append(contributions[key])
                links[contributions[key].id] = terms.get(key, {"is_inferred": False, "basis": None})
        projects = {c.project for c in funders}
        activity = loader.upsert(Activity, {"reference_key": item["key"]}, {
            "kind": item["kind"], "status": item["status"], "title": item["title"],
            "description": item.get("description"), "outcome": item.get("outcome"), "source": item.get("source"),
            "topics": list(item.get("topics") or []),
            "project": projects.pop() if len(projects) == 1 else None}, table="activities")
        activities[item["key"]] = activity
        _sync_visits(activity, _visits(loader, where, item.get("visits")))
        _sync_states(loader, where, activity, item)
        _sync_list(activity.instruments, _instruments(loader, item.get("instruments"), where))
        _sync_children(activity.other_instruments, {n: {} for n in item.get("other_instruments") or []},
                       key=lambda o: o.name, make=lambda n, _: ActivityOtherInstrument(name=n))
        partners = _roles(loader, where, item.get("partners"), "partners", "org", orgs, "partner")
        _sync_children(activity.partners, partners, key=lambda p: p.organization_id,
                       make=lambda oid, v: ActivityPartner(organization_id=oid, **v))
        deployments = _roles(loader, where, item.get("experts"), "experts", "expert", experts, "expert")
        _sync_children(activity.deployments, deployments, key=lambda d: d.expert_id,
                       make=lambda eid, v: Deployment(expert_id=eid, **v))
        _sync_children(activity.allocations, links, key=lambda a: a.contribution_id,
                       make=lambda cid, v: Allocation(contribution_id=cid, **v))
    return activities


def _roles(loader, where, items, field: str, ref: str, known: dict, default_role: str) -> dict[int, dict]:
    """{id: {"role": …}} for a list of `{ref: key, role: …}` links, naming every unknown key."""
    wanted = {}
    for link in items or []:
        target = known.get(link.get(ref))
        if target is None:
            loader.problem(where, field, f"unknown {ref} {link.get(ref)!r}")
        else:
            wanted[target.id] = {"role": link.get("role") or default_role}
    return wanted


def _sync_visits(activity, visits: list[dict]) -> None:
    _sync_children(
        activity.visits,
        {(v["country"].id, v["start_date"]): v for v in visits},
        key=lambda v: (v.country_id, v.start_date),
        make=lambda _, v: ActivityVisit(**v))


def _sync_states(loader, where, activity, item) -> None:
    wanted = {}
    for role, field in ((ActivityStateRole.SERVED, "served"), (ActivityStateRole.PARTICIPANT, "participants")):
        for code in item.get(field) or []:
            state = loader.state(code, where, field)
            if state is None:
                continue
            if state.id in wanted:
                loader.problem(where, field, f"{code} is listed twice (served and participants)")
            wanted[state.id] = {"role": role.value}
    _sync_children(activity.states, wanted, key=lambda s: s.state_id,
                   make=lambda sid, v: ActivityState(state_id=sid, **v))


def _legislative(loader, activities) -> None:
    data = loader.yaml("legislative_issues.yaml")
    issues = {}
    for item in data["issues"]:
        issues[item["code"]] = loader.upsert(LegislativeIssue, {"code": item["code"]}, {
            "title": item["title"], "article": item["article"], "description": item.get("description"),
            "source": item.get("source")})
    db.session.flush()
    for n, item in enumerate(data.get("findings") or [], start=1):
        where = f"legislative_issues.yaml finding {n} ({item.get('state')}, {item.get('issue')})"
        state = loader.state(item.get("state"), where)
        issue = issues.get(item.get("issue"))
        if issue is None:
            loader.problem(where, "issue", f"unknown issue {item.get('issue')!r}")
        activity = activities.get(item.get("activity")) if item.get("activity") else None
        if item.get("activity") and activity is None:
            loader.problem(where, "activity", f"unknown activity {item['activity']!r}")
        _check_choice(loader, where, "status", item.get("status"), FindingStatus)
        on: date | None = loader.date(item.get("date"), where, "date", required=False)
        if state is None or issue is None:
            continue
        finding = loader.upsert(LegislativeFinding, {"state_id": state.id, "issue_id": issue.id}, {
            "activity": activity, "note": item.get("note")})
        if not finding.history:
            finding.record_status(item["status"], on, note=item.get("source"))
