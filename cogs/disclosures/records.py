"""Validate and canonicalise a disclosure record (a plain dict) before it reaches the database."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bot.text import clean_input
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
    """A record field is invalid.

    ``field`` names it and ``reason`` says why in plain English (logs, import reports); ``code`` and ``params``
    let a form say it in the reader's language (catalog ``disclosures.problem.<code>``); ``item`` is the
    entry (0-based) of a list field or the line of a text box. ``problems`` lists every problem found in the
    record, this one first: validation reports them all at once, not one per round trip.
    """

    def __init__(
        self, field: str, reason: str, *, code: str = "invalid", item: int | None = None, **params: Any
    ) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.code = code
        self.item = item
        self.params = params
        self.problems: list[RecordError] = [self]

    @classmethod
    def of(cls, problems: list[RecordError]) -> RecordError:
        """One error carrying several problems (its field, reason and message are the first one's)."""
        first = problems[0]
        error = cls(first.field, first.reason, code=first.code, item=first.item, **first.params)
        error.problems = list(problems)
        return error


class _Collect:
    """Run validators, keeping every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[RecordError] = []

    def __call__(self, validate: Callable[..., Any], *args: Any, default: Any = None, **kwargs: Any) -> Any:
        try:
            return validate(*args, **kwargs)
        except RecordError as exc:
            self.problems.extend(exc.problems)
            return default

    def raise_any(self) -> None:
        if self.problems:
            raise RecordError.of(self.problems)


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


MULTI_LINE = frozenset({"summary"})  # every other text field is one line


def _text(raw: Any, field: str, *, required: bool, limit: int, item: int | None = None) -> str | None:
    """Text as stored: cleaned (``clean_input``: no bidi or invisible characters, NFC, trimmed), within
    ``limit``; None for an optional field left blank."""
    if raw is not None and not isinstance(raw, str):
        raise RecordError(field, "must be text", code="not_text", item=item)
    value = clean_input(raw, one_line=field not in MULTI_LINE)
    if not value:
        if required:
            raise RecordError(field, "is required", code="required", item=item)
        return None
    if len(value) > limit:
        raise RecordError(
            field, f"is longer than {limit} characters", code="too_long", item=item, count=limit
        )
    return value


def _choice(raw: Any, field: str, allowed: tuple[str, ...], *, item: int | None = None) -> str:
    value = clean_input(str(raw or ""), one_line=True).lower().replace(" ", "_").replace("-", "_")
    if value not in allowed:
        raise RecordError(
            field,
            f"must be one of {', '.join(allowed)}",
            code="not_allowed" if value else "required",
            item=item,
            value=value[:40],
            allowed=", ".join(allowed),
        )
    return value


def _list(raw: Any, field: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise RecordError(field, "must be a list", code="not_list")
    return raw


def _at_most(out: list[Any], field: str, limit: int) -> None:
    if len(out) > limit:
        raise RecordError(field, f"at most {limit}", code="too_many", count=limit)


def _alt_titles(raw: Any) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    check = _Collect()
    for index, item in enumerate(_list(raw, "alt_titles")):
        if isinstance(item, str):
            item = {"title": item}
        if not isinstance(item, dict):
            check.problems.append(
                RecordError(
                    "alt_titles",
                    "each entry must be a title or {title, language}",
                    code="bad_entry",
                    item=index,
                )
            )
            continue
        title = check(
            _text, item.get("title"), "alt_titles", required=True, limit=LIMITS["alt_title"], item=index
        )
        if title is None:
            continue
        language = clean_input(str(item.get("language") or ""), one_line=True)[:16] or guess_language(title)
        if title not in {t["title"] for t in out}:
            out.append({"title": title, "language": language})
    check(_at_most, out, "alt_titles", MAX_ALT_TITLES)
    check.raise_any()
    return out


def _companies(raw: Any) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    check = _Collect()
    for index, item in enumerate(_list(raw, "companies")):
        if not isinstance(item, dict):
            check.problems.append(
                RecordError("companies", "each entry must be {name, role}", code="bad_entry", item=index)
            )
            continue
        name = check(_text, item.get("name"), "companies", required=True, limit=LIMITS["company"], item=index)
        if clean_input(str(item.get("role") or ""), one_line=True):
            role = check(_choice, item.get("role"), "companies", ROLES, item=index)
        else:
            role = None
            reason = f"needs a role: one of {', '.join(ROLES)}"
            check.problems.append(
                RecordError("companies", reason, code="no_role", item=index, allowed=", ".join(ROLES))
            )
        if name is None or role is None:
            continue
        entry = {"name": name, "role": role}
        if entry not in out:
            out.append(entry)
    check(_at_most, out, "companies", MAX_COMPANIES)
    check.raise_any()
    return out


def _source(item: Any, index: int) -> dict[str, str | None]:
    if isinstance(item, str):
        item = {"url": item}
    if not isinstance(item, dict):
        raise RecordError(
            "sources", "each entry must be {url, publisher, title, date}", code="bad_entry", item=index
        )
    check = _Collect()
    url = check(_text, item.get("url"), "sources", required=True, limit=LIMITS["source_url"], item=index)
    if url is not None and not is_http_url(url):
        check.problems.append(
            RecordError(
                "sources",
                f"{url[:80]!r} is not an http/https URL",
                code="bad_url",
                item=index,
                value=url[:80],
            )
        )
    date = check(_text, item.get("date"), "sources", required=False, limit=10, item=index)
    if date is not None and not DATE_PATTERN.match(date):
        check.problems.append(
            RecordError(
                "sources",
                f"date {date!r} must be YYYY, YYYY-MM or YYYY-MM-DD",
                code="bad_date",
                item=index,
                value=date,
            )
        )
    publisher = check(
        _text, item.get("publisher"), "sources", required=False, limit=LIMITS["source_publisher"], item=index
    )
    title = check(
        _text, item.get("title"), "sources", required=False, limit=LIMITS["source_title"], item=index
    )
    check.raise_any()
    assert url is not None
    return {"url": url, "publisher": publisher or urlsplit(url).hostname, "title": title, "date": date}


def _sources(raw: Any) -> list[dict[str, str | None]]:
    out: list[dict[str, str | None]] = []
    check = _Collect()
    for index, item in enumerate(_list(raw, "sources")):
        source = check(_source, item, index)
        if source is not None and source["url"] not in {s["url"] for s in out}:
            out.append(source)
    if not out and not check.problems:
        check.problems.append(RecordError("sources", "at least one source is required", code="required"))
    check(_at_most, out, "sources", MAX_SOURCES)
    check.raise_any()
    return out


def _record_id(raw: Any) -> str:
    record_id = clean_input(str(raw or ""), one_line=True)
    if not ID_PATTERN.match(record_id):
        raise RecordError(
            "id", "must be 2-80 lowercase letters, digits or dashes", code="bad_id", value=record_id[:80]
        )
    return record_id


def _date(raw: Any) -> str:
    date = clean_input(str(raw or ""), one_line=True)
    if not DATE_PATTERN.match(date):
        code = "bad_date" if date else "required"
        raise RecordError("date", "must be YYYY, YYYY-MM or YYYY-MM-DD", code=code, value=date[:40])
    return date


def _uses(raw: Any) -> list[str]:
    check = _Collect()
    uses = [check(_choice, use, "ai_uses", AI_USES) for use in _list(raw, "ai_uses")]
    check.raise_any()
    if not uses:
        raise RecordError("ai_uses", "at least one is required", code="required")
    return list(dict.fromkeys(uses))


def validate_record(raw: Any) -> dict[str, Any]:
    """The canonical record for ``raw``, or :class:`RecordError` listing every bad field (``problems``)."""
    if not isinstance(raw, dict):
        raise RecordError("record", "must be an object", code="bad_entry")
    check = _Collect()  # in this order, so the first problem named is the one it always was
    record_id = check(_record_id, raw.get("id"))
    date = check(_date, raw.get("date"))
    uses = check(_uses, raw.get("ai_uses"))
    title = check(_text, raw.get("title"), "title", required=True, limit=LIMITS["title"])
    record = {
        "id": record_id,
        "title": title,
        "title_language": clean_input(str(raw.get("title_language") or ""), one_line=True)[:16]
        or guess_language(title or ""),
        "alt_titles": check(_alt_titles, raw.get("alt_titles")),
        "medium": check(_choice, raw.get("medium"), "medium", MEDIUMS),
        "companies": check(_companies, raw.get("companies")),
        "date": date,
        "ai_uses": uses,
        "disclosure": check(_choice, raw.get("disclosure"), "disclosure", STATUSES),
        "credit_text": check(
            _text, raw.get("credit_text"), "credit_text", required=False, limit=LIMITS["credit_text"]
        ),
        "summary": check(_text, raw.get("summary"), "summary", required=True, limit=LIMITS["summary"]),
        "response": check(_text, raw.get("response"), "response", required=False, limit=LIMITS["response"]),
        "sources": check(_sources, raw.get("sources")),
        "confidence": check(_choice, raw.get("confidence") or "medium", "confidence", CONFIDENCES),
    }
    check.raise_any()
    return record


MAX_SUBMITTED_URLS = 10


def parse_urls(text: str, *, required: bool) -> list[str]:
    """The http(s) URLs of a box, one per line (several on a line may be separated by spaces).

    :class:`RecordError` lists every bad line (``item`` is the 0-based line, ``value`` the whole line as
    typed), then a missing or excess count.
    """
    urls: list[str] = []
    check = _Collect()
    for number, line in enumerate(clean_input(text).split("\n")):
        parts = line.split()
        if any(not is_http_url(part) or len(part) > LIMITS["source_url"] for part in parts):
            check.problems.append(
                RecordError(
                    "sources",
                    f"line {number + 1} is not an http/https URL",
                    code="bad_url",
                    item=number,
                    value=line[:100],
                )
            )
            continue
        urls += [part for part in parts if part not in urls]
    if required and not urls and not check.problems:
        check.problems.append(RecordError("sources", "at least one source is required", code="required"))
    check(_at_most, urls, "sources", MAX_SUBMITTED_URLS)
    check.raise_any()
    return urls
