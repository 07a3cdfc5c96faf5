"""Turn a poll and its tally into lines of text (pure): option counts, winners, ties, instant-runoff rounds.

Every function takes ``t(key, **params) -> str`` so the same code serves any language. The lines are markdown
for the public poll and results messages: every option label in them is a member's text, shown through
``shown_label`` (no formatting, no pings). Only ``outcome_line`` can also give the labels raw, for the chart's
legend (an image, not markdown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, get_args

from bot.text import ELLIPSIS, untrusted
from cogs.polls.model import Poll
from cogs.polls.options import MAX_OPTION_LENGTH, MAX_QUESTION_LENGTH
from cogs.polls.tally import Method, RunoffResult, Totals, averages

Text = Callable[..., str]
BAR_WIDTH = 10
# Where outcome_line's keys are (polls.<stage>.winner…): a closed poll's result, an open poll's lead.
OutcomeStage = Literal["summary", "summary.open"]
OUTCOME_STAGES: tuple[OutcomeStage, ...] = get_args(OutcomeStage)
# A label as a message shows it: escaping at most doubles a label, so one that passed validation is never cut;
# only a longer one (older data) is clipped, before it is escaped.
LABEL_LIMIT = 2 * MAX_OPTION_LENGTH
QUESTION_LIMIT = 2 * MAX_QUESTION_LENGTH  # the same for a question
# The option lines' share of a description (4000 characters), and one line without its label (bar, bold,
# count or score): however much the labels need escaping, every option keeps its line.
OPTIONS_ROOM = 3000
LINE_ROOM = 50
# One list of labels within a line (a tie, a round's counts, the options an edit removed): a round's line holds
# two, so a line stays well inside the description and is never cut in the middle of an escape.
LIST_LIMIT = 1500


def shown_label(label: str, limit: int = LABEL_LIMIT) -> str:
    """An option label inside the bot's own markdown (``**{label}**``, lists): what the member typed, on one
    line, without formatting or pings (``bot.text.untrusted``: clipped first, then escaped)."""
    return untrusted(label, limit, one_line=True)


def shown_question(question: str) -> str:
    """A poll's question inside the bot's own text (replies, confirmations): on one line, without formatting or
    pings."""
    return untrusted(question, QUESTION_LIMIT, one_line=True)


def label_limit(options: int) -> int:
    """How long each label of a poll with ``options`` options may be in its line of the poll message, so that
    every option has its line: a valid label is always shown whole when it has nothing to escape, and whole
    however escaped when the poll has few options (a longer one is clipped before it is escaped)."""
    return max(MAX_OPTION_LENGTH, min(LABEL_LIMIT, OPTIONS_ROOM // max(options, 1) - LINE_ROOM))


def joined(parts: Sequence[str], separator: str = ", ", limit: int = LIST_LIMIT) -> str:
    """Already escaped ``parts`` joined whole while they fit in ``limit``; the rest is one …. No part is ever
    cut, so no escape is left half."""
    out: list[str] = []
    used = 0
    for part in parts:
        if used + len(part) > limit - len(separator) - len(ELLIPSIS):
            out.append(ELLIPSIS)
            break
        out.append(part)
        used += len(part) + len(separator)
    return separator.join(out)


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
    limit = label_limit(len(poll.options))
    lines = []
    for i, (option, value) in enumerate(zip(poll.options, values, strict=True)):
        share = value / denominator if denominator else 0.0
        if avg is not None:
            detail = t("polls.summary.score_line", total=number(value), average=f"{avg[i]:.2f}")
        else:
            detail = t("polls.summary.count_line", count=number(value), percent=f"{share * 100:.0f}")
        lines.append(f"`{bar(share)}` **{shown_label(option.label, limit)}** — {detail}")
    return lines


def outcome_line(poll: Poll, result: Totals | RunoffResult, t: Text, *, markdown: bool = False) -> str:
    """Who won, or who tied and under which rule, or that nobody voted. While the poll is open nothing is
    decided: it says who leads (the moderators' view of a hidden poll, a live chart), never "Result".

    ``markdown=True`` for a message: the labels are shown through ``shown_label``. Without it they are raw, for
    the chart's legend (an image: an escape would be drawn as a backslash)."""
    stage: OutcomeStage = "summary" if not poll.is_open else "summary.open"
    if not result.winners:
        return t(f"polls.{stage}.no_votes")
    if markdown:
        names = joined([shown_label(poll.label(w)) for w in result.winners])
    else:
        names = ", ".join(poll.label(w) for w in result.winners)
    if result.is_tie:
        return t(f"polls.{stage}.tie", options=names, rule=t(f"polls.tie.{result.tie_rule.value}"))
    return t(f"polls.{stage}.winner", option=names)


def round_lines(poll: Poll, result: RunoffResult, t: Text) -> list[str]:
    """One line per instant-runoff round: counts, exhausted ballots, who was eliminated and why."""
    lines = []
    for n, rnd in enumerate(result.rounds, 1):
        counts = joined(
            [
                f"{shown_label(poll.label(o))} {c}"
                for o, c in sorted(rnd.counts.items(), key=lambda kv: -kv[1])
            ],
            " · ",
        )
        line = t("polls.summary.round", n=n, counts=counts, exhausted=rnd.exhausted)
        if rnd.eliminated:
            out = joined([shown_label(poll.label(o)) for o in rnd.eliminated])
            line += " " + t(
                "polls.summary.eliminated", options=out, rule=t(f"polls.elimination.{rnd.elimination_rule}")
            )
        lines.append(line)
    return lines
