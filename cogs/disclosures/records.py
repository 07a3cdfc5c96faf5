"""Validate and canonicalise a disclosure record (a plain dict) before it reaches the database."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from bot.text import clean_input
from cogs.disclosures.problems import RecordError
from cogs.disclosures.record_text import guess_language, http_host, is_http_url
from cogs.disclosures.vocab import AI_USES, CONFIDENCES, MEDIUMS, ROLES, STATUSES

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
DATE_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")

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


def slugify(title: str, year: str | None = None) -> str:
    """A record id from a title (ASCII letters, digits and dashes), suffixed with the year."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60].strip("-") or "record"
    return f"{slug}-{year}" if year else slug


MULTI_LINE = frozenset({"summary"})  # every other text field is one line


def _text(raw: Any, field: str, *, required: bool, limit: int, item: int | None = None) -> str | None:
    """Text as stored: cleaned (``clean_input``: no bidi or invisible characters, NFC, trimmed), within
    ``limit``; None for an optional field left blank."""
    if raw is None:
        value = ""
    elif not isinstance(raw, str):
        raise RecordError(field, "must be text", code="not_text", item=item)
    else:
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


_CHOSEN: dict[tuple[tuple[str, ...], str], str] = {}  # (allowed, text as given) → the choice it names
_CHOSEN_MAX = 4096


def _choice(raw: Any, field: str, allowed: tuple[str, ...], *, item: int | None = None) -> str:
    if type(raw) is str and (known := _CHOSEN.get((allowed, raw))) is not None:
        return known
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
    if type(raw) is str and len(_CHOSEN) < _CHOSEN_MAX:
        _CHOSEN[allowed, raw] = value
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


def _done(out: list[Any], problems: list[RecordError], field: str, limit: int) -> list[Any]:
    """``out``, or every problem found making it (and too many entries, last) as one :class:`RecordError`."""
    try:
        _at_most(out, field, limit)
    except RecordError as exc:
        problems += exc.problems
    if problems:
        raise RecordError.of(problems)
    return out


# The list fields below collect their entries' problems inline (try/except rather than ``_Collect``): every
# record goes through them, several times per record.


def _alt_titles(raw: Any) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    problems: list[RecordError] = []
    for index, item in enumerate(_list(raw, "alt_titles")):
        if isinstance(item, str):
            item = {"title": item}
        if not isinstance(item, dict):
            problems.append(
                RecordError(
                    "alt_titles",
                    "each entry must be a title or {title, language}",
                    code="bad_entry",
                    item=index,
                )
            )
            continue
        title = _take(
            problems, item.get("title"), "alt_titles", required=True, limit=LIMITS["alt_title"], item=index
        )
        if title is None:
            continue
        language = _language(item.get("language")) or guess_language(title)
        if all(title != t["title"] for t in out):
            out.append({"title": title, "language": language})
    return _done(out, problems, "alt_titles", MAX_ALT_TITLES)


def _companies(raw: Any) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    problems: list[RecordError] = []
    for index, item in enumerate(_list(raw, "companies")):
        if not isinstance(item, dict):
            problems.append(
                RecordError("companies", "each entry must be {name, role}", code="bad_entry", item=index)
            )
            continue
        name = _take(
            problems, item.get("name"), "companies", required=True, limit=LIMITS["company"], item=index
        )
        role = None
        if clean_input(str(item.get("role") or ""), one_line=True):
            try:
                role = _choice(item.get("role"), "companies", ROLES, item=index)
            except RecordError as exc:
                problems += exc.problems
        else:
            reason = f"needs a role: one of {', '.join(ROLES)}"
            problems.append(
                RecordError("companies", reason, code="no_role", item=index, allowed=", ".join(ROLES))
            )
        if name is None or role is None:
            continue
        entry = {"name": name, "role": role}
        if entry not in out:
            out.append(entry)
    return _done(out, problems, "companies", MAX_COMPANIES)


def _source(item: Any, index: int) -> dict[str, str | None]:
    if isinstance(item, str):
        item = {"url": item}
    if not isinstance(item, dict):
        raise RecordError(
            "sources", "each entry must be {url, publisher, title, date}", code="bad_entry", item=index
        )
    problems: list[RecordError] = []
    url = _take(problems, item.get("url"), "sources", required=True, limit=LIMITS["source_url"], item=index)
    host = http_host(url) if url is not None else None
    if url is not None and host is None:
        reason = f"{url[:80]!r} is not an http/https URL"
        problems.append(RecordError("sources", reason, code="bad_url", item=index, value=url[:80]))
    date = _take(problems, item.get("date"), "sources", required=False, limit=10, item=index)
    if date is not None and not DATE_PATTERN.match(date):
        reason = f"date {date!r} must be YYYY, YYYY-MM or YYYY-MM-DD"
        problems.append(RecordError("sources", reason, code="bad_date", item=index, value=date))
    publisher = _take(
        problems,
        item.get("publisher"),
        "sources",
        required=False,
        limit=LIMITS["source_publisher"],
        item=index,
    )
    title = _take(
        problems, item.get("title"), "sources", required=False, limit=LIMITS["source_title"], item=index
    )
    if problems:
        raise RecordError.of(problems)
    assert url is not None
    return {"url": url, "publisher": publisher or host, "title": title, "date": date}


def _take(
    problems: list[RecordError], raw: Any, field: str, *, required: bool, limit: int, item: int | None = None
) -> str | None:
    """``_text``, or None with its problem added to ``problems``."""
    try:
        return _text(raw, field, required=required, limit=limit, item=item)
    except RecordError as exc:
        problems += exc.problems
        return None


def _sources(raw: Any) -> list[dict[str, str | None]]:
    out: list[dict[str, str | None]] = []
    problems: list[RecordError] = []
    for index, item in enumerate(_list(raw, "sources")):
        try:
            source = _source(item, index)
        except RecordError as exc:
            problems += exc.problems
            continue
        if all(source["url"] != s["url"] for s in out):
            out.append(source)
    if not out and not problems:
        problems.append(RecordError("sources", "at least one source is required", code="required"))
    return _done(out, problems, "sources", MAX_SOURCES)


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
    uses, problems = [], []
    for use in _list(raw, "ai_uses"):
        try:
            uses.append(_choice(use, "ai_uses", AI_USES))
        except RecordError as exc:
            problems += exc.problems
    if problems:
        raise RecordError.of(problems)
    if not uses:
        raise RecordError("ai_uses", "at least one is required", code="required")
    return list(dict.fromkeys(uses))


def validate_record(raw: Any) -> dict[str, Any]:
    """The canonical record for ``raw``, or :class:`RecordError` listing every bad field (``problems``)."""
    if not isinstance(raw, dict):
        raise RecordError("record", "must be an object", code="bad_entry")
    try:  # most records are valid: a pass that stops at the first problem costs less than collecting them
        return _record(raw, _strict)
    except RecordError:
        pass
    check = _Collect()
    record = _record(raw, check)
    check.raise_any()
    return record


def _strict(validate: Callable[..., Any], *args: Any, default: Any = None, **kwargs: Any) -> Any:
    """``_Collect`` for a pass that stops at the first problem."""
    return validate(*args, **kwargs)


def _record(raw: dict[str, Any], check: Callable[..., Any]) -> dict[str, Any]:
    """The canonical record, each field validated through ``check`` (``_Collect`` or ``_strict``)."""
    # in this order, so the first problem named is the one it always was
    record_id = check(_record_id, raw.get("id"))
    date = check(_date, raw.get("date"))
    uses = check(_uses, raw.get("ai_uses"))
    title = check(_text, raw.get("title"), "title", required=True, limit=LIMITS["title"])
    return {
        "id": record_id,
        "title": title,
        "title_language": _language(raw.get("title_language")) or guess_language(title or ""),
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


def _language(raw: Any) -> str:
    """A language tag as given (cleaned, at most 16 characters), or "" when none is."""
    return clean_input(str(raw), one_line=True)[:16] if raw else ""


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
