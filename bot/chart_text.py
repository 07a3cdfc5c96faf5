"""Text for chart images: the shipped fonts, what they can draw, and lines that fit.

Every chart is drawn with two fonts shipped in ``data/fonts`` (subsets of Noto Sans and Noto Sans CJK JP, SIL
OFL 1.1), never the machine's fonts, so every machine and CI draw the same pixels: the Latin font for Latin,
Greek and Cyrillic, the Japanese one for kana, JIS X 0208 kanji and symbols. :func:`chart_text` is the one place
text is made drawable: a character neither font has never reaches Pillow (it would be a missing-glyph box), and
:class:`Face` hands each character to the first font that has it.
"""

from __future__ import annotations

import logging
import struct
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parents[1] / "data" / "fonts"
FONT_PATHS = (FONT_DIR / "ChartSansLatin-Regular.ttf", FONT_DIR / "ChartSansJP-Regular.otf")  # tried in order
ELLIPSIS = "…"
MAX_INPUT = 4000  # characters of one text looked at; no chart line shows more than a fraction of that
MAX_MARKS = 2  # combining marks kept per base character ("Zalgo" stacks would cover neighbouring rows)
MAX_NAMES = 6  # emoji spelled out by name when a text is nothing but emoji
# Invisible characters outside the Cc/Cf categories: variation selectors, grapheme joiner, Hangul fillers…
INVISIBLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E, 0x2800, 0x3164, 0xFFA0]
).union(range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))
# No line starts with closing punctuation or ends with opening punctuation (kinsoku, roughly).
CLOSING = frozenset(
    "、。，．・：；？！ーぁぃぅぇぉっゃゅょァィゥェォッャュョ）」』】〉》〕］｝〙〗〟’”｠»,.:;!?)]}%…"
)
OPENING = frozenset("（「『【〈《〔［｛〘〖〝‘“｟«([{")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def read_cmap(path: Path) -> frozenset[int]:
    """Code points an OpenType/TrueType font maps to a real glyph (cmap formats 4 and 12)."""
    data = path.read_bytes()
    tables = {
        data[12 + 16 * i : 16 + 16 * i]: struct.unpack_from(">I", data, 20 + 16 * i)[0]
        for i in range(struct.unpack_from(">H", data, 4)[0])
    }
    base = tables[b"cmap"]
    covered: set[int] = set()
    for j in range(struct.unpack_from(">H", data, base + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, base + 4 + 8 * j)
        if (platform, encoding) not in ((0, 3), (0, 4), (3, 1), (3, 10)):
            continue
        sub = base + offset
        fmt = struct.unpack_from(">H", data, sub)[0]
        if fmt == 12:
            for g in range(struct.unpack_from(">I", data, sub + 12)[0]):
                start, end, glyph = struct.unpack_from(">III", data, sub + 16 + 12 * g)
                covered.update(c for c in range(start, end + 1) if glyph + c - start)
        elif fmt == 4:
            segs = struct.unpack_from(">H", data, sub + 6)[0] // 2
            ends = struct.unpack_from(f">{segs}H", data, sub + 14)
            starts = struct.unpack_from(f">{segs}H", data, sub + 16 + 2 * segs)
            deltas = struct.unpack_from(f">{segs}h", data, sub + 16 + 4 * segs)
            range_at = sub + 16 + 6 * segs
            offsets = struct.unpack_from(f">{segs}H", data, range_at)
            for s in range(segs):
                for c in range(starts[s], ends[s] + 1):
                    if c == 0xFFFF:
                        continue
                    if offsets[s] == 0:
                        glyph = (c + deltas[s]) & 0xFFFF
                    else:
                        glyph = struct.unpack_from(
                            ">H", data, range_at + 2 * s + offsets[s] + 2 * (c - starts[s])
                        )[0]
                        glyph = (glyph + deltas[s]) & 0xFFFF if glyph else 0
                    if glyph:
                        covered.add(c)
    return frozenset(covered)


@dataclass(frozen=True)
class ChartFonts:
    """The font files charts are drawn with, best first, and the code points each has a glyph for."""

    paths: tuple[Path | None, ...]
    cmaps: tuple[frozenset[int], ...]

    def pick(self, ch: str) -> int | None:
        """The index of the first font that has ``ch``."""
        return next((i for i, cmap in enumerate(self.cmaps) if ord(ch) in cmap), None)

    def has(self, ch: str) -> bool:
        return self.pick(ch) is not None


@lru_cache(maxsize=1)
def chart_fonts() -> ChartFonts:
    """The shipped fonts; Pillow's built-in font, and plain ASCII, only if they are missing."""
    try:
        return ChartFonts(FONT_PATHS, tuple(read_cmap(path) for path in FONT_PATHS))
    except (OSError, KeyError, struct.error):
        log.error("Chart fonts in %s are missing or unreadable; charts fall back to ASCII", FONT_DIR)
        return ChartFonts((None,), (frozenset(range(0x20, 0x7F)),))


class Face:
    """The chart fonts at one size: each character is drawn with the first font that has it."""

    def __init__(self, size: int) -> None:
        fonts = chart_fonts()
        self.fonts: list[Font] = [
            ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
            if path is not None
            else ImageFont.load_default(size)
            for path in fonts.paths
        ]
        self.ascent = max(_ascent(font) for font in self.fonts)

    def runs(self, text: str) -> list[tuple[str, Font]]:
        """``text`` split into runs of one font (a combining mark stays with its base when it can)."""
        fonts = chart_fonts()
        runs: list[tuple[str, int]] = []
        for ch in text:
            index = fonts.pick(ch)
            if runs and (
                index is None
                or index == runs[-1][1]
                or (unicodedata.category(ch)[0] == "M" and ord(ch) in fonts.cmaps[runs[-1][1]])
            ):
                runs[-1] = (runs[-1][0] + ch, runs[-1][1])
            else:
                runs.append((ch, index or 0))
        return [(run, self.fonts[index]) for run, index in runs]

    def getlength(self, text: str) -> float:
        return sum(font.getlength(run) for run, font in self.runs(text))


def _ascent(font: Font) -> int:
    return font.getmetrics()[0] if isinstance(font, ImageFont.FreeTypeFont) else 11


@lru_cache(maxsize=8)
def face(size: int) -> Face:
    """The chart fonts at ``size`` px, with the same (basic) layout on every machine."""
    return Face(size)


def _names(ch: str) -> str:
    """A spelled-out emoji (":red apple:"), the way Discord users write one, or "" for modifiers."""
    if 0x1F1E6 <= ord(ch) <= 0x1F1FF:  # regional indicator: the letter of a flag
        return chr(ord("A") + ord(ch) - 0x1F1E6)
    if 0x1F3FB <= ord(ch) <= 0x1F3FF or ord(ch) == 0x20E3:  # skin tones, keycap frame
        return ""
    return unicodedata.name(ch, "").lower()


def chart_text(text: object) -> str:
    """``text`` made drawable with the chart fonts, on one line.

    Controls, bidi and zero-width characters are dropped; a character neither font has becomes its NFKC form if
    a font has that ("𝐁𝐨𝐥𝐝" → "Bold"), is dropped if it is an emoji or other symbol, and a run of letters of a
    script the fonts lack becomes one "?". A text of nothing but emoji is spelled out (":artist palette:").
    At most ``MAX_MARKS`` combining marks stay on a character, and none on a character that was dropped.
    """
    raw = unicodedata.normalize("NFC", str(text)[:MAX_INPUT])
    fonts = chart_fonts()
    out: list[str] = []
    dropped: list[str] = []
    marks = MAX_MARKS  # no base yet
    for ch in raw:
        category = unicodedata.category(ch)
        if ch.isspace() or category in ("Zs", "Zl", "Zp"):
            out.append(" ")
            marks = MAX_MARKS  # a mark needs a base
            continue
        if category in ("Cc", "Cf", "Cs", "Co", "Cn") or ord(ch) in INVISIBLE:
            continue
        if category[0] == "M":
            if marks >= MAX_MARKS or not fonts.has(ch):
                continue
            marks += 1
            out.append(ch)
            continue
        marks = 0
        alternative = unicodedata.normalize("NFKC", ch)
        if fonts.has(ch):
            out.append(ch)
        elif alternative.strip() and all(fonts.has(c) for c in alternative):
            out.append(alternative)
        else:
            marks = MAX_MARKS
            if category[0] == "S":
                dropped.append(_names(ch))
            elif not out or out[-1] != "?":
                out.append("?")
    cleaned = " ".join("".join(out).split())
    if not cleaned and dropped:
        flag = "".join(n for n in dropped if len(n) == 1)
        words = [f":{n}:" for n in dropped if len(n) > 1][:MAX_NAMES]
        cleaned = " ".join(words + ([f":flag {flag}:"] if flag else []))
    return cleaned


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def break_points(text: str) -> list[int]:
    """Indexes where a new line may start: after a space, slash or dash, or beside a CJK character."""
    points = []
    for i in range(1, len(text)):
        before, after = text[i - 1], text[i]
        if after == " " or after in CLOSING or before in OPENING or unicodedata.category(after)[0] == "M":
            continue
        if before == " " or before in "/-–—" or _wide(before) or _wide(after):
            points.append(i)
    return points


def _longest_fitting(text: str, font: Face, width: float, suffix: str = "") -> int:
    """The longest prefix length of ``text`` (whole characters with their marks) that fits with ``suffix``."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if font.getlength(text[:mid].rstrip() + suffix) <= width:
            low = mid
        else:
            high = mid - 1
    while 0 < low < len(text) and unicodedata.category(text[low])[0] == "M":
        low -= 1
    return low


def shorten(text: str, font: Face, width: float) -> str:
    """``text`` on one line of ``width`` px: whole, else cut after a whole word with "…"."""
    if font.getlength(text) <= width:
        return text
    fits = _longest_fitting(text, font, width, ELLIPSIS)
    words = [p for p in break_points(text) if p <= fits]
    cut = words[-1] if words and font.getlength(text[: words[-1]]) >= width * 0.6 else fits
    return text[:cut].rstrip() + ELLIPSIS


def wrap(text: str, font: Face, width: float, max_lines: int = 2) -> list[str]:
    """``text`` in at most ``max_lines`` lines of ``width`` px, broken between words (or CJK characters).

    A word wider than a line is split where it must; only text that does not fit in ``max_lines`` lines is
    shortened, on the last line, with "…".
    """
    text = text.strip()
    points = break_points(text)
    lines: list[str] = []
    start = 0
    while start < len(text):
        if len(lines) == max_lines - 1:
            lines.append(shorten(text[start:], font, width))
            break
        end = start
        for point in [*points[bisect_right(points, start) :], len(text)]:
            if font.getlength(text[start:point].rstrip()) > width:
                break
            end = point
        if end == start:
            end = start + max(1, _longest_fitting(text[start:], font, width))
        lines.append(text[start:end].rstrip())
        start = end
        while start < len(text) and text[start] == " ":
            start += 1
    return lines
