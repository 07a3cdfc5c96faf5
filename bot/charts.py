"""Horizontal bar charts as PNG bytes (Pillow), shared by poll results and disclosure statistics.

Pure and synchronous: call it off the event loop (``asyncio.to_thread``). Any text is accepted; it is drawn
with the shipped fonts only, through :func:`bot.chart_text.chart_text` (no missing-glyph boxes), and wrapped
(titles to four lines, the rest to two) before anything is shortened, after a whole word, with "…".

Colours. Charts are dark cards (opaque, so they read the same on Discord's dark and light themes). Every bar is
``BAR``; a bar is ``HIGHLIGHT`` only when the caller marks it (a poll's winners), and then the chart carries a
legend line starting with a ``HIGHLIGHT`` swatch that says what it means. Nothing else is coloured: a bar's
colour never means "largest" or a status. Text has a contrast of at least 7:1 with the background, bars 3:1.
A bar of 0 is not drawn.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from PIL import Image, ImageDraw

from bot.chart_text import chart_text, face, wrap

WIDTH = 760  # Discord shows an embed image about 400–520 px wide: text stays legible
PADDING = 24
LABEL_WIDTH = 290
VALUE_WIDTH = 80
BAR_HEIGHT = 22
ROW_HEIGHT = 34  # a one-line row; each further label line adds LINE
LINE = 21
MAX_ROWS = 150
TITLE_SIZE, SUB_SIZE, LABEL_SIZE = 26, 16, 17
TITLE_LINES = 5  # a poll question may be 240 characters
SWATCH = 14

BACKGROUND = (30, 31, 34)  # Discord's darkest grey: a card on the dark theme, a dark panel on the light one
TEXT = (242, 243, 245)
MUTED = (181, 186, 193)
BAR = (88, 101, 242)  # blurple: one colour for every ordinary bar
HIGHLIGHT = (240, 178, 50)  # amber: the bars the legend names (a poll's winners), never "the largest"
GRID = (78, 80, 88)


class Bar(NamedTuple):
    """One bar: its label, its value, and whether it is highlighted (see the legend)."""

    label: str
    value: float
    highlight: bool = False


BarLike = Bar | tuple[str, float] | tuple[str, float, bool]
Section = tuple[str | None, Sequence[BarLike]]


@dataclass(frozen=True)
class TextItem:
    xy: tuple[float, float]
    text: str
    size: int
    colour: tuple[int, int, int]


@dataclass(frozen=True)
class BarItem:
    """A drawn row: its label lines, the box the bar may fill (``track``) and the part it fills (``box``)."""

    label: tuple[str, ...]
    value: float
    track: tuple[int, int, int, int]
    box: tuple[int, int, int, int] | None  # None: a value of 0 draws no bar
    colour: tuple[int, int, int]


@dataclass
class Layout:
    """Everything a chart draws, with coordinates: tests read it, :func:`paint` draws it."""

    height: int = 0
    texts: list[TextItem] = field(default_factory=list)
    bars: list[BarItem] = field(default_factory=list)
    rules: list[tuple[int, int, int, int]] = field(default_factory=list)
    swatch: tuple[int, int, int, int] | None = None


def format_value(value: float) -> str:
    """Whole numbers without decimals, others with one."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _safe(value: Any) -> float:
    """A drawable bar length: whatever the caller passed (a number, a numeric string, None…), 0 when it is not a
    finite positive number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _bar(item: BarLike) -> Bar:
    """A ``Bar`` from a bar or a ``(label, value[, highlight])`` tuple."""
    if isinstance(item, Bar):
        return item
    if len(item) == 3:
        return Bar(item[0], item[1], item[2])
    return Bar(*item)


def _rows(sections: Sequence[Section]) -> list[tuple[str | None, Bar | None]]:
    """Sections flattened into (heading, None) and (None, bar) rows, capped at ``MAX_ROWS``."""
    rows: list[tuple[str | None, Bar | None]] = []
    for heading, bars in sections:
        if heading:
            rows.append((heading, None))
        for item in bars:
            bar = _bar(item)
            rows.append((None, Bar(bar.label, _safe(bar.value), bool(bar.highlight))))
    if len(rows) > MAX_ROWS:
        rows = [*rows[: MAX_ROWS - 1], ("…", None)]
    return rows


def _header(layout: Layout, title: str, subtitle: str, legend: str, swatch: bool) -> float:
    """Title (up to ``TITLE_LINES`` lines), subtitle and legend (two lines each); the y below them."""
    title_font, sub_font = face(TITLE_SIZE), face(SUB_SIZE)
    full = WIDTH - 2 * PADDING
    y = float(PADDING)
    for line in wrap(title, title_font, full, TITLE_LINES):
        layout.texts.append(TextItem((PADDING, y), line, TITLE_SIZE, TEXT))
        y += 34
    y += 4
    for line in wrap(subtitle, sub_font, full):
        layout.texts.append(TextItem((PADDING, y), line, SUB_SIZE, MUTED))
        y += 22
    indent = SWATCH + 8 if swatch else 0
    for i, line in enumerate(wrap(legend, sub_font, full - indent)):
        if swatch and i == 0:
            layout.swatch = (PADDING, int(y) + 4, PADDING + SWATCH, int(y) + 4 + SWATCH)
        layout.texts.append(TextItem((PADDING + indent, y), line, SUB_SIZE, TEXT))
        y += 22
    return y + 10


def plan(
    title: str, sections: Sequence[Section], *, subtitle: str | None = None, legend: str | None = None
) -> Layout:
    """Lay a chart out: title and subtitle, an optional legend, then one row per bar or heading."""
    label_font = face(LABEL_SIZE)
    layout = Layout()
    rows = _rows(sections)
    legend_text = chart_text(legend or "")
    # A highlight is drawn only with a legend to say what it means.
    highlighted = bool(legend_text) and any(bar is not None and bar.highlight for _, bar in rows)
    y = _header(layout, chart_text(title), chart_text(subtitle or ""), legend_text, highlighted)
    scale = max((bar.value for _, bar in rows if bar is not None), default=0.0) or 1.0
    bar_left = PADDING + LABEL_WIDTH + 10
    bar_span = WIDTH - bar_left - VALUE_WIDTH - PADDING
    for heading, bar in rows:
        text = chart_text(heading if bar is None else bar.label)
        lines = wrap(text, label_font, WIDTH - 2 * PADDING if bar is None else LABEL_WIDTH)
        height = ROW_HEIGHT + LINE * max(len(lines) - 1, 0)
        for i, line in enumerate(lines):
            layout.texts.append(TextItem((PADDING, y + 6 + LINE * i), line, LABEL_SIZE, TEXT))
        if bar is None:
            layout.rules.append((PADDING, int(y + height - 4), WIDTH - PADDING, int(y + height - 4)))
            y += height
            continue
        top = int(y + (height - BAR_HEIGHT) / 2)
        track = (bar_left, top, bar_left + bar_span, top + BAR_HEIGHT)
        length = round(bar_span * (bar.value / scale))
        box = (bar_left, top, bar_left + max(length, 2), top + BAR_HEIGHT) if bar.value > 0 else None
        colour = HIGHLIGHT if highlighted and bar.highlight else BAR
        layout.bars.append(BarItem(tuple(lines), bar.value, track, box, colour))
        value_x = (box[2] if box else bar_left) + 8
        layout.texts.append(TextItem((value_x, top), format_value(bar.value), LABEL_SIZE, MUTED))
        y += height
    layout.height = int(y + (0 if rows else ROW_HEIGHT)) + PADDING
    return layout


def paint(layout: Layout) -> bytes:
    """The PNG of a planned chart."""
    image = Image.new("RGB", (WIDTH, layout.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for rule in layout.rules:
        draw.line(rule, GRID, 1)
    if layout.swatch:
        draw.rectangle(layout.swatch, fill=HIGHLIGHT)
    for bar in layout.bars:
        if bar.box is not None:
            draw.rectangle(bar.box, fill=bar.colour)
    for item in layout.texts:  # one font per run, all on the line's baseline
        x, top = item.xy
        fonts = face(item.size)
        for run, font in fonts.runs(item.text):
            draw.text((x, top + fonts.ascent), run, item.colour, font, anchor="ls")
            x += font.getlength(run)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def bar_chart_png(
    title: str, bars: Sequence[BarLike], *, subtitle: str | None = None, legend: str | None = None
) -> bytes:
    """One horizontal bar per (label, value[, highlight]); ``legend`` says what a highlight means."""
    return paint(plan(title, [(None, bars)], subtitle=subtitle, legend=legend))


def rounds_chart_png(
    title: str,
    rounds: Iterable[tuple[str, Sequence[BarLike]]],
    *,
    subtitle: str | None = None,
    legend: str | None = None,
) -> bytes:
    """One block of bars per (heading, bars) — e.g. each instant-runoff round — on a shared scale."""
    return paint(plan(title, list(rounds), subtitle=subtitle, legend=legend))
