"""The result chart of a poll as PNG bytes (pure; call it with ``asyncio.to_thread``)."""

from __future__ import annotations

from bot.charts import bar_chart_png, rounds_chart_png
from cogs.polls.model import Poll
from cogs.polls.summary import Text, outcome_line
from cogs.polls.tally import RunoffResult, Totals


def result_chart(poll: Poll, result: Totals | RunoffResult, t: Text) -> bytes:
    """Bars per option; for instant-runoff one block of bars per round."""
    subtitle = t("polls.chart.subtitle", ballots=result.ballots, outcome=outcome_line(poll, result, t))
    subtitle = subtitle.replace("*", "")
    if isinstance(result, RunoffResult) and result.rounds:
        rounds = [
            (
                t("polls.chart.round", n=n, exhausted=rnd.exhausted),
                [(poll.label(o), float(c)) for o, c in rnd.counts.items()],
            )
            for n, rnd in enumerate(result.rounds, 1)
        ]
        return rounds_chart_png(poll.question, rounds, subtitle=subtitle)
    if isinstance(result, RunoffResult):
        bars = [(o.label, 0.0) for o in poll.options]
    else:
        bars = [(o.label, v) for o, v in zip(poll.options, result.totals, strict=True)]
    return bar_chart_png(poll.question, bars, subtitle=subtitle)
