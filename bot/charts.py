"""Horizontal bar charts as PNG bytes (Pillow), shared by poll results and disclosure statistics.

Pure and synchronous: call it off the event loop (``asyncio.to_thread``). Japanese labels render when a CJK
font (Noto CJK, IPA, Takao…) is installed; otherwise DejaVu or Pillow's built-in font is used. Any text is
accepted: control characters and lone surrogates are dropped, long labels are shortened with "…".
"""

from __future__ import annotations

import io
import logging
import math
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

WIDTH = 900
PADDING = 24
ROW_HEIGHT = 34
BAR_HEIGHT = 22
LABEL_WIDTH = 300
VALUE_WIDTH = 90
MAX_ROWS = 150
BACKGROUND = (255, 255, 255)
TEXT = (34, 34, 40)
MUTED = (110, 110, 120)
BAR = (91, 125, 177)
BAR_LEADER = (214, 120, 66)
GRID = (230, 230, 236)

FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".fonts",
    Path.home() / ".local/share/fonts",
    Path("/System/Library/Fonts"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)
# Fonts that cover Japanese (and Latin), best first; then Latin-only fallbacks.
CJK_FONT_NAMES = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKjp-Regular.otf",
    "NotoSansJP-Regular.otf",
    "NotoSansJP-Regular.ttf",
    "NotoSansJP[wght].ttf",
    "SourceHanSans-Regular.ttc",
    "ipagp.ttf",
    "ipag.ttf",
    "TakaoPGothic.ttf",
    "VL-PGothic-Regular.ttf",
    "DroidSansFallbackFull.ttf",
    "YuGothM.ttc",
    "msgothic.ttc",
    "ヒラギノ角ゴシック W3.ttc",
)
LATIN_FONT_NAMES = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=1)
def find_font_path() -> Path | None:
    """The best installed font for mixed Japanese/Latin text, or ``None`` (use Pillow's built-in)."""
    found: dict[str, Path] = {}
    wanted = set(CJK_FONT_NAMES) | set(LATIN_FONT_NAMES)
    for directory in FONT_DIRS:
        try:
            if not directory.is_dir():
                continue
            for path in directory.rglob("*"):
                if path.name in wanted and path.name not in found:
                    found[path.name] = path
        except OSError:
            continue
    for name in (*CJK_FONT_NAMES, *LATIN_FONT_NAMES):
        if name in found:
            return found[name]
    return None


@lru_cache(maxsize=8)
def load_font(size: int) -> Font:
    """A font of ``size`` px; never raises."""
    path = find_font_path()
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            log.warning("Could not load font %s; using Pillow's default", path)
    try:
        return ImageFont.load_default(size)
    except (TypeError, OSError):
        return ImageFont.load_default()


def clean_text(text: object) -> str:
    """Printable text only: no control characters, lone surrogates or line breaks."""
    raw = str(text)
    kept = []
    for ch in raw:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Co", "Cn") or category == "Zl" or category == "Zp":
            kept.append(" " if ch in "\n\r\t" else "")
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


def fit(draw: ImageDraw.ImageDraw, text: str, font: Font, max_width: float) -> str:
    """``text`` shortened with "…" so it fits ``max_width`` pixels."""
    if draw.textlength(text, font=font) <= max_width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if draw.textlength(text[:mid] + "…", font=font) <= max_width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def format_value(value: float) -> str:
    """Whole numbers without decimals, others with one."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _safe(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


Section = tuple[str | None, Sequence[tuple[str, float]]]


def _rows(sections: Sequence[Section]) -> list[tuple[str, str, float, float]]:
    """Flatten sections into (kind, text, value, section top) rows, capped at ``MAX_ROWS``."""
    rows: list[tuple[str, str, float, float]] = []
    for heading, bars in sections:
        if heading:
            rows.append(("heading", heading, 0.0, 0.0))
        top = max((_safe(v) for _, v in bars), default=0.0)
        rows += [("bar", label, _safe(value), top) for label, value in bars]
    if len(rows) > MAX_ROWS:
        rows = [*rows[: MAX_ROWS - 1], ("heading", "…", 0.0, 0.0)]
    return rows


def _render(title: str, subtitle: str | None, sections: Sequence[Section]) -> bytes:
    title_font, sub_font, label_font = load_font(26), load_font(16), load_font(17)
    rows = _rows(sections)
    header = PADDING + 36 + (26 if subtitle else 0) + 10
    height = header + max(len(rows), 1) * ROW_HEIGHT + PADDING
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text(
        (PADDING, PADDING), fit(draw, clean_text(title), title_font, WIDTH - 2 * PADDING), TEXT, title_font
    )
    if subtitle:
        sub = fit(draw, clean_text(subtitle), sub_font, WIDTH - 2 * PADDING)
        draw.text((PADDING, PADDING + 36), sub, MUTED, sub_font)
    scale = max((value for _, _, value, _ in rows), default=0.0) or 1.0
    bar_left = PADDING + LABEL_WIDTH + 10
    bar_span = WIDTH - bar_left - VALUE_WIDTH - PADDING
    y = header
    for kind, label, value, top in rows:
        text = fit(
            draw, clean_text(label), label_font, WIDTH - 2 * PADDING if kind == "heading" else LABEL_WIDTH
        )
        draw.text((PADDING, y + 6), text, TEXT, label_font)
        if kind == "heading":
            draw.line((PADDING, y + ROW_HEIGHT - 4, WIDTH - PADDING, y + ROW_HEIGHT - 4), GRID, 1)
        else:
            length = int(bar_span * (value / scale))
            colour = BAR_LEADER if top > 0 and value == top else BAR
            draw.rectangle((bar_left, y + 6, bar_left + max(length, 2), y + 6 + BAR_HEIGHT), fill=colour)
            draw.text((bar_left + length + 8, y + 6), format_value(value), MUTED, label_font)
        y += ROW_HEIGHT
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def bar_chart_png(title: str, bars: list[tuple[str, float]], *, subtitle: str | None = None) -> bytes:
    """One horizontal bar per (label, value), the largest highlighted; returns PNG bytes."""
    return _render(title, subtitle, [(None, bars)])


def rounds_chart_png(
    title: str, rounds: Iterable[tuple[str, list[tuple[str, float]]]], *, subtitle: str | None = None
) -> bytes:
    """One block of bars per (heading, bars) — e.g. each instant-runoff round — on a shared scale."""
    return _render(title, subtitle, list(rounds))
