"""Forms with pickers render only the records chosen: the same statements at two sizes of the record, and a name
typed without JavaScript is looked up in the caller's scope."""
import sqlalchemy as sa

from app.seed.synthetic import generate
from app.services.work import report_writes
from models import Activity, ActivityPartner, LegislativeFinding, db
from tests import factories
from tests.helpers import count_queries, field_errors


def _statements(client, path: str) -> tuple[int, int]:
    """(statements, bytes) of a second visit (the first may fill what the process keeps)."""
    db.session.commit()
    db.session.expunge_all()
    client.get(path)
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements), len(response.get_data())


def test_the_activity_and_finding_forms_cost_the_same_at_two_sizes(client, login_as):
    login_as("officer")
    generate(20, 3)
    db.session.flush()
    activity = db.session.scalar(sa.select(Activity).where(Activity.deployments.any()).order_by(Activity.id))
    pages = [f"/activities/{activity.id}/edit", "/activities/new", "/findings/new"]
    small = [_statements(client, p) for p in pages]
    generate(80, 4)
    db.session.flush()
    large = [_statements(client, p) for p in pages]
    assert [n for n, _size in small] == [n for n, _size in large], (small, large)
    assert all(abs(a[1] - b[1]) < 200 for a, b in zip(small, large, strict=True)), (small, large)


def test_a_name_typed_without_script_is_looked_up_and_a_bad_one_refused(client, login_as):
    login_as("officer")
    issue = factories.issue()
    db.session.commit()
    from tests.conftest import csrf_token
    token = csrf_token(client, "/findings/new")
    response = client.post("/findings/new", data={"csrf_token": token, "state": ["", "Yugoslavia"],
                                                  "issue": str(issue.id), "activity": "", "status": "identified"})
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    saved = db.session.scalar(sa.select(LegislativeFinding).order_by(LegislativeFinding.id.desc()))
    assert saved.state.code == "SRB"
    response = client.post("/findings/new", data={"csrf_token": token, "state": "a", "issue": str(issue.id),
                                                  "status": "identified"})
    assert response.status_code == 422 and "matches several" in response.get_data(as_text=True)


#: Every page with a form or filter naming records of a kind that grows (States, experts, organizations, requests,
#: activities, accounts): none may render the whole list of them (issue 29, speed: "forms render in under 150 ms
#: at 200,000 requests whatever the size of the reference lists").
FORMS_WITH_REFERENCES = [
    "/activities/new", "/activities/{activity}/edit", "/findings/new", "/requests/new", "/requests/{request}",
    "/actions/new", "/experts/new", "/contributions/new", "/treaties/actions/new", "/admin/users/new", "/queue",
    "/activities/?state=BOL&expert={expert}&partner={partner}&request={request}", "/actions/?owner=me&state=BOL",
    "/requests/?assigned_officer={officer}&logged_by={officer}", "/activity-reports/?approver=me&author={officer}",
    "/outcomes/?donor={donor}", "/funding/?donor={donor}", "/activities/{activity}/report",  # a draft: its approvers
    "/actions/?activity={activity}&request={request}", "/contributions/?donor_id={donor}&activity={activity}",
]


def _grow_reference_lists(n: int) -> None:
    """`n` more experts, organizations (half of them donor governments) and staff accounts, and a tenth as many
    States: every list a form once offered whole."""
    from models import MemberState
    taken = set(db.session.scalars(sa.select(MemberState.code)))
    free = (c for c in (f"Z{a}{b}" for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            if c not in taken)
    for i in range(n):
        factories.expert(name=f"Grown expert {i}")
        factories.organization(name=f"Grown organization {i}", kind="institute" if i % 2 else "donor_government")
        factories.user("officer" if i % 2 else "manager")
        if i % 10 == 0:
            db.session.add(MemberState(code=next(free), name=f"Grown State {i}"))
    db.session.flush()


def test_no_form_or_filter_renders_a_reference_list_whatever_its_size(client, login_as):
    """Each page costs the same statements, and the same bytes within a few (a record's number in a link), with
    300 more experts, organizations and accounts and 30 more States: only what the form holds is rendered."""
    admin = login_as("admin")
    donor = factories.organization(name="Form size donor")
    activity = factories.activity(served=("BOL",), title="Form size mission")
    expert = factories.expert(name="Form size expert")
    factories.deployment(expert, activity)
    partner = factories.organization(name="Form size partner", kind="institute")
    activity.partners.append(ActivityPartner(organization=partner, role="organizer"))
    request = factories.request("BOL", subject="Form size request")
    activity.requests.append(request)
    factories.allocation(factories.contribution(donor), activity)
    report_writes.save(activity, None, report_writes.ReportData(summary="Form size report"), admin)
    db.session.flush()
    keys = {"activity": activity.id, "request": request.id, "expert": expert.id, "officer": admin.id,
            "partner": partner.id, "donor": donor.id}
    pages = [p.format(**keys) for p in FORMS_WITH_REFERENCES]
    report = client.get(f"/activities/{activity.id}/report").get_data(as_text=True)
    assert 'data-lookup="/api/v1/lookup/users?among=approvers"' in report  # the draft's submit form is measured
    small = {p: _statements(client, p) for p in pages}
    _grow_reference_lists(300)
    large = {p: _statements(client, p) for p in pages}
    grew = {p: (small[p], large[p]) for p in pages
            if small[p][0] != large[p][0] or abs(small[p][1] - large[p][1]) > 40}
    assert grew == {}, grew


def test_a_filter_takes_a_record_by_name_on_a_page_and_only_its_key_in_the_api(client, login_as, api_as):
    """Without JavaScript a filter's box takes a name, looked up in the caller's scope; the chip and the combobox
    show the record's label; a name that is not one record is the field's message. The API takes keys only."""
    login_as("officer")
    expert = factories.expert(name="Filtered Ferdinand")
    other = factories.expert(name="Filtered Frieda")
    found = factories.activity(title="Activity with Ferdinand")
    missed = factories.activity(title="Activity with Frieda")
    factories.deployment(expert, found)
    factories.deployment(other, missed)
    db.session.commit()
    response = client.get("/activities/?expert=Ferdinand")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Activity with Ferdinand" in page and "Activity with Frieda" not in page
    assert f'value="{expert.id}"' in page and 'data-label="Filtered Ferdinand"' in page  # the box holds the key
    assert "Expert: Filtered Ferdinand" in page  # the chip
    response = client.get("/activities/?expert=Filtered")  # two experts
    assert response.status_code == 400 and "matches several" in response.get_data(as_text=True)
    get, _user = api_as("officer")
    assert get(f"/api/v1/activities?expert={expert.id}").status_code == 200
    refused = get("/api/v1/activities?expert=Ferdinand")
    assert refused.status_code == 400 and "expert" in refused.get_json()["error"]["fields"]


def test_the_users_lookup_offers_only_the_set_a_field_takes(api_as, make_user):
    get, officer = api_as("officer")
    manager, gone = make_user("manager", name="Set manager"), make_user("manager", name="Set gone",
                                                                         is_active_account=False)
    admin = make_user("admin", name="Set admin")
    db.session.commit()

    def found(among):
        response = get(f"/api/v1/lookup/users?q=set&among={among}")
        assert response.status_code == 200, response.get_json()
        return {i["id"] for i in response.get_json()["items"]}
    assert found("approvers") == {manager.id}
    assert found("assignable") == {manager.id}
    assert found("staff") == {manager.id, gone.id}
    assert admin.id in {i["id"] for i in get("/api/v1/lookup/users?q=set").get_json()["items"]}
    for bad in ("donors", "everyone"):
        response = get(f"/api/v1/lookup/users?q=set&among={bad}")
        assert response.status_code == 400 and "among" in response.get_json()["error"]["fields"]
