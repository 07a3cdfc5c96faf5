"""Count ballots for each voting method (pure): plurality, approval with a cap, instant-runoff, score.

Options are identified by stable integer ids. Ballots naming unknown options (e.g. removed by an edit) have
those choices ignored. Ties are never broken at random: they are reported with the rule that was applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

MAX_SCORE = 5


class Method(StrEnum):
    """How members vote and how their ballots are counted."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    RANKED = "ranked"
    SCORE = "score"


class TieRule(StrEnum):
    """Which rule produced the final outcome when options ended level (a catalog suffix)."""

    NONE = "none"
    SHARED_FIRST = "shared_first"  # plurality/approval/score: equal top totals share first place
    IRV_ALL_EQUAL = "irv_all_equal"  # instant-runoff: every continuing option had the same count


class EliminationRule(StrEnum):
    """Why an instant-runoff round eliminated the options it did (a catalog suffix)."""

    NONE = ""  # the round eliminated nobody
    LOWEST = "lowest"
    LOWEST_PREVIOUS_ROUND = "lowest_previous_round"  # tied for last, settled by an earlier round's counts
    LOWEST_BATCH = "lowest_batch"  # still tied: all of them eliminated together


@dataclass(frozen=True)
class Totals:
    """Per-option totals (in option order), the winners and how a tie (if any) was settled."""

    options: tuple[int, ...]
    totals: tuple[float, ...]
    ballots: int
    winners: tuple[int, ...]
    tie_rule: TieRule = TieRule.NONE

    @property
    def is_tie(self) -> bool:
        return len(self.winners) > 1


@dataclass(frozen=True)
class Round:
    """One instant-runoff round: counts of continuing options, who was eliminated and why."""

    counts: dict[int, int]
    exhausted: int
    eliminated: tuple[int, ...] = ()
    elimination_rule: EliminationRule = EliminationRule.NONE


@dataclass(frozen=True)
class RunoffResult:
    """The rounds of an instant-runoff count and its outcome."""

    options: tuple[int, ...]
    ballots: int
    rounds: tuple[Round, ...]
    winners: tuple[int, ...]
    tie_rule: TieRule = TieRule.NONE
    first_preferences: dict[int, int] = field(default_factory=dict)

    @property
    def is_tie(self) -> bool:
        return len(self.winners) > 1

    @property
    def exhausted(self) -> int:
        return self.rounds[-1].exhausted if self.rounds else 0


def _top(options: Sequence[int], totals: Sequence[float]) -> tuple[tuple[int, ...], TieRule]:
    best = max(totals, default=0)
    if best <= 0:
        return (), TieRule.NONE
    winners = tuple(o for o, t in zip(options, totals, strict=True) if t == best)
    return winners, TieRule.SHARED_FIRST if len(winners) > 1 else TieRule.NONE


def _clean(ballot: Iterable[int], known: set[int]) -> list[int]:
    """Known options in ballot order, each once."""
    seen: list[int] = []
    for option in ballot:
        if option in known and option not in seen:
            seen.append(option)
    return seen


def plurality(options: Sequence[int], ballots: Iterable[Iterable[int]]) -> Totals:
    """One choice per ballot (the first known one); the most votes wins."""
    known = set(options)
    counts = dict.fromkeys(options, 0)
    n = 0
    for ballot in ballots:
        chosen = _clean(ballot, known)
        if chosen:
            counts[chosen[0]] += 1
            n += 1
    totals = tuple(float(counts[o]) for o in options)
    winners, rule = _top(options, totals)
    return Totals(tuple(options), totals, n, winners, rule)


def approval(
    options: Sequence[int], ballots: Iterable[Iterable[int]], max_choices: int | None = None
) -> Totals:
    """Each ballot approves up to ``max_choices`` options (extra choices beyond the cap are ignored)."""
    known = set(options)
    cap = max_choices if max_choices and max_choices > 0 else len(options)
    counts = dict.fromkeys(options, 0)
    n = 0
    for ballot in ballots:
        chosen = _clean(ballot, known)[:cap]
        if chosen:
            n += 1
            for option in chosen:
                counts[option] += 1
    totals = tuple(float(counts[o]) for o in options)
    winners, rule = _top(options, totals)
    return Totals(tuple(options), totals, n, winners, rule)


def score(options: Sequence[int], ballots: Iterable[Mapping[int, int]]) -> Totals:
    """Each ballot gives every option 0–5 (missing = 0); the highest total wins. Totals are sums."""
    known = set(options)
    sums = dict.fromkeys(options, 0)
    n = 0
    for ballot in ballots:
        counted = False
        for option, value in ballot.items():
            if option in known:
                sums[option] += max(0, min(MAX_SCORE, int(value)))
                counted = True
        n += counted
    totals = tuple(float(sums[o]) for o in options)
    winners, rule = _top(options, totals)
    return Totals(tuple(options), totals, n, winners, rule)


def averages(result: Totals) -> tuple[float, ...]:
    """Average score per option over the ballots cast (0 when nobody voted)."""
    return tuple(t / result.ballots if result.ballots else 0.0 for t in result.totals)


def instant_runoff(options: Sequence[int], ballots: Iterable[Iterable[int]]) -> RunoffResult:
    """Instant-runoff: a majority of continuing ballots wins; otherwise eliminate the lowest and recount.

    Ties for last place are broken by the previous round's counts (going back round by round); when still
    tied, all of them are eliminated together. When every continuing option has the same count (or every
    ballot is exhausted), the continuing options are reported as tied.
    """
    known = set(options)
    cleaned = [b for b in (_clean(ballot, known) for ballot in ballots) if b]
    continuing = list(options)
    rounds: list[Round] = []
    history: list[dict[int, int]] = []
    first = {o: 0 for o in options}
    for ballot in cleaned:
        first[ballot[0]] += 1
    while continuing:
        alive = set(continuing)
        counts = dict.fromkeys(continuing, 0)
        exhausted = 0
        for ballot in cleaned:
            pick = next((o for o in ballot if o in alive), None)
            if pick is None:
                exhausted += 1
            else:
                counts[pick] += 1
        active = sum(counts.values())
        history.append(counts)
        if active == 0:  # only when nobody voted: batch eliminations never remove every option with votes
            rounds.append(Round(counts, exhausted))
            return RunoffResult(tuple(options), len(cleaned), tuple(rounds), (), TieRule.NONE, first)
        leader = max(counts.values())
        if leader * 2 > active or len(continuing) == 1:
            rounds.append(Round(counts, exhausted))
            winner = tuple(o for o in continuing if counts[o] == leader)
            return RunoffResult(tuple(options), len(cleaned), tuple(rounds), winner, TieRule.NONE, first)
        if len(set(counts.values())) == 1:
            rounds.append(Round(counts, exhausted))
            return RunoffResult(
                tuple(options), len(cleaned), tuple(rounds), tuple(continuing), TieRule.IRV_ALL_EQUAL, first
            )
        eliminated, rule_name = _lowest(continuing, history)
        rounds.append(Round(counts, exhausted, eliminated, rule_name))
        continuing = [o for o in continuing if o not in eliminated]
    return RunoffResult(tuple(options), len(cleaned), tuple(rounds), (), TieRule.NONE, first)


def _lowest(
    continuing: Sequence[int], history: Sequence[Mapping[int, int]]
) -> tuple[tuple[int, ...], EliminationRule]:
    current = history[-1]
    low = min(current[o] for o in continuing)
    tied = [o for o in continuing if current[o] == low]
    if len(tied) == 1:
        return tuple(tied), EliminationRule.LOWEST
    for earlier in reversed(history[:-1]):
        low = min(earlier.get(o, 0) for o in tied)
        narrowed = [o for o in tied if earlier.get(o, 0) == low]
        if len(narrowed) == 1:
            return tuple(narrowed), EliminationRule.LOWEST_PREVIOUS_ROUND
        tied = narrowed
    return tuple(tied), EliminationRule.LOWEST_BATCH


def count(
    method: Method,
    options: Sequence[int],
    ballots: Sequence[Sequence[int] | Mapping[int, int]],
    *,
    max_choices: int | None = None,
) -> Totals | RunoffResult:
    """Dispatch to the counting function for ``method``."""
    if method is Method.SINGLE:
        return plurality(options, ballots)
    if method is Method.MULTIPLE:
        return approval(options, ballots, max_choices)
    if method is Method.RANKED:
        return instant_runoff(options, ballots)
    return score(options, _score_ballots(ballots))


def _score_ballots(ballots: Iterable[Sequence[int] | Mapping[int, int]]) -> Iterator[Mapping[int, int]]:
    """A score poll's ballots, which map options to scores (every stored one does: see ``normalize_choices``)."""
    for ballot in ballots:
        if not isinstance(ballot, Mapping):
            raise TypeError(f"a score ballot maps options to scores, not {type(ballot).__name__}")
        yield ballot
