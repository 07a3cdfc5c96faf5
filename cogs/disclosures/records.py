"""Validate and canonicalise a disclosure record (a plain dict) before it reaches the database."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from cogs.disclosures.vocab import AI_USES, CONFIDENCES, MEDIUMS, ROLES, STATUSES

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
DATE_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_ROMAJI_HINTS = re.compile(r"[āīūēō]|\b(no|to|wa|ga|san|chi|shi)\b", re.IGNORECASE)

# A record's facts, in the order of data/records.json (also the CSV columns).
RECORD_FIELDS = (
    "id",
    "title",
    "title_language",
    "alt_titles",
    "medium",
    "companies",
    "date",
    "ai_uses",
    "disclosure",
    "credit_text",
    "summary",
    "response",
    "sources",
    "confidence",
)

LIMITS = {
    "title": 200,
    "alt_title": 200,
    "company": 120,
    "credit_text": 500,
    "summary": 2000,
    "response": 1500,
    "source_url": 500,
    "source_publisher": 120,
    "source_title": 300,
}
MAX_ALT_TITLES = 20
MAX_COMPANIES = 20
MAX_SOURCES = 50


class RecordError(ValueError):
    """A record field is invalid; ``field`` names it and ``reason`` says why (plain English for logs)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def guess_language(title: str) -> str:
    """``ja`` for Japanese script, ``ja-Latn`` for likely romaji, else ``en``."""
    if _JAPANESE.search(title):
        return "ja"
    if _ROMAJI_HINTS.search(title):
        return "ja-Latn"
    return "en"


def is_http_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value.strip()


def slugify(title: str, year: str | None = None) -> str:
    """A record id from a title (ASCII letters, digits and dashes), suffixed with the year."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60].strip("-") or "record"
    return f"{slug}-{year}" if year else slug


def _text(raw: Any, field: str, *, required: bool, limit: int) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise RecordError(field, "is required")
        return None
    if not isinstance(raw, str):
        raise RecordError(field, "must be text")
    value = " ".join(raw.split()) if field != "summary" else raw.strip()
    if len(value) > limit:
        raise RecordError(field, f"is longer than {limit} characters")
    return value


def _choice(raw: Any, field: str, allowed: tuple[str, ...]) -> str:
    value = str(raw or "").strip().lower().replace(" ", "_").replace("-", "_")
    if value not in allowed:
        raise RecordError(field, f"must be one of {', '.join(allowed)}")
    return value


def _list(raw: Any, field: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RecordError(field, "must be a list")
    return raw


def _alt_titles(raw: Any) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for item in _list(raw, "alt_titles"):
        if isinstance(item, str):
            item = {"title": item}
        if not isinstance(item, dict):
            raise RecordError("alt_titles", "each entry must be a title or {title, language}")
        title = _text(item.get("title"), "alt_titles", required=True, limit=LIMITS["alt_title"])
        assert title is not None
        language = str(item.get("language") or guess_language(title)).strip()[:16]
        if title not in {t["title"] for t in out}:
            out.append({"title": title, "language": language})
    if len(out) > MAX_ALT_TITLES:
        raise RecordError("alt_titles", f"at most {MAX_ALT_TITLES}")
    return out


def _companies(raw: Any) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for item in _list(raw, "companies"):
        if not isinstance(item, dict):
            raise RecordError("companies", "each entry must be {name, role}")
        name = _text(item.get("name"), "companies", required=True, limit=LIMITS["company"])
        assert name is not None
        entry = {"name": name, "role": _choice(item.get("role"), "companies", ROLES)}
        if entry not in out:
            out.append(entry)
    if len(out) > MAX_COMPANIES:
        raise RecordError("companies", f"at most {MAX_COMPANIES}")
    return out


def _sources(raw: Any) -> list[dict[str, str | None]]:
    out: list[dict[str, str | None]] = []
    for item in _list(raw, "sources"):
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict):
            raise RecordError("sources", "each entry must be {url, publisher, title, date}")
        url = _text(item.get("url"), "sources", required=True, limit=LIMITS["source_url"])
        assert url is not None
        if not is_http_url(url):
            raise RecordError("sources", f"{url[:80]!r} is not an http/https URL")
        date = _text(item.get("date"), "sources", required=False, limit=10)
        if date is not None and not DATE_PATTERN.match(date):
            raise RecordError("sources", f"date {date!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
        if url in {s["url"] for s in out}:
            continue
        out.append(
            {
                "url": url,
                "publisher": _text(
                    item.get("publisher"), "sources", required=False, limit=LIMITS["source_publisher"]
                )
                or urlsplit(url).hostname,
                "title": _text(item.get("title"), "sources", required=False, limit=LIMITS["source_title"]),
                "date": date,
            }
        )
    if not out:
        raise RecordError("sources", "at least one source is required")
    if len(out) > MAX_SOURCES:
        raise RecordError("sources", f"at most {MAX_SOURCES}")
    return out


def validate_record(raw: Any) -> dict[str, Any]:
    """The canonical record for ``raw``, or :class:`RecordError` naming the first bad field."""
    if not isinstance(raw, dict):
        raise RecordError("record", "must be an object")
    record_id = str(raw.get("id") or "").strip()
    if not ID_PATTERN.match(record_id):
        raise RecordError("id", "must be 2-80 lowercase letters, digits or dashes")
    date = str(raw.get("date") or "").strip()
    if not DATE_PATTERN.match(date):
        raise RecordError("date", "must be YYYY, YYYY-MM or YYYY-MM-DD")
    uses = [_choice(use, "ai_uses", AI_USES) for use in _list(raw.get("ai_uses"), "ai_uses")]
    if not uses:
        raise RecordError("ai_uses", "at least one is required")
    title = _text(raw.get("title"), "title", required=True, limit=LIMITS["title"])
    assert title is not None
    return {
        "id": record_id,
        "title": title,
        "title_language": str(raw.get("title_language") or guess_language(title)).strip()[:16],
        "alt_titles": _alt_titles(raw.get("alt_titles")),
        "medium": _choice(raw.get("medium"), "medium", MEDIUMS),
        "companies": _companies(raw.get("companies")),
        "date": date,
        "ai_uses": list(dict.fromkeys(uses)),
        "disclosure": _choice(raw.get("disclosure"), "disclosure", STATUSES),
        "credit_text": _text(
            raw.get("credit_text"), "credit_text", required=False, limit=LIMITS["credit_text"]
        ),
        "summary": _text(raw.get("summary"), "summary", required=True, limit=LIMITS["summary"]),
        "response": _text(raw.get("response"), "response", required=False, limit=LIMITS["response"]),
        "sources": _sources(raw.get("sources")),
        "confidence": _choice(raw.get("confidence") or "medium", "confidence", CONFIDENCES),
    }


MAX_SUBMITTED_URLS = 10


def parse_urls(text: str, *, required: bool) -> list[str]:
    """The http(s) URLs of a one-per-line (or space separated) box; RecordError names the first bad one."""
    urls = list(dict.fromkeys(part for part in text.split() if part))
    for url in urls:
        if not is_http_url(url) or len(url) > LIMITS["source_url"]:
            raise RecordError("sources", url)
    if required and not urls:
        raise RecordError("sources", "")
    if len(urls) > MAX_SUBMITTED_URLS:
        raise RecordError("sources", f"more than {MAX_SUBMITTED_URLS}")
    return urls
