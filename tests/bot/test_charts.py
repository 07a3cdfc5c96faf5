"""The shared bar-chart helper: valid PNGs of sane size, text wrapped rather than cut, no bar for 0, colours
that mean one stated thing and read on Discord's dark and light themes."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops

from bot import charts
from bot.chart_text import ELLIPSIS, chart_text, face, wrap
from bot.charts import PADDING, WIDTH, Bar, Layout, bar_chart_png, format_value, plan, rounds_chart_png

ROOT = Path(__file__).resolve().parents[2]
DISCORD_LIGHT = (0xFF, 0xFF, 0xFF)  # the dark theme (#313338) shows the card as it is, being opaque


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    return image


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def pixels(image: Image.Image, box: tuple[int, int, int, int]) -> set[tuple[int, int, int]]:
    """The distinct colours inside ``box`` (x0, y0, x1, y1 inclusive)."""
    x0, y0, x1, y1 = box
    area = image.convert("RGB").crop((x0, y0, x1 + 1, y1 + 1))
    return {colour for _, colour in area.getcolors(area.width * area.height) or []}


def texts(layout: Layout) -> list[str]:
    return [item.text for item in layout.texts]


def test_bar_chart_decodes_with_one_row_per_bar() -> None:
    small = decode(bar_chart_png("Q", [("Yes", 3), ("No", 1)]))
    large = decode(bar_chart_png("Q", [(f"Option {i}", i) for i in range(25)], subtitle="25 options"))
    assert small.width == large.width == WIDTH
    assert 100 < small.height < large.height < 2000


def test_bad_values_are_drawn_as_zero() -> None:
    layout = plan("Q", [(None, [("nan", float("nan")), ("inf", float("inf")), ("neg", -3), ("big", 1e308)])])
    assert [bar.value for bar in layout.bars] == [0, 0, 0, 1e308]
    assert [bar.box is None for bar in layout.bars] == [True, True, True, False]
    values = [
        item.text for item in layout.texts if (item.size, item.colour) == (charts.LABEL_SIZE, charts.MUTED)
    ]
    assert values[:3] == ["0", "0", "0"]
    image = decode(charts.paint(layout))
    *bad, big = layout.bars
    for bar in bad:  # no bar: the track is background where a bar starts and past the "0" beside it
        x0, y0, x1, y1 = bar.track
        assert pixels(image, (x0, y0, x0 + 6, y1)) == {charts.BACKGROUND}, bar.label
        assert pixels(image, (x0 + 60, y0, x1, y1)) == {charts.BACKGROUND}, bar.label
    assert big.box is not None and big.box[:2] == big.track[:2]
    assert pixels(image, big.box) == {charts.BAR}  # the one positive value fills its track
    # Drawn exactly as the same labels with the value 0.
    zeros = decode(bar_chart_png("Q", [("nan", 0), ("inf", 0), ("neg", 0)]))
    bad_only = decode(bar_chart_png("Q", [("nan", float("nan")), ("inf", float("inf")), ("neg", -3)]))
    assert bad_only.size == zeros.size
    assert ImageChops.difference(bad_only.convert("RGB"), zeros.convert("RGB")).getbbox() is None
    empty = decode(bar_chart_png("Empty", []))
    assert pixels(empty, (0, empty.height - PADDING, WIDTH - 1, empty.height - 1)) == {charts.BACKGROUND}


def test_rounds_chart_is_capped_in_height() -> None:
    rounds = [(f"Round {n}", [(f"Option {i}", 25 - i) for i in range(25 - n)]) for n in range(25)]
    image = decode(rounds_chart_png("Ranked", rounds))
    assert image.height < 6000


def test_format_value() -> None:
    assert format_value(3.0) == "3" and format_value(2.25) == "2.2" and format_value(12345) == "12,345"


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=200), st.lists(st.tuples(st.text(max_size=100), st.floats()), max_size=8))
def test_any_text_renders(title: str, bars: list[tuple[str, float]]) -> None:
    decode(bar_chart_png(title, bars, subtitle=title, legend=title))


# ----- 5. long texts wrap to two lines; only what two lines cannot hold is shortened, after a whole word -----


def status_labels() -> list[str]:
    labels = []
    for lang in ("en", "ja"):
        catalog = tomllib.loads((ROOT / "cogs/disclosures/locales" / f"{lang}.toml").read_text("utf-8"))
        labels += [*catalog["disclosures"]["status"].values(), *catalog["disclosures"]["medium"].values()]
    return labels


def test_every_status_and_medium_label_is_drawn_whole() -> None:
    """The stats charts' labels, in both languages, are never cut ("Unconfirmed allegation (not verif…")."""
    font = face(charts.LABEL_SIZE)
    layout = plan("Stats", [(None, [(label, 1) for label in status_labels()])])
    for label, bar in zip(status_labels(), layout.bars, strict=True):
        assert ELLIPSIS not in "".join(bar.label)
        assert "".join(bar.label).replace(" ", "") == label.replace(" ", "")
        assert all(font.getlength(line) <= charts.LABEL_WIDTH for line in bar.label)


def test_a_label_wider_than_its_column_wraps_between_words() -> None:
    label = "Denied by the company (AI use not confirmed) in April"
    assert face(charts.LABEL_SIZE).getlength(label) > charts.LABEL_WIDTH
    (bar,) = plan("Q", [(None, [(label, 2)])]).bars
    assert len(bar.label) == 2 and " ".join(bar.label) == label
    wide = plan("Q", [(None, [(label, 2), ("Short", 1)])])
    assert wide.bars[1].track[1] - wide.bars[0].track[1] > charts.ROW_HEIGHT  # the two-line row is taller


def test_japanese_wraps_between_characters_and_not_before_closing_punctuation() -> None:
    label = "背景美術に生成AIを使用したと発表後に認めた作品、および関連する告知。"
    lines = wrap(label, face(charts.LABEL_SIZE), charts.LABEL_WIDTH)
    assert len(lines) == 2 and "".join(lines) == label
    assert not any(line[0] in "、。）」" for line in lines)


def test_a_long_subtitle_and_legend_wrap_instead_of_being_cut() -> None:
    legend = (
        "Tie between Keep the background art hand-painted, Allow AI backgrounds when credited upfront "
        "(equal totals share first place; ties are not broken)"
    )
    subtitle = "A poll of the members of the artists' server about backgrounds, credits and disclosure, " * 2
    layout = plan("Q", [(None, [("A", 3, True), ("B", 3, True)])], subtitle=subtitle, legend=legend)
    shown = [item for item in layout.texts if item.size == charts.SUB_SIZE]
    legend_lines = [item.text for item in shown if item.colour == charts.TEXT]
    subtitle_lines = [item.text for item in shown if item.colour == charts.MUTED]
    assert len(legend_lines) == len(subtitle_lines) == 2
    assert " ".join(legend_lines) == legend and " ".join(subtitle_lines) == subtitle.strip()


def test_only_text_too_long_for_two_lines_is_shortened_after_a_whole_word() -> None:
    font = face(charts.LABEL_SIZE)
    words = " ".join(["background"] * 40)
    lines = wrap(words, font, charts.LABEL_WIDTH)
    assert len(lines) == 2 and lines[1].endswith(ELLIPSIS)
    assert lines[1][: -len(ELLIPSIS)].split()[-1] == "background"
    one_word = wrap("x" * 5000, font, charts.LABEL_WIDTH)  # no word boundary at all: split where it must
    assert len(one_word) == 2 and set(one_word[0]) == {"x"} and one_word[1].endswith(ELLIPSIS)
    assert all(font.getlength(line) <= charts.LABEL_WIDTH for line in [*lines, *one_word])


def test_a_poll_question_of_240_characters_is_shown_whole() -> None:
    question = ("Should our server allow AI-assisted backgrounds in the monthly art challenge? " * 4)[:240]
    question = question.rsplit(" ", 1)[0]
    layout = plan(question, [(None, [("Yes", 1)])])
    title = [item.text for item in layout.texts if item.size == charts.TITLE_SIZE]
    assert ELLIPSIS not in "".join(title) and " ".join(title) == question


# ----- 5. a value of 0 draws no bar -----


def test_a_zero_value_draws_no_bar() -> None:
    sections = [(None, [Bar("Yes", 3), Bar("Nobody chose this", 0), Bar("Tiny", 0.01)])]
    layout = plan("Q", sections)
    image = decode(charts.paint(layout))
    yes, zero, tiny = layout.bars
    assert zero.box is None and "0" in texts(layout)
    x0, y0, _, y1 = zero.track
    assert pixels(image, (x0, y0, x0 + 6, y1)) == {charts.BACKGROUND}  # left of the "0", where a bar starts
    assert pixels(image, yes.box) == {charts.BAR}
    assert tiny.box is not None and pixels(image, tiny.box) == {charts.BAR}  # small, but still visible


# ----- 5. colours mean one stated thing, and read on both Discord themes -----


def test_the_largest_value_is_not_singled_out_by_colour() -> None:
    """The stats charts have no highlight: the largest status is the same colour as the rest."""
    layout = plan("By disclosure status", [(None, [("Credited upfront", 9), ("Denied", 2)])])
    image = decode(charts.paint(layout))
    assert [bar.colour for bar in layout.bars] == [charts.BAR, charts.BAR]
    assert pixels(image, layout.bars[0].box) == {charts.BAR}
    assert layout.swatch is None


def test_a_highlight_is_drawn_only_with_the_legend_that_explains_it() -> None:
    bars = [Bar("Winner", 3, True), Bar("Other", 5)]
    unexplained = plan("Q", [(None, bars)])
    assert {bar.colour for bar in unexplained.bars} == {charts.BAR} and unexplained.swatch is None
    layout = plan("Q", [(None, bars)], legend="🏆 Result: Winner")
    image = decode(charts.paint(layout))
    assert pixels(image, layout.bars[0].box) == {charts.HIGHLIGHT}
    assert pixels(image, layout.bars[1].box) == {charts.BAR}
    assert layout.swatch is not None and pixels(image, layout.swatch) == {charts.HIGHLIGHT}
    (legend,) = [item for item in layout.texts if item.text == "Result: Winner"]
    assert legend.xy[0] > layout.swatch[2] and layout.swatch[1] >= legend.xy[1]


def test_palette_contrast_on_the_card_and_on_both_discord_themes() -> None:
    assert contrast(charts.TEXT, charts.BACKGROUND) >= 7  # WCAG AAA for text
    assert contrast(charts.MUTED, charts.BACKGROUND) >= 7
    for colour in (charts.BAR, charts.HIGHLIGHT):
        assert contrast(colour, charts.BACKGROUND) >= 3  # WCAG non-text contrast
    assert contrast(charts.HIGHLIGHT, charts.BAR) >= 2  # told apart by lightness, not hue alone
    assert contrast(charts.BACKGROUND, DISCORD_LIGHT) >= 3  # the card stands out on the light theme
    image = decode(bar_chart_png("Q", [("A", 1)], legend="x"))
    assert image.mode == "RGB"  # opaque: the theme behind never changes the contrast above
    corners = {image.getpixel((0, 0)), image.getpixel((WIDTH - 1, image.height - 1))}
    assert corners == {charts.BACKGROUND}


@pytest.mark.parametrize("text", ["🏆 Result: A", "a\u202eb", "背景"])
def test_texts_are_drawn_in_their_colours(text: str) -> None:
    layout = plan(text, [(None, [("A", 1)])])
    image = decode(charts.paint(layout)).convert("RGB")
    (title,) = [item for item in layout.texts if item.size == charts.TITLE_SIZE]
    assert title.text == chart_text(text)
    x, y = int(title.xy[0]), int(title.xy[1])
    inked = pixels(image, (x, y, x + 60, y + 34)) - {charts.BACKGROUND}
    assert charts.TEXT in inked
