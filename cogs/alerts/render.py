"""What an alert and a digest look like, as plain data within Discord's limits; feed text can never ping."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.text import clip, neutralise_mentions, plain, untrusted

TITLE_LIMIT = 256
SUMMARY_LIMIT = 300
FIELD_LIMIT = 1024
DESCRIPTION_LIMIT = 4096
SOURCE_LIMIT = 100
URL_LIMIT = 2048
MAX_ALSO = 10
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|h[1-6]|tr|blockquote)\b[^>]*>", re.IGNORECASE)
_DROP = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class AlertCard:
    """The embed of one alert (plus what the buttons need)."""

    title: str
    url: str | None
    description: str
    source: str
    published: datetime | None
    also_reported: tuple[str, ...] = ()
    record_labels: tuple[str, ...] = field(default=())


def plain_text(html_text: str) -> str:
    """Feed HTML (or text with entities) as one plain line: tags, scripts and entities gone."""
    text = _DROP.sub(" ", html_text)
    text = _BLOCK_TAG.sub(" ", text)
    text = _TAG.sub("", text)
    text = html.unescape(html.unescape(text)) if "&amp;" in text else html.unescape(text)
    text = _TAG.sub("", text)  # entities that decoded into tags
    text = plain(text)
    return " ".join(text.split())


def safe_text(raw: str, limit: int) -> str:
    """Feed text (HTML allowed) as one plain, markdown-escaped, mention-proof line within ``limit``."""
    return untrusted(plain_text(raw), limit, one_line=True)


def _shown(texts: Sequence[str]) -> tuple[str, ...]:
    """The texts that still show something once made safe (a source named by a zero-width space does not)."""
    return tuple(shown for shown in (safe_text(t, SOURCE_LIMIT) for t in texts if t) if shown)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links of sane length go into an embed."""
    if not url or len(url) > URL_LIMIT or not url.lower().startswith(("http://", "https://")):
        return None
    if any(ch.isspace() for ch in url):
        return None
    return url


def alert_card(
    *,
    title: str,
    url: str | None,
    summary: str,
    source: str,
    published: datetime | None,
    also_reported: Sequence[str] = (),
    record_labels: Sequence[str] = (),
    untitled: str = "(untitled)",
) -> AlertCard:
    """Build the card for an item: every text escaped and clipped to the embed limits."""
    return AlertCard(
        title=safe_text(title, TITLE_LIMIT) or untitled,
        url=safe_url(url),
        description=safe_text(summary, SUMMARY_LIMIT),
        source=safe_text(source, SOURCE_LIMIT) or "?",
        published=published,
        also_reported=_shown(also_reported),
        record_labels=_shown(record_labels),
    )


def also_reported_value(sources: Sequence[str]) -> str:
    """The "Also reported by" field: unique sources, at most ten named, within a field's limit."""
    unique = list(dict.fromkeys(sources))
    shown = unique[:MAX_ALSO]
    value = ", ".join(shown)
    if len(unique) > MAX_ALSO:
        value += f" (+{len(unique) - MAX_ALSO})"
    return clip(value, FIELD_LIMIT)


@dataclass(frozen=True)
class DigestLine:
    title: str
    url: str | None
    source: str


def digest_description(lines: Sequence[DigestLine], more_template: str = "…and {count} more") -> str:
    """One bullet per alert (linked title — source), cut to the description limit with a count of the rest."""
    out: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        title = safe_text(line.title, 200) or "?"
        url = safe_url(line.url)
        source = safe_text(line.source, 60)
        entry = (
            f"• [{title}]({url.replace('(', '%28').replace(')', '%29')}) — {source}"
            if url
            else f"• {title} — {source}"
        )
        entry = neutralise_mentions(entry)
        rest = len(lines) - index
        reserve = len(more_template) + 8
        if used + len(entry) + 1 > DESCRIPTION_LIMIT - reserve:
            out.append(more_template.format(count=rest))
            break
        out.append(entry)
        used += len(entry) + 1
    return "\n".join(out)
