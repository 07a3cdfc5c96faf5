"""A poll's result chart: the winners highlighted with the outcome as the legend, no bar for 0 votes, no
emoji (spelled out when an option is nothing else), in English and Japanese."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from bot import charts
from bot.i18n import Catalogs
from cogs.polls.chart import result_chart
from cogs.polls.model import Poll, State
from cogs.polls.options import Option
from cogs.polls.tally import Method, count

LOCALES = Path(__file__).resolve().parents[3] / "cogs" / "polls" / "locales"


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    loaded = Catalogs()
    loaded.load_dir(LOCALES)
    return loaded


def translator(catalogs: Catalogs, lang: str) -> Callable[..., str]:
    return lambda key, **params: catalogs.text(key, lang, **params)


def make_poll(method: Method, labels: list[str]) -> Poll:
    return Poll(
        guild_id=1,
        channel_id=2,
        question="Which background style?",
        options=tuple(Option(i + 1, label) for i, label in enumerate(labels)),
        method=method,
        max_choices=len(labels),
        secret=False,
        hidden=False,
        eligible_role_id=None,
        ping_role_id=None,
        closes_at=time.time(),
        created_by=1,
        id=3,
        message_id=None,
        state=State.CLOSED,
        created_at=time.time(),
    )


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[charts.Layout]:
    """The layout of every chart painted while the test runs (the PNG is still made)."""
    seen: list[charts.Layout] = []
    paint = charts.paint

    def spy(layout: charts.Layout) -> bytes:
        seen.append(layout)
        png = paint(layout)
        Image.open(io.BytesIO(png)).load()
        return png

    monkeypatch.setattr(charts, "paint", spy)
    return seen


def lines(layout: charts.Layout) -> list[str]:
    return [item.text for item in layout.texts]


def test_the_winner_is_highlighted_and_the_legend_says_so(catalogs, layouts) -> None:
    poll = make_poll(Method.SINGLE, ["Hand-painted", "AI-assisted", "Nobody's pick"])
    result = count(poll.method, poll.option_ids, [[1], [1], [2]])
    result_chart(poll, result, translator(catalogs, "en"))
    (layout,) = layouts
    assert [bar.colour for bar in layout.bars] == [charts.HIGHLIGHT, charts.BAR, charts.BAR]
    assert layout.bars[2].box is None  # 0 votes: no bar
    assert layout.swatch is not None and "Result: Hand-painted" in lines(layout)
    assert not any("🏆" in line or "*" in line for line in lines(layout))


def test_a_tie_highlights_every_tied_option_in_japanese(catalogs, layouts) -> None:
    poll = make_poll(Method.MULTIPLE, ["手描き", "AI 補助", "どちらでも"])
    result = count(poll.method, poll.option_ids, [[1, 2], [1, 2], [3]], max_choices=3)
    result_chart(poll, result, translator(catalogs, "ja"))
    (layout,) = layouts
    assert [bar.colour for bar in layout.bars] == [charts.HIGHLIGHT, charts.HIGHLIGHT, charts.BAR]
    legend = "".join(line for line in lines(layout) if "同点" in line or "手描き" in line)
    assert "手描き, AI 補助 が同点" in legend and "🤝" not in legend


def test_every_round_highlights_the_winner_and_spells_out_an_emoji_option(catalogs, layouts) -> None:
    poll = make_poll(Method.RANKED, ["🍎", "Pears", "Plums"])
    ballots = [[1, 2], [1], [2, 1], [2], [3, 1]]
    result = count(poll.method, poll.option_ids, ballots)
    result_chart(poll, result, translator(catalogs, "en"))
    (layout,) = layouts
    assert len(result.rounds) == 2
    highlighted = [bar.label for bar in layout.bars if bar.colour == charts.HIGHLIGHT]
    assert highlighted == [(":red apple:",)] * len(result.rounds)
    assert "Result: :red apple:" in lines(layout)


def test_no_votes_means_no_highlight_and_no_bars(catalogs, layouts) -> None:
    poll = make_poll(Method.SCORE, ["A", "B"])
    result_chart(poll, count(poll.method, poll.option_ids, []), translator(catalogs, "en"))
    (layout,) = layouts
    assert layout.swatch is None and all(bar.box is None for bar in layout.bars)
    assert "No votes were cast." in lines(layout)
