"""Turn a poll and its tally into lines of text (pure): option counts, winners, ties, instant-runoff rounds.

Every function takes ``t(key, **params) -> str`` so the same code serves any language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

from cogs.polls.model import Poll
from cogs.polls.tally import Method, RunoffResult, Totals, averages

Text = Callable[..., str]
BAR_WIDTH = 10
# Where outcome_line's keys are (polls.<stage>.winner…): a closed poll's result, an open poll's lead.
OutcomeStage = Literal["summary", "summary.open"]
OUTCOME_STAGES: tuple[OutcomeStage, ...] = get_args(OutcomeStage)


def bar(share: float) -> str:
    filled = round(max(0.0, min(1.0, share)) * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def number(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,.1f}"


def option_lines(poll: Poll, result: Totals | RunoffResult, t: Text) -> list[str]:
    """One line per option with its count (first preferences for ranked, total and average for score)."""
    if isinstance(result, RunoffResult):
        values = [float(result.first_preferences.get(o, 0)) for o in poll.option_ids]
        denominator = float(result.ballots)
    else:
        values = list(result.totals)
        denominator = float(result.ballots) if poll.method is not Method.SCORE else max(values, default=0.0)
    avg = averages(result) if isinstance(result, Totals) and poll.method is Method.SCORE else None
    lines = []
    for i, (option, value) in enumerate(zip(poll.options, values, strict=True)):
        share = value / denominator if denominator else 0.0
        if avg is not None:
            detail = t("polls.summary.score_line", total=number(value), average=f"{avg[i]:.2f}")
        else:
            detail = t("polls.summary.count_line", count=number(value), percent=f"{share * 100:.0f}")
        lines.append(f"`{bar(share)}` **{option.label}** — {detail}")
    return lines


def outcome_line(poll: Poll, result: Totals | RunoffResult, t: Text) -> str:
    """Who won, or who tied and under which rule, or that nobody voted. While the poll is open nothing is
    decided: it says who leads (the moderators' view of a hidden poll, a live chart), never "Result"."""
    stage: OutcomeStage = "summary" if not poll.is_open else "summary.open"
    if not result.winners:
        return t(f"polls.{stage}.no_votes")
    names = ", ".join(poll.label(w) for w in result.winners)
    if result.is_tie:
        return t(f"polls.{stage}.tie", options=names, rule=t(f"polls.tie.{result.tie_rule.value}"))
    return t(f"polls.{stage}.winner", option=names)


def round_lines(poll: Poll, result: RunoffResult, t: Text) -> list[str]:
    """One line per instant-runoff round: counts, exhausted ballots, who was eliminated and why."""
    lines = []
    for n, rnd in enumerate(result.rounds, 1):
        counts = " · ".join(
            f"{poll.label(o)} {c}" for o, c in sorted(rnd.counts.items(), key=lambda kv: -kv[1])
        )
        line = t("polls.summary.round", n=n, counts=counts, exhausted=rnd.exhausted)
        if rnd.eliminated:
            out = ", ".join(poll.label(o) for o in rnd.eliminated)
            line += " " + t(
                "polls.summary.eliminated", options=out, rule=t(f"polls.elimination.{rnd.elimination_rule}")
            )
        lines.append(line)
    return lines
