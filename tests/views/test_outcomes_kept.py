"""The outcomes pages read from the kept figures (issue 26) show, byte for byte, what they showed when every figure
was computed from every row on each visit (tests/outcomes_oracle.py): on the reference record and beside synthetic
data, for the staff and for a donor, under filters of every kind, on the page, its lists and its files."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.scoping import EVERYTHING
from app.services.outcomes import outcome_summary
from models import Contribution, Organization, db
from tests import outcomes_oracle
from tests.conftest import login

PATHS = ["/outcomes/?as_of=2026-11-23", "/outcomes/?as_of=2014-01-01&instrument=UNTOC",
         "/outcomes/?instrument=UNTOC&national=y&period_from=2002-01-01&period_to=2003-07-02&as_of=2014-01-01",
         "/outcomes/?as_of=2012-02-29&regional_group=African&kind=mission",
         "/outcomes/?as_of=2026-11-23&period_from=2010-03-31&period_to=2021-08-31",
         "/outcomes/?as_of=2026-11-23&page=2&per_page=3", "/outcomes/?as_of=2014-01-01&national=y&page=99",
         "/outcomes/states?figure=not_party&as_of=2026-11-23",
         "/outcomes/states?figure=within_12&as_of=2014-01-01&instrument=TIP",
         "/outcomes/states?figure=not_assisted_party&group=African&as_of=2014-01-01",
         "/outcomes/states.csv?figure=deposited_after&as_of=2026-11-23",
         "/outcomes/csv/activities-by-month?as_of=2026-11-23&national=y",
         "/outcomes/csv/lead-times?as_of=2026-11-23"]


def _same_token(body: bytes) -> bytes:
    """The page with its CSRF token (signed afresh for each request, with the time) left out."""
    return re.sub(rb'(name="csrf-token" content=|name="csrf_token"[^>]*? value=)"[^"]*"', rb'\1""', body)


def _both(client, monkeypatch, path: str) -> tuple[bytes, bytes]:
    """The page as served now, and as the old computation makes it (same session, same request)."""
    kept = client.get(path)
    assert kept.status_code == 200, path
    with monkeypatch.context() as old:
        old.setattr(outcome_summary, "analytics", outcomes_oracle.analytics)
        old.setattr(outcome_summary, "activities_by_month", outcomes_oracle.activities_by_month)
        computed = client.get(path)
    return _same_token(kept.get_data()), _same_token(computed.get_data())


def _donor_paths(donor_id: int) -> list[str]:
    return PATHS + [f"/outcomes/?as_of=2026-11-23&donor={donor_id}",
                    f"/outcomes/states?figure=assisted&donor={donor_id}"]


@pytest.mark.parametrize("synthetic", [False, True], ids=["reference", "synthetic"])
def test_the_pages_are_what_they_were(app, client, login_as, make_user, monkeypatch, synthetic):
    if synthetic:
        from app.seed.synthetic import generate
        generate(300, seed=11)
        db.session.commit()
    donor_id = db.session.scalar(sa.select(Contribution.donor_id).group_by(Contribution.donor_id)
                                 .order_by(sa.func.count().desc(), Contribution.donor_id).limit(1))
    login_as("officer")
    for path in _donor_paths(donor_id):
        kept, computed = _both(client, monkeypatch, path)
        assert kept == computed, path
    donor = app.test_client()
    login(donor, make_user("donor", donor=db.session.get(Organization, donor_id)))
    for path in PATHS:
        kept, computed = _both(donor, monkeypatch, path)
        assert kept == computed, path


def test_the_comparison_can_fail(client, login_as, monkeypatch):
    """The old computation is really used when patched in: a page that differs is seen to differ."""
    login_as("officer")
    path = "/outcomes/?as_of=2014-01-01"
    with monkeypatch.context() as wrong:
        wrong.setattr(outcomes_oracle, "pairs_of", lambda record, rows: [])
        kept, computed = _both(client, monkeypatch, path)
    assert kept != computed and date(2014, 1, 1)


def test_the_donors_are_paged(client, login_as, monkeypatch):
    """The breakdown by donor shows one page of the donors, in the order of their names, with a pager: page 2 is
    the old computation's donors 4 to 6, and the pages together are every donor once."""
    login_as("officer")
    every = outcomes_oracle.analytics(EVERYTHING, date(2026, 11, 23), outcome_summary.OutcomeFilters())
    names = [label for _value, label, _s in next(b for b in every.breakdowns if b.key == "donor").rows]
    assert len(names) > 6
    seen = []
    for page in range(1, (len(names) + 2) // 3 + 1):
        body = client.get(f"/outcomes/?as_of=2026-11-23&page={page}&per_page=3").get_data(as_text=True)
        table = body[body.index('id="breakdown-donor"'):]
        table = table[:table.index("</table>")]
        seen += [n for n in names if f'<th scope="row">{n}' in table]
        assert f"Page {page} of {(len(names) + 2) // 3}" in body
    assert seen == names
