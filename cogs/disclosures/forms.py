"""The moderator's record form: five text boxes rendered from a record and parsed back into one."""

from __future__ import annotations

import re
from typing import Any

from cogs.disclosures.records import RecordError, guess_language, validate_record

FIELD_LIMIT = 4000  # a Discord text input holds at most this many characters
KEEP = "keep"  # typed in a box whose content was too long to show: keep what is stored
OUTCOME_SEPARATOR = "---"
FACT_KEYS = {
    "id": "id",
    "medium": "medium",
    "date": "date",
    "status": "disclosure",
    "disclosure": "disclosure",
    "ai uses": "ai_uses",
    "ai_uses": "ai_uses",
    "confidence": "confidence",
    "credit": "credit_text",
    "credit_text": "credit_text",
}
_FACT_LINE = re.compile(r"^\s*([a-zA-Z_ ]+?)\s*:\s*(.*)$")


def _split(line: str, parts: int) -> list[str]:
    pieces = [p.strip() for p in line.split("|", parts - 1)]
    return pieces + [""] * (parts - len(pieces))


def _fit(text: str) -> str:
    return text if len(text) <= FIELD_LIMIT else KEEP


def render(record: dict[str, Any]) -> dict[str, str]:
    """The five box values for ``record`` (a box too long for Discord shows ``keep``)."""
    titles = [record.get("title") or ""]
    titles += [f"{t['title']} | {t['language']}" for t in record.get("alt_titles", [])]
    facts = [
        f"id: {record.get('id', '')}",
        f"medium: {record.get('medium') or ''}",
        f"date: {record.get('date') or ''}",
        f"status: {record.get('disclosure') or ''}",
        f"ai uses: {', '.join(record.get('ai_uses', []))}",
        f"confidence: {record.get('confidence') or 'medium'}",
        f"credit: {record.get('credit_text') or ''}",
    ]
    companies = [f"{c['name']} | {c['role']}" for c in record.get("companies", [])]
    sources = [
        " | ".join([s["url"], s.get("publisher") or "", s.get("date") or "", s.get("title") or ""]).rstrip(
            " |"
        )
        for s in record.get("sources", [])
    ]
    summary = record.get("summary") or ""
    if record.get("response"):
        summary += f"\n{OUTCOME_SEPARATOR}\n{record['response']}"
    return {
        "titles": _fit("\n".join(titles)),
        "facts": "\n".join(facts)[:FIELD_LIMIT],
        "companies": _fit("\n".join(companies)),
        "sources": _fit("\n".join(sources)),
        "summary": _fit(summary),
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse(values: dict[str, str], *, stored: dict[str, Any] | None = None) -> dict[str, Any]:
    """A validated record from the five boxes; ``stored`` fills boxes left as ``keep`` and fixes the id."""
    raw: dict[str, Any] = {}
    kept = {name for name, value in values.items() if value.strip().lower() == KEEP}
    if kept and stored is None:
        raise RecordError(sorted(kept)[0], f"'{KEEP}' only works when editing an existing record")

    if "titles" in kept:
        raw.update(title=stored["title"], alt_titles=stored["alt_titles"])  # type: ignore[index]
    else:
        titles = _lines(values.get("titles", ""))
        if not titles:
            raise RecordError("title", "is required")
        raw["title"] = titles[0]
        raw["alt_titles"] = []
        for line in titles[1:]:
            title, language = _split(line, 2)
            raw["alt_titles"].append({"title": title, "language": language or guess_language(title)})

    for line in _lines(values.get("facts", "")):
        match = _FACT_LINE.match(line)
        key = FACT_KEYS.get(match.group(1).strip().lower()) if match else None
        if match is None or key is None:
            raise RecordError("facts", f"cannot read the line {line[:60]!r} (expected 'name: value')")
        raw[key] = match.group(2).strip() or None
    raw["ai_uses"] = [u.strip() for u in re.split(r"[,\s]+", raw.get("ai_uses") or "") if u.strip()]
    if stored is not None:
        if raw.get("id") not in (None, stored["id"]):
            raise RecordError("id", "cannot be changed when editing")
        raw["id"] = stored["id"]
        raw["title_language"] = stored.get("title_language")

    if "companies" in kept:
        raw["companies"] = stored["companies"]  # type: ignore[index]
    else:
        companies = []
        for line in _lines(values.get("companies", "")):
            name, role = _split(line, 2)
            companies.append({"name": name, "role": role})
        raw["companies"] = companies

    if "sources" in kept:
        raw["sources"] = stored["sources"]  # type: ignore[index]
    else:
        sources = []
        for line in _lines(values.get("sources", "")):
            url, publisher, date, title = _split(line, 4)
            sources.append(
                {"url": url, "publisher": publisher or None, "date": date or None, "title": title or None}
            )
        raw["sources"] = sources

    if "summary" in kept:
        raw.update(summary=stored["summary"], response=stored["response"])  # type: ignore[index]
    else:
        summary, _, outcome = values.get("summary", "").partition(f"\n{OUTCOME_SEPARATOR}\n")
        raw["summary"] = summary.strip()
        raw["response"] = outcome.strip() or None
    return validate_record(raw)


def draft(submission: dict[str, Any], slug: str) -> dict[str, str]:
    """Form values to start publishing a member's submission from (the moderator fills in the rest)."""
    companies = [
        f"{name.strip()} | " for name in re.split(r"[,\n]", submission.get("companies") or "") if name.strip()
    ]
    facts = {
        "id": slug,
        "medium": "",
        "date": "",
        "status": "",
        "ai uses": "",
        "confidence": "medium",
        "credit": "",
    }
    summary = "\n\n".join(part for part in (submission.get("ai_uses"), submission.get("notes")) if part)
    return {
        "titles": submission.get("title") or "",
        "facts": "\n".join(f"{key}: {value}" for key, value in facts.items()),
        "companies": "\n".join(companies),
        "sources": "\n".join(submission.get("source_urls") or []),
        "summary": summary[:FIELD_LIMIT],
    }
