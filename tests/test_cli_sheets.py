"""`flask requests import` and `flask activities import`: a spreadsheet, all rows or none, bad cells printed."""
import sqlalchemy as sa

from models import Activity, AssistanceRequest, db

GOOD = "State,Instruments,Kind,Subject\nBOL,UNTOC,Training,From the command line\nChile,TIP,Training,Second\n"


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_dry_run_then_import(app, session, make_user, tmp_path):
    user = make_user("officer")
    path = tmp_path / "requests.csv"
    path.write_text(GOOD)
    runner, before = app.test_cli_runner(), count(AssistanceRequest)
    dry = runner.invoke(args=["requests", "import", str(path), "--as", user.email, "--dry-run"])
    assert dry.exit_code == 0 and "2 requests would be imported" in dry.output
    assert count(AssistanceRequest) == before
    done = runner.invoke(args=["requests", "import", str(path), "--as", user.email])
    assert done.exit_code == 0 and "2 requests imported" in done.output, done.output
    assert count(AssistanceRequest) == before + 2


def test_a_bad_cell_is_printed_and_nothing_written(app, session, make_user, tmp_path):
    user = make_user("officer")
    path = tmp_path / "activities.csv"
    path.write_text("Kind,Title,Visit 1 country,Visit 1 start,Visit 1 end,States served\n"
                    "Advisory mission,Fine,Bolivia,2003-03-10,2003-03-12,BOL\n"
                    "Advisory mission,Bad,Bolivia,2003-03-10,2003-03-01,BOL\n")
    before = count(Activity)
    result = app.test_cli_runner().invoke(args=["activities", "import", str(path), "--as", user.email])
    assert result.exit_code == 1 and "row 3, Visit 1 end: The visit ends before it starts." in result.output
    assert count(Activity) == before
    missing = app.test_cli_runner().invoke(args=["activities", "import", str(path), "--as", "nobody@x.test"])
    assert missing.exit_code != 0 and "No account" in missing.output
