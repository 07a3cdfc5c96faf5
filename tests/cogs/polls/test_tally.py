"""Tally tables for every voting method, plus properties that must hold for any ballots."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.polls.tally import Method, TieRule, approval, count, instant_runoff, plurality, score

A, B, C, D = 0, 1, 2, 3


@pytest.mark.parametrize(
    ("ballots", "totals", "winners", "rule"),
    [
        ([[A], [A], [B]], (2, 1, 0), (A,), TieRule.NONE),
        ([[A], [B]], (1, 1, 0), (A, B), TieRule.SHARED_FIRST),
        ([], (0, 0, 0), (), TieRule.NONE),
        ([[9], [C]], (0, 0, 1), (C,), TieRule.NONE),  # unknown option (removed by an edit) ignored
        ([[B, A]], (0, 1, 0), (B,), TieRule.NONE),  # only the first choice counts
    ],
)
def test_plurality(ballots, totals, winners, rule) -> None:
    result = plurality([A, B, C], ballots)
    assert result.totals == tuple(float(t) for t in totals)
    assert result.winners == winners
    assert result.tie_rule is rule


@pytest.mark.parametrize(
    ("ballots", "cap", "totals", "winners"),
    [
        ([[A, B], [B], [B, C]], 2, (1, 3, 1), (B,)),
        ([[A, B, C]], 2, (1, 1, 0), (A, B)),  # choices beyond the cap are ignored
        ([[A, A, B]], None, (1, 1, 0), (A, B)),  # duplicates count once
        ([[A, B, C], [C]], None, (1, 1, 2), (C,)),
    ],
)
def test_approval_with_cap(ballots, cap, totals, winners) -> None:
    result = approval([A, B, C], ballots, cap)
    assert result.totals == tuple(float(t) for t in totals)
    assert result.winners == winners
    assert result.ballots == len(ballots)


def test_score_sums_and_clamps() -> None:
    result = score([A, B, C], [{A: 5, B: 3, C: 0}, {A: 1, B: 5, C: 9}, {B: -2}])
    assert result.totals == (6.0, 8.0, 5.0)
    assert result.winners == (B,)
    assert result.ballots == 3


def test_score_tie_is_shared() -> None:
    result = score([A, B], [{A: 4, B: 4}])
    assert result.winners == (A, B)
    assert result.tie_rule is TieRule.SHARED_FIRST


def test_irv_majority_in_first_round() -> None:
    result = instant_runoff([A, B, C], [[A], [A], [B]])
    assert result.winners == (A,)
    assert len(result.rounds) == 1


def test_irv_transfers_after_elimination() -> None:
    ballots = [[A, B]] * 4 + [[B, A]] * 3 + [[C, B]] * 2
    result = instant_runoff([A, B, C], ballots)
    assert [r.counts for r in result.rounds] == [{A: 4, B: 3, C: 2}, {A: 4, B: 5}]
    assert result.rounds[0].eliminated == (C,)
    assert result.winners == (B,)


def test_irv_exhausted_ballots_are_counted() -> None:
    ballots = [[A]] * 3 + [[B]] * 2 + [[C]] * 2 + [[C, B]]
    result = instant_runoff([A, B, C], ballots)
    # Round 1: A3 B2 C3 → B out and its two ballots exhaust; round 2: A3 C3 → reported as a tie.
    assert result.rounds[0].eliminated == (B,)
    assert result.rounds[1].exhausted == 2
    assert result.winners == (A, C)
    assert result.tie_rule is TieRule.IRV_ALL_EQUAL


def test_irv_last_place_tie_broken_by_previous_round() -> None:
    # Round 1: A5 B4 C3 D3 → C/D tied, no earlier round → batch eliminate both.
    ballots = [[A]] * 5 + [[B]] * 4 + [[C, B]] * 3 + [[D, A]] * 3
    result = instant_runoff([A, B, C, D], ballots)
    assert result.rounds[0].eliminated == (C, D)
    assert result.rounds[0].elimination_rule == "lowest_batch"
    assert result.winners == (A,)


def test_irv_previous_round_tie_break() -> None:
    # Round 1: A6 B4 C3 D2 → D out; round 2: B and C tie on 4, B had more in round 1 → C out.
    ballots = [[A]] * 6 + [[B]] * 4 + [[C]] * 3 + [[D, C]] * 1 + [[D]] * 1
    result = instant_runoff([A, B, C, D], ballots)
    assert result.rounds[0].eliminated == (D,)
    assert result.rounds[1].counts == {A: 6, B: 4, C: 4}
    assert result.rounds[1].eliminated == (C,)
    assert result.rounds[1].elimination_rule == "lowest_previous_round"
    assert result.winners == (A,)


def test_irv_no_ballots() -> None:
    result = instant_runoff([A, B], [])
    assert result.winners == ()
    assert result.ballots == 0


def test_irv_final_two_tie_reported() -> None:
    result = instant_runoff([A, B], [[A, B], [B, A]])
    assert result.winners == (A, B)
    assert result.is_tie
    assert result.tie_rule is TieRule.IRV_ALL_EQUAL


def test_count_dispatch() -> None:
    assert count(Method.SINGLE, [A, B], [[A]]).winners == (A,)
    assert count(Method.MULTIPLE, [A, B], [[A, B]], max_choices=1).winners == (A,)
    assert count(Method.RANKED, [A, B], [[B, A]]).winners == (B,)
    assert count(Method.SCORE, [A, B], [{A: 1, B: 2}]).winners == (B,)


ranked_ballots = st.lists(st.permutations([A, B, C, D]).map(lambda p: p[: 1 + p[0] % 4]), max_size=40)


@given(ranked_ballots)
def test_irv_properties(ballots) -> None:
    result = instant_runoff([A, B, C, D], ballots)
    for rnd in result.rounds:
        assert sum(rnd.counts.values()) + rnd.exhausted == len(ballots)
    if ballots:
        assert result.winners
        last = result.rounds[-1]
        assert all(last.counts[w] == max(last.counts.values()) for w in result.winners)
    else:
        assert result.winners == ()


@given(st.lists(st.lists(st.sampled_from([A, B, C]), max_size=3), max_size=50))
def test_plurality_totals_match_ballots(ballots) -> None:
    result = plurality([A, B, C], ballots)
    assert sum(result.totals) == sum(1 for b in ballots if b) == result.ballots
