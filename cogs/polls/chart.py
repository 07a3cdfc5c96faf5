"""The result chart of a poll as PNG bytes (pure; call it with ``asyncio.to_thread``).

The winners' bars are highlighted, and the outcome line ("Result: …", "Tie between …") is the legend that says
so. The chart fonts have no emoji: :mod:`bot.chart_text` leaves the catalog's markers out, and spells out an
option that is nothing but emoji (":red apple:") — in its bar and in the legend alike.
"""

from __future__ import annotations

from dataclasses import replace

from bot.chart_text import chart_text
from bot.charts import Bar, bar_chart_png, rounds_chart_png
from cogs.polls.model import Poll
from cogs.polls.summary import Text, outcome_line
from cogs.polls.tally import RunoffResult, Totals


def result_chart(poll: Poll, result: Totals | RunoffResult, t: Text) -> bytes:
    """Bars per option; for instant-runoff one block of bars per round."""
    poll = replace(poll, options=tuple(replace(o, label=chart_text(o.label)) for o in poll.options))
    subtitle = t("polls.results.ballots", count=result.ballots)
    legend = outcome_line(poll, result, t).replace("*", "")
    winners = set(result.winners)
    if isinstance(result, RunoffResult) and result.rounds:
        rounds = [
            (
                t("polls.chart.round", n=n, exhausted=rnd.exhausted),
                [Bar(poll.label(o), float(c), o in winners) for o, c in rnd.counts.items()],
            )
            for n, rnd in enumerate(result.rounds, 1)
        ]
        return rounds_chart_png(poll.question, rounds, subtitle=subtitle, legend=legend)
    if isinstance(result, RunoffResult):
        bars = [Bar(o.label, 0.0) for o in poll.options]
    else:
        bars = [Bar(o.label, v, o.id in winners) for o, v in zip(poll.options, result.totals, strict=True)]
    return bar_chart_png(poll.question, bars, subtitle=subtitle, legend=legend)
