"""Untrusted text made safe to show, and fitted into Discord's limits without breaking words (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

ELLIPSIS = "…"
# Control characters (newline and tab kept), bidirectional overrides/isolates/marks, every other invisible
# formatting character (Unicode category Cf, but for the joiners U+200C/U+200D that emoji and scripts need),
# tag characters (hidden ASCII), and characters that render as nothing at all (Hangul fillers, the combining
# grapheme joiner, Mongolian variation selectors, the blank Braille cell), and lone surrogates: text from
# members, feeds or files never carries them into what others see.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164"
    "\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d159\U0001d173-\U0001d17a\U000e0000-\U000e007f"
    "\ud800-\udfff]"  # lone surrogates: not text at all (they cannot even be stored as UTF-8)
)
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029]")
_BLANK_LINES = re.compile("\n{3,}")
# Kept inside text (emoji, scripts, ideographic variants need them) but never enough to show on their own: the
# joiners and the variation selectors.
_JOINERS = re.compile("[\u200c\u200d\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_MARKDOWN = re.compile(r"([\\*_~`|>\[\]()#:])")
_MENTION = re.compile(r"@(everyone|here|&?\d+|!?\d+)", re.IGNORECASE)
_MENTION_TAG = re.compile(r"<(@[!&]?|#)(\d+)>")
ZWSP = "\u200b"


def plain(text: str) -> str:
    """``text`` without control, bidirectional-formatting and invisible characters."""
    return _INVISIBLE.sub("", text)


def clean_input(text: str | None, *, one_line: bool = False) -> str:
    """What a member typed, made fit to store: the one sanitiser every form and command input goes through.

    No control, bidirectional or invisible characters (``plain``), NFC-normalised, trimmed; ``one_line``
    folds every run of whitespace (line breaks included) into one space, otherwise line breaks are kept
    (any kind becomes ``\\n``), trailing spaces are cut from each line and at most one blank line is kept
    between paragraphs. Idempotent: cleaning clean text changes nothing.
    """
    text = text or ""
    if text.isascii() and text.isprintable():  # the common case: nothing hidden, already NFC, one line
        return " ".join(text.split()) if one_line else text.strip()
    text = unicodedata.normalize("NFC", plain(_LINE_BREAKS.sub("\n", text)))
    if one_line:
        return " ".join(text.split())
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def is_blank(text: str | None) -> bool:
    """True when ``text`` would show nothing at all (empty, spaces, or only invisible characters)."""
    return not text or not _JOINERS.sub("", plain(text)).strip()


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word where one ends late enough, with … when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def clip_lines(lines: Sequence[str], limit: int, more: Callable[[int], str] | None = None) -> str:
    """Whole lines joined until ``limit``; the dropped rest is summarised by ``more(count)``, else by …."""
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        line = clip(line, limit)
        tail = more(len(lines) - i - 1) if more and i < len(lines) - 1 else ""
        if used + len(line) + 1 + len(tail) + 1 > limit:
            out.append(more(len(lines) - i) if more else ELLIPSIS)
            break
        out.append(line)
        used += len(line) + 1
    return clip("\n".join(out), limit)


def neutralise_mentions(text: str) -> str:
    """Break ``@everyone``, ``@here`` and ``<@id>`` forms with a zero-width space so nothing can ping."""
    text = _MENTION_TAG.sub(lambda m: f"<{m.group(1)}{ZWSP}{m.group(2)}>", text)
    return _MENTION.sub(lambda m: f"@{ZWSP}{m.group(1)}", text)


def escape_markdown(text: str) -> str:
    """Backslash every character Discord reads as formatting (bold, headings, links, spoilers, quotes…).

    The one escape every cog uses. Stricter than ``discord.utils.escape_markdown``, which escapes only what
    would pair up (and masked links as a whole): text escaped here may be clipped or joined afterwards
    without a half pair turning into formatting. Clip before escaping, never after (a cut may split ``\\*``)."""
    return _MARKDOWN.sub(r"\\\1", text)


def untrusted(raw: str, limit: int, *, one_line: bool = False) -> str:
    """Text from members, feeds or files, shown as typed: no invisible or bidi characters, no formatting,
    no pings, at most ``limit`` characters (escaping counted); ``one_line`` folds all whitespace."""
    text = plain(_LINE_BREAKS.sub("\n", raw))
    text = " ".join(text.split()) if one_line else text.strip()

    def shown_at(length: int) -> str:
        return neutralise_mentions(escape_markdown(clip(text, length)))

    shown = shown_at(limit)
    if len(shown) <= limit:
        return shown
    # Escaping made it longer: keep as much as fits, the longest clip whose escaped form is within the limit
    # (text that is mostly markdown characters keeps half the limit, not a lone "…").
    best = ELLIPSIS if limit >= 1 else ""
    low, high = 2, min(len(text), limit) - 1
    while low <= high:
        middle = (low + high) // 2
        candidate = shown_at(middle)
        if len(candidate) <= limit:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best
