"""The shared bar-chart helper: valid PNGs of sane size for any text, including CJK and hostile labels."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.charts import WIDTH, bar_chart_png, clean_text, format_value, rounds_chart_png


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    return image


def test_bar_chart_decodes_with_one_row_per_bar() -> None:
    small = decode(bar_chart_png("Q", [("Yes", 3), ("No", 1)]))
    large = decode(bar_chart_png("Q", [(f"Option {i}", i) for i in range(25)], subtitle="25 options"))
    assert small.width == large.width == WIDTH
    assert 100 < small.height < large.height < 2000


def test_long_cjk_and_hostile_labels_do_not_crash() -> None:
    labels = [
        "背景美術にAIを使うことについてどう思いますか" * 5,
        "\x00\ud800\u202e evil\nline",
        "🎨🖌️",
        "",
        "x" * 5000,
    ]
    image = decode(bar_chart_png("投票 #1: 生成AI", [(label, 1.5) for label in labels], subtitle="日本語"))
    assert image.height < 1000


def test_bad_values_are_drawn_as_zero() -> None:
    decode(bar_chart_png("Q", [("nan", float("nan")), ("inf", float("inf")), ("neg", -3)]))
    decode(bar_chart_png("Empty", []))


def test_rounds_chart_is_capped_in_height() -> None:
    rounds = [(f"Round {n}", [(f"Option {i}", 25 - i) for i in range(25 - n)]) for n in range(25)]
    image = decode(rounds_chart_png("Ranked", rounds))
    assert image.height < 6000


def test_helpers() -> None:
    assert clean_text("a\nb\x00c") == "a bc"
    assert format_value(3.0) == "3" and format_value(2.25) == "2.2"


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=200), st.lists(st.tuples(st.text(max_size=100), st.floats()), max_size=8))
def test_any_text_renders(title: str, bars: list[tuple[str, float]]) -> None:
    decode(bar_chart_png(title, bars, subtitle=title))
