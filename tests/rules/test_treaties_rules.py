"""Entry-into-force rules (UNTOC art. 38 and the Protocols' matching articles), computed from actions."""
import datetime
from pathlib import Path

import pytest

from app.rules.treaties import (
    DEPOSIT_KINDS,
    Action,
    Terms,
    cumulative_parties,
    entry_into_force,
    in_force_date,
    status,
)

D = datetime.date
UNTOC = Terms("UNTOC")
TIP = Terms("TIP", parent=UNTOC)
ARMENIA_DAY = D(2003, 7, 1)  # the 40th UNTOC deposit, per A/58/165
UNTOC_EIF = D(2003, 9, 29)
DATA = Path("/work/shared/data/untc")


def deposits(n, last=D(2003, 6, 30), kind="ratification", prefix="S"):
    """`n` counted deposits by S01, S02, ... on consecutive days ending on `last`."""
    return [Action(f"{prefix}{i:02d}", kind, last - datetime.timedelta(days=n - i)) for i in range(1, n + 1)]


def armenia_case():
    return deposits(39) + [Action("ARM", "ratification", ARMENIA_DAY)]


def party(st, code):
    return next(p for p in st.parties if p.participant == code)


def test_fortieth_deposit_enters_into_force_on_the_90th_day_after_it():
    st = status(UNTOC, armenia_case(), D(2003, 7, 2))
    assert st.threshold_deposit == Action("ARM", "ratification", ARMENIA_DAY)
    assert st.entry_into_force == UNTOC_EIF  # given although it lies after as_of
    assert (st.parties_counted, st.deposits_needed) == (40, 0)
    assert entry_into_force(UNTOC, armenia_case(), D(2003, 7, 2)) == UNTOC_EIF
    assert {p.in_force_date for p in st.parties} == {UNTOC_EIF}


def test_fewer_than_forty_deposits_no_entry_into_force():
    st = status(UNTOC, deposits(37), D(2010, 1, 1))
    assert st.threshold_deposit is None
    assert st.entry_into_force is None
    assert st.deposits_needed == 3
    assert len(st.parties) == 37
    assert all(p.in_force_date is None for p in st.parties)


def test_threshold_and_deposit_kinds_are_configurable():
    terms = Terms("X", threshold=3, days_after_threshold=10)
    actions = [Action(c, k, D(2001, 1, i)) for i, (c, k) in enumerate(zip("ABC", DEPOSIT_KINDS[2:], strict=True), 1)]
    assert entry_into_force(terms, actions, D(2001, 1, 3)) == D(2001, 1, 13)


def test_only_actions_on_or_before_as_of_count():
    actions = armenia_case() + [Action("ARM", "signature", D(2001, 11, 15)),
                                Action("LTU", "signature", D(2003, 7, 5))]
    before = status(UNTOC, actions, D(2003, 6, 30))
    assert (before.parties_counted, before.deposits_needed, before.entry_into_force) == (39, 1, None)
    assert "ARM" not in {p.participant for p in before.parties}
    assert [s.participant for s in before.signatories] == ["ARM"]
    on_the_day = status(UNTOC, actions, ARMENIA_DAY)
    assert on_the_day.entry_into_force == UNTOC_EIF
    assert [s.participant for s in status(UNTOC, actions, D(2003, 7, 5)).signatories] == ["ARM", "LTU"]


def test_signatures_are_not_deposits():
    signed = [Action(f"S{i:02d}", "signature", D(2000, 12, 12)) for i in range(50)]
    st = status(UNTOC, signed, D(2003, 1, 1))
    assert len(st.signatories) == 50
    assert (st.parties, st.entry_into_force, st.deposits_needed) == ((), None, 40)


def test_signatories_and_parties_ordered_by_date_then_participant():
    actions = [Action("ZZZ", "signature", D(2000, 12, 12)), Action("AAA", "signature", D(2000, 12, 13)),
               Action("BBB", "signature", D(2000, 12, 12)),
               Action("ZZZ", "ratification", D(2002, 1, 1)), Action("BBB", "accession", D(2002, 1, 1)),
               Action("AAA", "ratification", D(2001, 1, 1))]
    st = status(UNTOC, actions, D(2003, 1, 1))
    assert [s.participant for s in st.signatories] == ["BBB", "ZZZ", "AAA"]
    assert [p.participant for p in st.parties] == ["AAA", "BBB", "ZZZ"]


def test_two_deposits_on_the_fortieth_day_both_get_eif_later_day_gets_30_days():
    actions = armenia_case() + [Action("AZE", "ratification", ARMENIA_DAY),
                                Action("LATE", "ratification", D(2003, 12, 1))]
    st = status(UNTOC, actions, D(2004, 1, 1))
    assert st.threshold_deposit.participant == "ARM"  # ties sort by participant; the date is what matters
    assert st.threshold_deposit.date == ARMENIA_DAY
    assert st.entry_into_force == UNTOC_EIF
    assert party(st, "AZE").in_force_date == UNTOC_EIF
    assert party(st, "ARM").in_force_date == UNTOC_EIF
    assert party(st, "LATE").in_force_date == D(2003, 12, 31)
    assert st.parties_counted == 42


def test_tie_at_the_threshold_position_is_broken_by_participant():
    actions = deposits(38) + [Action("ZZZ", "accession", ARMENIA_DAY), Action("AAA", "accession", ARMENIA_DAY)]
    st = status(UNTOC, actions, ARMENIA_DAY)
    assert st.threshold_deposit.participant == "ZZZ"  # AAA is 39th, ZZZ the 40th
    assert st.entry_into_force == UNTOC_EIF


def test_later_deposit_gets_eif_when_its_30_days_fall_before_eif_and_30_days_after():
    actions = armenia_case() + [Action("EARLY", "accession", D(2003, 7, 2)),
                                Action("EDGE", "accession", D(2003, 8, 30)),
                                Action("LATER", "accession", D(2003, 9, 15))]
    st = status(UNTOC, actions, D(2003, 12, 31))
    assert party(st, "EARLY").in_force_date == UNTOC_EIF      # 1 Aug < 29 Sep
    assert party(st, "EDGE").in_force_date == UNTOC_EIF       # 29 Sep exactly
    assert party(st, "LATER").in_force_date == D(2003, 10, 15)


def test_reio_deposit_before_the_fortieth_is_a_party_but_not_counted():
    actions = deposits(39) + [Action("EUU", "approval", D(2003, 6, 1), is_reio=True)]
    st = status(UNTOC, actions, D(2003, 6, 30))
    assert (len(st.parties), st.parties_counted, st.deposits_needed) == (40, 39, 1)
    assert st.entry_into_force is None  # 40 deposits, but one is the REIO's: 41 needed
    st = status(UNTOC, actions + [Action("ARM", "ratification", ARMENIA_DAY)], ARMENIA_DAY)
    assert st.threshold_deposit.participant == "ARM"
    assert (len(st.parties), st.parties_counted) == (41, 40)
    eu = party(st, "EUU")
    assert (eu.counted, eu.is_reio, eu.in_force_date) == (False, True, UNTOC_EIF)


def test_reio_deposit_after_the_fortieth_gets_30_days_and_changes_no_count():
    actions = armenia_case() + [Action("EUU", "approval", D(2004, 5, 21), is_reio=True)]
    st = status(UNTOC, actions, D(2004, 12, 31))
    assert (len(st.parties), st.parties_counted) == (41, 40)
    assert party(st, "EUU").in_force_date == D(2004, 6, 20)
    assert st.threshold_deposit.participant == "ARM"


def test_protocol_reaching_forty_before_the_convention_is_in_force_waits_for_it():
    protocol = deposits(40, last=D(2003, 6, 15), prefix="P") + [
        Action("AUG", "ratification", D(2003, 8, 1)), Action("SEP", "ratification", D(2003, 9, 10))]
    st = status(TIP, protocol, D(2003, 12, 31), parent_actions=armenia_case())
    assert st.threshold_deposit.date == D(2003, 6, 15)  # own +90 would be 13 Sep 2003
    assert st.entry_into_force == UNTOC_EIF
    assert party(st, "P01").in_force_date == UNTOC_EIF
    assert party(st, "AUG").in_force_date == UNTOC_EIF        # 31 Aug, before the Convention
    assert party(st, "SEP").in_force_date == D(2003, 10, 10)
    assert entry_into_force(TIP, protocol, D(2003, 12, 31), armenia_case()) == UNTOC_EIF


def test_protocol_reaching_forty_after_the_convention_takes_its_own_date():
    protocol = deposits(40, last=D(2003, 9, 26), prefix="P")
    assert entry_into_force(TIP, protocol, D(2003, 9, 26), armenia_case()) == D(2003, 12, 25)


def test_protocol_at_forty_while_convention_not_at_forty_has_no_eif():
    protocol = deposits(40, last=D(2003, 6, 15), prefix="P")
    st = status(TIP, protocol, D(2003, 6, 30), parent_actions=armenia_case())
    assert st.threshold_deposit is not None and st.deposits_needed == 0
    assert st.entry_into_force is None
    assert all(p.in_force_date is None for p in st.parties)
    # without any parent actions at all, likewise
    assert entry_into_force(TIP, protocol, D(2010, 1, 1)) is None
    # once the Convention's 40th is on or before as_of, the Protocol's EIF is known
    assert entry_into_force(TIP, protocol, ARMENIA_DAY, armenia_case()) == UNTOC_EIF


@pytest.mark.parametrize("reverse", [False, True], ids=["earliest-listed-first", "earliest-listed-last"])
def test_duplicate_deposits_for_one_participant_count_once_earliest_wins(reverse):
    # S05 already deposits in deposits(39); two more deposits for it must not add to the count
    actions = deposits(39) + [Action("S05", "succession", D(2001, 1, 1)),
                              Action("S05", "accession", D(2003, 7, 1))]
    if reverse:
        actions.reverse()
    st = status(UNTOC, actions, D(2004, 1, 1))
    assert (len(st.parties), st.parties_counted, st.entry_into_force) == (39, 39, None)
    s05 = party(st, "S05")
    assert (s05.kind, s05.date) == ("succession", D(2001, 1, 1))
    assert st.parties[0].participant == "S05"
    assert cumulative_parties(UNTOC, actions, D(2004, 1, 1))[-1][1:] == (39, 39)


def test_in_force_date_directly():
    assert in_force_date(UNTOC, None, None, D(2003, 1, 1)) is None
    assert in_force_date(UNTOC, UNTOC_EIF, ARMENIA_DAY, ARMENIA_DAY) == UNTOC_EIF
    assert in_force_date(UNTOC, UNTOC_EIF, ARMENIA_DAY, D(2002, 1, 1)) == UNTOC_EIF
    assert in_force_date(UNTOC, UNTOC_EIF, ARMENIA_DAY, D(2003, 9, 1)) == D(2003, 10, 1)
    # deposits on the threshold day take the EIF even where 30 days would come later than it
    slow = Terms("X", days_after_threshold=10, days_after_later_deposit=30)
    assert in_force_date(slow, D(2003, 7, 11), ARMENIA_DAY, ARMENIA_DAY) == D(2003, 7, 11)
    assert in_force_date(slow, D(2003, 7, 11), ARMENIA_DAY, D(2003, 7, 2)) == D(2003, 8, 1)
    assert in_force_date(Terms("X", days_after_later_deposit=10), UNTOC_EIF, ARMENIA_DAY,
                         D(2003, 9, 25)) == D(2003, 10, 5)


def test_cumulative_parties_one_point_per_deposit_date():
    actions = [Action("A", "ratification", D(2001, 1, 1)), Action("B", "accession", D(2001, 1, 1)),
               Action("EUU", "approval", D(2001, 2, 1), is_reio=True), Action("C", "acceptance", D(2001, 3, 1)),
               Action("D", "ratification", D(2001, 4, 1)), Action("E", "signature", D(2000, 12, 12))]
    assert cumulative_parties(UNTOC, actions, D(2001, 3, 1)) == [
        (D(2001, 1, 1), 2, 2), (D(2001, 2, 1), 3, 2), (D(2001, 3, 1), 4, 3)]
    assert cumulative_parties(UNTOC, [], D(2001, 3, 1)) == []


def test_unknown_action_kind_is_refused():
    with pytest.raises(ValueError):
        Action("ARM", "ratifcation", ARMENIA_DAY)
    with pytest.raises(ValueError):
        Terms("X", threshold=0)


# The real depositary tables reproduce the annex of A/58/165 and the known EIF dates.

def real_actions(name):
    from app.formats.untc import parse_file

    table = parse_file(DATA / name)
    assert table.ok
    actions = []
    for row in table.rows:
        reio = row.participant == "European Union"
        if row.signature:
            actions.append(Action(row.participant, "signature", row.signature, reio))
        if row.deposit:
            actions.append(Action(row.participant, row.deposit_kind, row.deposit, reio))
    return actions


def test_real_untoc_table_gives_armenia_as_fortieth_and_29_september_2003():
    st = status(UNTOC, real_actions("XVIII-12-UNTOC.csv"), D(2003, 7, 2))
    assert (len(st.signatories), st.parties_counted) == (147, 40)  # the annex: 147 signatures, 40 ratifications
    assert (st.threshold_deposit.participant, st.threshold_deposit.date) == ("Armenia", ARMENIA_DAY)
    assert st.entry_into_force == UNTOC_EIF
    today = status(UNTOC, real_actions("XVIII-12-UNTOC.csv"), D(2025, 1, 1))
    assert len(today.parties) == today.parties_counted + 1  # the European Union does not count


@pytest.mark.parametrize("name, code, eif", [
    ("XVIII-12-a-TIP.csv", "TIP", D(2003, 12, 25)),
    ("XVIII-12-b-SOM.csv", "SOM", D(2004, 1, 28)),
    ("XVIII-12-c-FIREARMS.csv", "FIREARMS", D(2005, 7, 3)),
])
def test_real_protocol_tables_give_their_known_eif(name, code, eif):
    untoc = real_actions("XVIII-12-UNTOC.csv")
    terms = Terms(code, parent=UNTOC)
    assert entry_into_force(terms, real_actions(name), D(2025, 1, 1), untoc) == eif
    assert entry_into_force(terms, real_actions(name), D(2003, 7, 2), untoc) is None
