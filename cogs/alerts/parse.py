"""Turn feed bytes (never a URL) into plain items; RSS 2.0, Atom and RDF via fastfeedparser (chosen by
measurement, see benchmarks/bench_alerts.py), with hostile input refused or repaired first."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import fastfeedparser

log = logging.getLogger(__name__)

MAX_ITEMS = 200
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"'][^>]*\?>", re.IGNORECASE)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9._\-]+)", re.IGNORECASE)
_FALLBACK_ENCODINGS = ("cp932", "euc_jp", "cp1252")
_UTF8 = {"utf-8", "utf8"}


@dataclass(frozen=True)
class FeedItem:
    """One entry as the feed gave it (summary may still contain HTML)."""

    guid: str | None
    link: str | None
    title: str
    summary: str
    published: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    items: tuple[FeedItem, ...]


class ParseError(ValueError):
    """The bytes are not a usable feed; ``reason``: empty, not_a_feed, entities, invalid."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def parse_feed(data: bytes, content_type: str | None = None, *, max_items: int = MAX_ITEMS) -> ParsedFeed:
    """Parse ``data``; raise :class:`ParseError` for HTML pages, entity declarations and unparseable bytes."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("parse_feed takes the fetched bytes, never a URL")
    if not data.strip():
        raise ParseError("empty")
    head = bytes(data[:4096])
    if _HTML_START.match(head):
        raise ParseError("not_a_feed", "an HTML page")
    if _DOCTYPE_SUBSET.search(data[:65536]):
        raise ParseError("entities", "a DTD with an internal subset (possible entity expansion attack)")
    data = normalise_encoding(bytes(data), _charset(content_type))
    try:
        parsed = fastfeedparser.parse(data, include_tags=False, include_media=False, include_enclosures=False)
    except ValueError as exc:
        message = str(exc)
        reason = "not_a_feed" if "HTML" in message or "not a valid" in message else "invalid"
        raise ParseError(reason, message[:200]) from None
    except Exception as exc:  # a parser bug must not take the poller down
        raise ParseError("invalid", f"{type(exc).__name__}: {exc}"[:200]) from None
    feed = parsed.get("feed") or {}
    entries = parsed.get("entries") or []
    if not entries and not feed.get("title"):
        raise ParseError("not_a_feed", "no channel title and no items")
    items = tuple(_item(entry) for entry in entries[:max_items])
    return ParsedFeed(title=_text(feed.get("title")) or None, items=items)


def normalise_encoding(data: bytes, declared_charset: str | None = None) -> bytes:
    """Re-encode as UTF-8 when the declared encoding is wrong (UTF-8 bytes declared otherwise, or bytes that
    are not what they claim), so a bad declaration garbles nothing and fails nothing."""
    match = _XML_DECL.match(data)
    declared = (match.group(1).decode("ascii").lower() if match else None) or declared_charset
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return data  # a byte-order mark wins over any declaration
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        if declared is None or declared in _UTF8 or text.isascii():
            return data
        return _with_utf8_declaration(text, match is not None)
    if declared and declared not in _UTF8:
        try:
            data.decode(declared)
            return data
        except (LookupError, UnicodeDecodeError):
            pass
    for encoding in _FALLBACK_ENCODINGS:
        try:
            return _with_utf8_declaration(data.decode(encoding), match is not None)
        except UnicodeDecodeError:
            continue
    return _with_utf8_declaration(data.decode("latin-1"), match is not None)


def _with_utf8_declaration(text: str, had_declaration: bool) -> bytes:
    if had_declaration:
        text = re.sub(r"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])[A-Za-z0-9._\-]+", r"\g<1>utf-8", text, count=1)
    return text.encode("utf-8")


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _CHARSET.search(content_type)
    return match.group(1).lower() if match else None


def _item(entry: Any) -> FeedItem:
    link = _text(entry.get("link")) or None
    guid = _text(entry.get("id")) or None
    return FeedItem(
        guid=guid,
        link=link,
        title=_text(entry.get("title")),
        summary=_text(entry.get("description")),
        published=_date(entry.get("published") or entry.get("updated")),
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
