"""Fit text into Discord's length limits without breaking words or lines where it can be helped (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

ELLIPSIS = "…"


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
