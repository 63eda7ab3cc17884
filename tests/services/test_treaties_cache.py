"""Treaty statuses are computed once per change of the record: kept under the record's stamp, recomputed after any
change to treaty actions, claims, instruments or participants (hand entry, import, bulk statement), never reused
from a transaction that was rolled back."""
from datetime import date

import sqlalchemy as sa

from app.scoping import EVERYTHING
from app.seed.reference import DATA
from app.services.treaties import treaty_record
from app.services.treaties.treaty_import import import_file
from models import Activity, Instrument, MemberState, TreatyAction, db
from models.record_version import current_stamp
from tests import factories
from tests.helpers import count_queries

AS_OF = date(2012, 1, 1)


def untoc() -> Instrument:
    return treaty_record.get_instrument("UNTOC", EVERYTHING)


def parties(as_of=AS_OF) -> set[str]:
    return {p.participant for p in treaty_record.instrument_status(untoc(), as_of).parties}


def outsider() -> MemberState:
    """A State with no action at all on the Convention."""
    acted = sa.select(TreatyAction.state_id).where(TreatyAction.instrument_id == untoc().id)
    return db.session.scalars(sa.select(MemberState).where(MemberState.id.not_in(acted), MemberState.kind == "state")
                              .order_by(MemberState.code)).first()


def accede(state: MemberState) -> None:
    treaty_record.record_action(state, "UNTOC", "accession", date(2011, 9, 22), today=date(2012, 1, 1))


def test_the_second_computation_is_one_query_of_the_stamp(session):
    listed = treaty_record.visible_instruments(EVERYTHING)
    with count_queries() as first:
        computed = treaty_record.statuses(listed, AS_OF)
    with count_queries() as second:
        again = treaty_record.statuses(listed, AS_OF)
    assert again == computed
    assert len(first) == 2 and len(second) == 1
    assert "record_versions" in second[0]
    with count_queries() as other_day:  # another date is another entry
        treaty_record.statuses(listed, date(2005, 1, 1))
    assert len(other_day) == 2


def test_a_hand_entry_changes_the_stamp_and_the_next_status_counts_it(session):
    before, stamp, state = parties(), current_stamp(db.session), outsider()
    accede(state)
    db.session.commit()
    assert current_stamp(db.session) != stamp
    assert parties() == before | {state.code}


def test_a_rolled_back_change_is_never_served(session):
    before, state = parties(), outsider()
    nested = db.session.begin_nested()
    accede(state)
    assert state.code in parties()  # computed (and kept) inside the transaction that holds the change
    nested.rollback()
    assert parties() == before


def test_a_bulk_statement_changes_the_stamp(session):
    before, stamp = parties(), current_stamp(db.session)
    austria = db.session.scalar(sa.select(MemberState).filter_by(code="AUT"))
    db.session.execute(sa.delete(TreatyAction).where(TreatyAction.state_id == austria.id))
    assert current_stamp(db.session) != stamp
    assert parties() == before - {"AUT"}


def test_changing_an_instruments_terms_changes_the_stamp(session):
    instrument = untoc()
    in_force = treaty_record.instrument_status(instrument, AS_OF).entry_into_force
    instrument.days_after_threshold = 10
    db.session.commit()
    assert treaty_record.instrument_status(untoc(), AS_OF).entry_into_force != in_force


def test_an_import_changes_the_stamp(session):
    factories.record_as_printed_in_the_annex()  # the record as installations held it before the shipped tables
    db.session.commit()
    late = date(2014, 12, 31)
    before, stamp = parties(late), current_stamp(db.session)
    import_file(DATA / "untc" / "XVIII-12-UNTOC.csv", "UNTOC")
    db.session.commit()
    assert current_stamp(db.session) != stamp
    assert len(parties(late)) == 179 != len(before)


def test_work_outside_the_treaty_record_keeps_the_stamp(session):
    stamp = current_stamp(db.session)
    factories.activity()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity))
    assert current_stamp(db.session) == stamp


def test_the_annex_claims_are_kept_until_a_claim_changes(session):
    from app.services.treaties.treaty_reports import annex_claims
    from models import TreatyActionSource
    claims = annex_claims(EVERYTHING)
    with count_queries() as statements:
        assert annex_claims(EVERYTHING) == claims
    assert len(statements) == 1  # the stamp
    (instrument, participant), claim = next((k, c) for k, c in sorted(claims.items()) if c is not None)
    state = db.session.scalar(sa.select(MemberState).filter_by(code=participant))
    db.session.execute(sa.delete(TreatyActionSource).where(
        TreatyActionSource.source == treaty_record.ANNEX.name, TreatyActionSource.state_id == state.id,
        TreatyActionSource.instrument_id == treaty_record.get_instrument(instrument, EVERYTHING).id,
        TreatyActionSource.category == "deposit"))
    assert annex_claims(EVERYTHING) != claims
