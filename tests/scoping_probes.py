"""Donor A and donor B side by side, and the probes that compare what each sees, record by record.

`build_two_donors()` makes two donor organizations, each with a donor account and a contribution funding its own
mission (in its own State, with its own expert), and one mission both of them fund. Every text of a donor's that
the other must never see contains that donor's marker; expert contact details are secret from every donor.

Extend the probes when you add something a donor can reach:
- an API list: add its path to `API_LISTS` with the kind of record it lists;
- a page or an export without URL arguments: nothing to do — every such GET route is scanned for the other
  donor's secrets;
- a page with an id or a code in its URL: map the path segment before the argument in `SEGMENT_KINDS`.
"""
import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from app.permissions import PUBLIC, has_permission
from models import (
    Activity,
    ActivityState,
    ActivityVisit,
    Allocation,
    Contribution,
    Deployment,
    Expert,
    Instrument,
    LegislativeFinding,
    MemberState,
    db,
)
from tests import factories

#: API lists a donor may call, and the kind of record each item is. Every list is read whole and its ids compared
#: with what the donor may see.
API_LISTS = {
    "/api/v1/contributions": "contribution",
    "/api/v1/missions": "activity",
    "/api/v1/experts": "expert",
}

#: The URL segment before an argument -> the kind of record the argument names. A route `/things/<int:x>` whose
#: segment is listed is requested with the OTHER donor's record and must answer 403 or 404.
SEGMENT_KINDS = {
    "contributions": "contribution",
    "missions": "activity",
    "activities": "activity",
    "experts": "expert",
    "states": "state",
    "donors": "donor",
    "organizations": "organization",
    "findings": "finding",
    "attachments": "attachment",
}

#: Pages and exports that take `?donor=<id>` (staff choose a donor; a donor has its own only): asked with the
#: OTHER donor's id they must answer 404, and without it they are scanned like every other page.
DONOR_PARAMETER = ["/funding/", "/funding/statement", "/funding/statement.csv", "/funding/statement.xlsx",
                   "/iati.xml"]

#: Routes a donor reaches that are not about records (no scan for secrets is needed, and some change state).
NOT_SCANNED = {"static", "bootstrap.static", "auth.login", "auth.logout"}


@dataclass
class DonorSide:
    """One donor's records. `own` maps a kind to the ids only this donor may see; `secrets` must never reach the
    other donor; `contacts` must never reach any donor."""
    marker: str
    org: object = None
    user: object = None
    state: object = None
    own: dict = field(default_factory=dict)
    secrets: list = field(default_factory=list)
    contacts: list = field(default_factory=list)


def _states(n: int) -> list[MemberState]:
    states = list(db.session.scalars(sa.select(MemberState).order_by(MemberState.code.desc()).limit(n)))
    assert len(states) == n, "the reference record must be loaded"
    return states


def _mission(title: str, state: MemberState, instrument: Instrument | None) -> Activity:
    activity = Activity(kind="mission", status="completed", title=title, source="test")
    activity.visits.append(ActivityVisit(country=state, city="Testville", start_date=date(2003, 3, 1),
                                         end_date=date(2003, 3, 5)))
    activity.states.append(ActivityState(state=state, role="served"))
    if instrument is not None:
        activity.instruments.append(instrument)
    db.session.add(activity)
    return activity


def _side(label: str, amount: str, state: MemberState, instrument, shared: Activity, password: str) -> DonorSide:
    marker = f"ZZ{label}{uuid.uuid4().hex[:8].upper()}"
    side = DonorSide(marker=marker, state=state)
    side.org = factories.organization(name=f"Donor {label} {marker}")
    side.user = factories.user("donor", donor=side.org, password=password, email=f"donor-{marker.lower()}@example.test")
    mission = _mission(f"Mission funded by {marker}", state, instrument)
    expert = Expert(name=f"Expert {marker}", kind="consultant", email=f"contact-{marker.lower()}@experts.test",
                    phone=f"+41 {int(amount[:6]) % 10**6:06d} 77")
    db.session.add(expert)
    db.session.add(Deployment(expert=expert, activity=mission, role="Lead expert"))
    contribution = Contribution(donor=side.org, amount=Decimal(amount), currency="USD", status="received",
                                note=f"Contribution note {marker}", source=f"Source {marker}")
    contribution.allocations.append(Allocation(activity=mission, amount=Decimal(amount) / 2))
    contribution.allocations.append(Allocation(activity=shared, amount=Decimal(amount) / 4))
    db.session.add(contribution)
    finding = LegislativeFinding(state=state, issue=factories.issue(),
                                 activity=mission, note=f"Finding note {marker}")
    finding.record_status("identified", date(2003, 3, 5))
    db.session.add(finding)
    attachment, _report = _work_loop(mission, marker)
    db.session.flush()
    side.own = {"contribution": {contribution.id}, "activity": {mission.id}, "expert": {expert.id},
                "state": {state.id}, "donor": {side.org.id}, "organization": {side.org.id},
                "finding": {finding.id}, "attachment": {attachment.id}}
    # Its amounts, and what it gave the mission both donors fund (which the other donor sees, without this).
    side.secrets = [marker] + [f"{value:{style}}" for value in (Decimal(amount), Decimal(amount) / 4)
                               for style in (".2f", ",.2f")]
    side.contacts = [expert.email, expert.phone]
    return side


def _work_loop(mission: Activity, marker: str):
    """An approved report of the donor's mission and a file on the mission, each carrying the donor's marker
    (issue 27): the other donor must reach neither."""
    from models import ActivityReport, Attachment, AttachmentVersion
    from models.base import utcnow
    db.session.flush()
    report = ActivityReport(activity=mission, status="approved", summary=f"<p>Report {marker}</p>",
                            approved_at=utcnow(), source="test")
    digest = uuid.uuid4().hex * 2
    attachment = Attachment(activity_id=mission.id, title=f"File {marker}", versions=[AttachmentVersion(
        number=1, file_name=f"file-{marker}.pdf", content_type="application/pdf", size=10, sha256=digest,
        storage_key=f"{digest[:2]}/{digest[2:4]}/{digest}")])
    db.session.add_all([report, attachment])
    return attachment, report


def build_two_donors(password: str) -> tuple[DonorSide, DonorSide, int]:
    """Donors A and B, and the id of the mission both fund. Committed (the test's transaction is rolled back)."""
    state_a, state_b, state_shared = _states(3)
    instruments = list(db.session.scalars(sa.select(Instrument).order_by(Instrument.id)))
    shared = _mission("Mission both donors fund", state_shared, instruments[0] if instruments else None)
    db.session.flush()
    a = _side("A", "987654.32", state_a, instruments[0] if instruments else None, shared, password)
    b = _side("B", "123456.78", state_b, instruments[1] if len(instruments) > 1 else None, shared, password)
    db.session.commit()
    return a, b, shared.id


def visible(side: DonorSide, kind: str, shared_activity: int) -> set[int]:
    """Everything of `kind` the donor may see: its own records, plus the mission both fund."""
    ids = set(side.own.get(kind, set()))
    if kind == "activity":
        ids.add(shared_activity)
    return ids


# --- probes ---------------------------------------------------------------------------------------------------

def _leaks(text: str, me: DonorSide, other: DonorSide) -> list[str]:
    return [s for s in other.secrets + other.contacts + me.contacts if s in text]


def _read_all(client, path: str) -> list[dict]:
    items, page = [], 1
    while True:
        response = client.get(path, query_string={"page": page, "per_page": 500})
        assert response.status_code == 200, (path, response.status_code)
        body = response.get_json()
        items += body["items"]
        if page >= body.get("pages", 1):
            return items
        page += 1


def check_api_lists(client, me: DonorSide, other: DonorSide, shared: int) -> list[str]:
    """Each API list holds exactly what `me` may see, and nothing of the other donor's."""
    problems, present = [], {r.rule for r in current_app.url_map.iter_rules()}
    for path, kind in API_LISTS.items():
        if path not in present:
            continue
        items = _read_all(client, path)
        ids = {item["id"] for item in items}
        if ids != visible(me, kind, shared):
            problems.append(f"{path}: {me.marker} sees ids {sorted(ids)}, expected {sorted(visible(me, kind, shared))}")
        for item in items:
            leaked = _leaks(json.dumps(item), me, other)
            if leaked:
                problems.append(f"{path} item {item['id']} shows {leaked} to {me.marker}")
        for other_id in other.own.get(kind, ()):
            status = client.get(f"{path}/{other_id}").status_code
            if status != 404:
                problems.append(f"{path}/{other_id} (the other donor's) answers {status} to {me.marker}, not 404")
        for own_id in me.own.get(kind, ()):
            response = client.get(f"{path}/{own_id}")
            if response.status_code != 200:
                problems.append(f"{path}/{own_id} (its own) answers {response.status_code} to {me.marker}")
            elif _leaks(response.get_data(as_text=True), me, other):
                problems.append(f"{path}/{own_id} shows secrets to {me.marker}")
    return problems


def _kind_of(rule, argument: str) -> str | None:
    parts = rule.rule.strip("/").split("/")
    for i, part in enumerate(parts):
        if part.startswith("<") and part.rstrip(">").split(":")[-1] == argument and i > 0:
            return SEGMENT_KINDS.get(parts[i - 1])
    return None


def _value(kind: str, side: DonorSide, as_int: bool):
    """The side's record of `kind` as the URL names it: its id, or (a State named by code) its code."""
    if kind == "state" and not as_int:
        return side.state.code
    return min(side.own[kind])


def body_text(response) -> str:
    """A response's text; a workbook (XLSX export) is read through its XML parts."""
    data = response.get_data()
    if data[:2] == b"PK":
        import io
        import zipfile
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "\n".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    return data.decode("utf-8", "replace")


def check_pages(client, me: DonorSide, other: DonorSide, scanned: list | None = None) -> list[str]:
    """Every GET route `me` may call: no secret of the other donor's (nor any contact detail) in the answer, and a
    route naming the other donor's record answers 403 or 404. The URLs requested are appended to `scanned`."""
    problems = []
    for rule in current_app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_SCANNED:
            continue
        view = current_app.view_functions[rule.endpoint]
        permission = getattr(view, "required_permission", None)
        if permission is None or (permission != PUBLIC and not has_permission(me.user, permission)):
            continue
        values, scoped = {}, True
        for argument in rule.arguments:
            kind = _kind_of(rule, argument)
            if kind is None or kind not in other.own:
                scoped = False
                break
            values[argument] = _value(kind, other, f"<int:{argument}>" in rule.rule)
        if not scoped:
            continue  # arguments this probe cannot fill with the other donor's records
        url = rule.build(values, append_unknown=False)[1]
        response = client.get(url)
        if scanned is not None:
            scanned.append(url)
        body = body_text(response)
        if rule.arguments and response.status_code not in (403, 404):
            problems.append(f"{url} (the other donor's) answers {response.status_code} to {me.marker}")
        leaked = _leaks(body, me, other)
        if leaked:
            problems.append(f"{url} shows {leaked} to {me.marker}")
    present = {r.rule for r in current_app.url_map.iter_rules()}
    for path in DONOR_PARAMETER:
        if path not in present:
            continue
        url = f"{path}?donor={min(other.own['donor'])}"
        response = client.get(url)
        if scanned is not None:
            scanned.append(url)
        if response.status_code != 404:
            problems.append(f"{url} (the other donor's) answers {response.status_code} to {me.marker}, not 404")
        if _leaks(body_text(response), me, other):
            problems.append(f"{url} shows the other donor's secrets to {me.marker}")
    return problems
