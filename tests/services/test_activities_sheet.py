"""Spreadsheet imports of activities: visits in numbered columns, States and instruments by ';', experts and
partners by name with their role, requests by number — through the officers' form and activity_writes' rules."""
import sqlalchemy as sa

import models
from app.formats import sheets
from app.scoping import EVERYTHING
from app.services.activities import activity_sheet
from app.services.sheets import sheet_uploads
from models import Activity, AuditEntry, db
from tests import factories
from tests.helpers import count_queries

HEADER = ("Kind,Title,Status,Visit 1 city,Visit 1 country,Visit 1 start,Visit 1 end,Visit 2 city,Visit 2 country,"
          "Visit 2 start,Visit 2 end,States served,Instruments,Experts,Partners,Requests,Topics\n")


def csv_of(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def previewed(user, data: bytes):
    upload = sheet_uploads.upload("activities", data, "activities.csv", user.id)
    return upload, sheet_uploads.preview(upload, EVERYTHING)


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_row_with_two_visits_experts_partners_and_a_request(session, make_user):
    expert = factories.expert(name="Ana Ortiz")
    partner = factories.organization(name="Test Partner Institute", acronym="TPI")
    answered = factories.request("ROU")
    _, report = previewed(make_user(), csv_of(
        f'Advisory mission,Bucharest mission,Completed,Bucharest,Romania,8 Jan 2002,11 Jan 2002,Bucharest,ROU,'
        f'2002-11-05,2002-11-06,ROU,UNTOC; TIP,Ana Ortiz (legal adviser),TPI (co-operating organization),'
        f'#{answered.id},extradition; MLA'))
    assert report.errors == [] and len(report.checked) == 1
    data = report.checked[0][1]
    assert [(v.country, v.start_date.isoformat()) for v in data.visits] == [("ROU", "2002-01-08"),
                                                                            ("ROU", "2002-11-05")]
    assert data.served == ("ROU",) and data.instruments == ("UNTOC", "TIP")
    assert data.deployments[0].expert_id == expert.id and data.deployments[0].role == "legal adviser"
    assert data.partners[0].organization_id == partner.id and data.requests == (answered.id,)
    assert data.topics == ("extradition", "MLA")


def test_bad_cells_are_named_with_their_visit_column(session, make_user):
    factories.expert(name="Ana Ortiz")
    _, report = previewed(make_user(), csv_of(
        "Advisory mission,Fine,,La Paz,Bolivia,2003-03-10,2003-03-12,,,,,BOL,UNTOC,,,,",
        "Advisory mission,Ends before,,La Paz,Bolivia,2003-03-10,2003-03-01,,,,,BOL,UNTOC,,,,",
        "Advisory mission,Nowhere,,Oz,Narnia,2003-03-10,2003-03-12,,,,,BOL,UNTOC,,,,",
        "Written analysis,Analysis with a visit,,La Paz,Bolivia,2003-03-10,2003-03-12,,,,,BOL,UNTOC,,,,",
        "Advisory mission,No role,,La Paz,Bolivia,2003-03-10,2003-03-12,,,,,BOL,UNTOC,Ana Ortiz,,,",
        "Advisory mission,Unknown expert,,,,,,,,,,BOL,UNTOC,Nobody Known (lecturer),,,",
        "Regional meeting,No States,,,,,,,,,,,UNTOC,,,,",
        "Advisory mission,Bad request,,,,,,,,,,BOL,UNTOC,,,99999999,",
        "Advisory mission,Second visit bad,,La Paz,BOL,2003-03-10,2003-03-12,Sucre,BOL,2003-02-31,2003-03-01,BOL,,,,,"))
    named = {(e.row, e.column): e.message for e in report.errors}
    assert "ends before it starts" in named[(3, "Visit 1 end")]
    assert "Narnia" in named[(4, "Visit 1 country")]
    assert "written analysis" in named[(5, "Visit 1 country")].lower()
    assert "role" in named[(6, "Experts")]
    assert "Nobody Known" in named[(7, "Experts")]
    assert "at least one State" in named[(8, "States served")]
    assert "99999999" in named[(9, "Requests")]
    assert "is not a date" in named[(10, "Visit 2 start")]
    assert report.bad_rows == set(range(3, 11)) and len(report.checked) == 1


def test_confirm_writes_all_rows_and_one_audit_entry(session, make_user):
    user = make_user()
    before = count(Activity)
    upload, _ = previewed(user, csv_of(
        "Advisory mission,One,,La Paz,Bolivia,2003-03-10,2003-03-12,,,,,BOL,UNTOC,,,,",
        "National seminar,Two,Planned,Lima,Peru,12 May 2003,14 May 2003,,,,,PER,TIP,,,,"))
    report = sheet_uploads.confirm(upload, EVERYTHING, user)
    assert report.ok and count(Activity) == before + 2
    saved = db.session.get(Activity, report.written[1])
    assert saved.title == "Two" and saved.visits[0].country.code == "PER"
    assert saved.source == "Imported from activities.csv"
    entry = sheet_uploads.imported(upload.id)
    assert entry.record_type == "Activity" and entry.after["rows"] == 2 and entry.actor_id == user.id


def test_one_bad_row_and_nothing_is_written(session, make_user):
    user = make_user()
    before = (count(Activity), count(AuditEntry))
    upload, _ = previewed(user, csv_of(
        "Advisory mission,One,,La Paz,Bolivia,2003-03-10,2003-03-12,,,,,BOL,UNTOC,,,,",
        "Advisory mission,Two,,La Paz,Bolivia,2003-03-10,2003-03-01,,,,,BOL,UNTOC,,,,"))
    report = sheet_uploads.confirm(upload, EVERYTHING, user)
    assert not report.ok and (count(Activity), count(AuditEntry)) == before


def test_the_preview_sends_as_many_queries_for_500_rows_as_for_10(session, make_user):
    user = make_user()
    factories.expert(name="Ana Ortiz")
    rows = ["Advisory mission,M{n},,La Paz,Bolivia,2003-03-10,2003-03-12,,,,,BOL,UNTOC,Ana Ortiz (lecturer),,,",
            "Regional meeting,R{n},,,,,,,,,,,UNTOC,,,,"]
    counts = []
    for k in (10, 10, 500):  # the first warms whatever the app caches; the second and third are compared
        data = csv_of(*[rows[n % 2].format(n=n) for n in range(k)])
        upload = sheet_uploads.upload("activities", data, "a.csv", user.id)
        with count_queries() as statements:
            report = sheet_uploads.preview(upload, EVERYTHING)
        counts.append(len(statements))
    assert report.rows == 500 and len(report.bad_rows) == 250
    assert counts[1] == counts[2], counts


def test_the_template_columns_are_all_recognised():
    header, example = activity_sheet.template_rows()
    columns = sheets.Columns(activity_sheet.COLUMNS, header, activity_sheet.REPEATED, activity_sheet.REPEATS)
    assert columns.unknown == [] and columns.missing == [] and len(columns.index) == len(header)


def test_a_request_named_by_its_reference(session, make_user):
    _, report = previewed(make_user(), csv_of(
        "Advisory mission,By reference,,La Paz,Bolivia,2003-03-10,2003-03-12,,,,,BOL,UNTOC,,,"
        "request-para19-bolivia,"))
    assert report.errors == []
    assert report.checked[0][1].requests == (db.session.scalar(sa.select(models.AssistanceRequest.id).where(
        models.AssistanceRequest.reference_key == "request-para19-bolivia")),)
