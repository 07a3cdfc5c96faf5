"""Reading a record's text: the language a title is likely in, and the host of a source's URL (pure)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_ROMAJI_HINTS = re.compile(r"[āīūēō]|\b(no|to|wa|ga|san|chi|shi)\b", re.IGNORECASE)
_HINT_WORDS = frozenset(("no", "to", "wa", "ga", "san", "chi", "shi"))
_WORD = re.compile(r"\w+")


def guess_language(title: str) -> str:
    """``ja`` for Japanese script, ``ja-Latn`` for likely romaji, else ``en``."""
    if title.isascii():  # no Japanese script nor macrons: only a hint word, which is a whole \w+ word here
        return "en" if _HINT_WORDS.isdisjoint(_WORD.findall(title.lower())) else "ja-Latn"
    if _JAPANESE.search(title):
        return "ja"
    if _ROMAJI_HINTS.search(title):
        return "ja-Latn"
    return "en"


def is_http_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:  # e.g. an unclosed [ in the host: not a URL anyone can open
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value.strip()


# A plain http(s) URL: lower-case scheme and host, no port, user or brackets, printable ASCII. ``urlsplit``
# reads exactly this host from it (the netloc ends at the first / ? or #), so it needs no parsing.
_PLAIN_HTTP_URL = re.compile(r"https?://([a-z0-9.-]+)(?:[/?#][!-~]*)?", re.ASCII)


def http_host(url: str) -> str | None:
    """The host of an http(s) URL as ``urlsplit(url).hostname`` gives it, or None unless ``is_http_url``."""
    plain = _PLAIN_HTTP_URL.fullmatch(url)
    if plain is not None:
        return plain.group(1)
    return urlsplit(url).hostname if is_http_url(url) else None
