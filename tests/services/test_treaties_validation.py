"""Treaty actions entered by hand: refused when they cannot be right, recorded with a warning when they look odd.

The record is taken back to the depositary's tables as at 2 July 2003 (every signature, the deposits up to then),
so later deposits are free to enter here.
"""
from datetime import date

import pytest
import sqlalchemy as sa

from app.scoping import EVERYTHING
from app.services.core.errors import Refused
from app.services.treaties import treaty_record
from app.services.treaties.treaty_record import record_action
from models import AuditEntry, TreatyAction, TreatyActionSource, db
from tests import factories

TODAY = date(2024, 1, 1)


@pytest.fixture(autouse=True)
def _record_of_2003(session):
    factories.record_until(date(2003, 7, 2))


def refusal(*args, **kwargs) -> dict[str, str]:
    with pytest.raises(Refused) as refused:
        record_action(*args, today=TODAY, **kwargs)
    return refused.value.errors


def warnings_of(*args, **kwargs) -> list[str]:
    return record_action(*args, today=TODAY, **kwargs)[1]


# ------------------------------------------------------------------ refused
def test_a_date_in_the_future_is_refused(session):
    errors = refusal("AND", "UNTOC", "ratification", date(2024, 1, 2))
    assert list(errors) == ["action_date"] and "in the future" in errors["action_date"]


def test_a_signature_after_the_signature_period_is_refused(session):
    errors = refusal("BHR", "UNTOC", "signature", date(2003, 1, 10))
    assert "closed for signature on 12 December 2002" in errors["action_date"]


def test_a_signature_on_the_last_day_is_accepted(session):
    assert warnings_of("BHR", "UNTOC", "signature", date(2002, 12, 12)) == []


@pytest.mark.parametrize("kind, day, what", [
    ("ratification", date(2003, 1, 1), "deposit"),    # Monaco ratified on 5 June 2001
    ("accession", date(2003, 1, 1), "deposit"),       # a different kind is still a second deposit
    ("signature", date(2000, 12, 12), "signature"),   # Monaco signed on 13 December 2000
])
def test_a_second_action_of_the_same_category_is_refused(session, kind, day, what):
    errors = refusal("MCO", "UNTOC", kind, day)
    assert list(errors) == ["kind"]
    assert f"already has a {what} of UNTOC" in errors["kind"]


@pytest.mark.parametrize("participant, instrument, kind, field", [
    ("Atlantis", "UNTOC", "ratification", "participant"),
    ("AND", "NOPE", "ratification", "instrument"),
    ("AND", "UNTOC", "withdrawal", "kind"),
    ("", "", "", "participant"),
])
def test_unknown_participant_instrument_or_kind_is_refused(session, participant, instrument, kind, field):
    assert field in refusal(participant, instrument, kind, date(2011, 9, 22))


def test_a_missing_date_is_refused(session):
    assert "action_date" in refusal("AND", "UNTOC", "ratification", None)


def test_a_refusal_writes_nothing(session):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(TreatyAction))
    refusal("MCO", "UNTOC", "ratification", date(2003, 1, 1))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TreatyAction)) == before


# ------------------------------------------------------------------ accepted with a warning
def test_a_regular_ratification_has_no_warning_and_is_recorded_with_its_claim_and_audit(session):
    action, warnings = record_action("Andorra", "UNTOC", "ratification", date(2011, 9, 22), note="C.N.123",
                                     today=TODAY)
    assert warnings == []
    assert (action.source, action.state.code, action.note) == ("entered by hand", "AND", "C.N.123")
    claim = db.session.scalar(sa.select(TreatyActionSource).filter_by(
        source="entered by hand", state_id=action.state_id, instrument_id=action.instrument_id))
    assert (claim.kind, claim.action_date, claim.name_as_printed) == ("ratification", date(2011, 9, 22), "Andorra")
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(record_type="TreatyAction", record_id=action.id))
    assert entry.action == "create" and entry.after["participant"] == "AND"
    status = treaty_record.instrument_status(treaty_record.get_instrument("UNTOC", EVERYTHING), date(2012, 1, 1))
    andorra = next(p for p in status.parties if p.participant == "AND")
    assert andorra.in_force_date == date(2011, 10, 22)  # the 30th day after its deposit


def test_a_ratification_without_a_signature_is_accepted_with_a_warning(session):
    warnings = warnings_of("BHR", "UNTOC", "ratification", date(2004, 6, 7))
    assert len(warnings) == 1
    assert warnings[0].startswith("Bahrain: ") and "no signature on record" in warnings[0]


@pytest.mark.parametrize("kind", ["acceptance", "approval"])
def test_an_acceptance_or_approval_before_the_signature_is_accepted_with_a_warning(session, kind):
    warnings = warnings_of("AND", "UNTOC", kind, date(2001, 1, 1))  # Andorra signed on 11 November 2001
    assert len(warnings) == 1 and "before its signature of 11 November 2001" in warnings[0]


def test_an_accession_by_a_signatory_is_accepted_with_a_warning(session):
    warnings = warnings_of("AUS", "UNTOC", "accession", date(2004, 5, 27))
    assert len(warnings) == 1 and "by a signatory" in warnings[0]


def test_an_accession_without_a_signature_has_no_warning(session):
    assert warnings_of("BHR", "UNTOC", "accession", date(2004, 6, 7)) == []


def test_a_protocol_deposit_by_a_state_not_party_to_the_convention_is_accepted_with_a_warning(session):
    warnings = warnings_of("AUS", "TIP", "ratification", date(2005, 9, 14))
    assert len(warnings) == 1 and "not party to the Convention (UNTOC)" in warnings[0]


def test_the_convention_deposited_later_than_the_protocol_still_warns(session):
    record_action("AUS", "UNTOC", "ratification", date(2005, 9, 15), today=TODAY)
    warnings = warnings_of("AUS", "TIP", "ratification", date(2005, 9, 14))
    assert len(warnings) == 1 and "not party to the Convention" in warnings[0]


def test_a_protocol_deposited_with_the_convention_on_the_same_day_has_no_warning(session):
    record_action("AUS", "UNTOC", "ratification", date(2004, 5, 27), today=TODAY)
    assert warnings_of("AUS", "SOM", "ratification", date(2004, 5, 27)) == []


def test_an_organization_is_told_it_does_not_count(session):
    warnings = warnings_of("EUU", "UNTOC", "approval", date(2004, 5, 21))
    assert len(warnings) == 1 and "does not count toward the 40" in warnings[0]
