"""The curator's record form (pure): a record as form values, and form values back into a record.

The form has two modals, so that facts with a fixed list of values are chosen, not typed: *facts* (selects
for status, medium, AI uses and confidence; the date typed) and *text* (titles, companies, sources, summary
and credit, one text box each), plus the record id. :func:`parse` reports every problem at once, each
naming the box it is in (and the line, for boxes with one entry per line).
"""

from __future__ import annotations

import re
from typing import Any

from cogs.disclosures.records import RecordError, guess_language, slugify, validate_record

FIELD_LIMIT = 4000  # a Discord text input holds at most this many characters
KEEP = "keep"  # typed in a box whose content was too long to show: keep what is stored
OUTCOME_SEPARATOR = "---"
FACTS = ("status", "medium", "ai_uses", "confidence", "date")
TEXTS = ("titles", "companies", "sources", "summary", "credit")
SELECTS = ("status", "medium", "ai_uses", "confidence")
FORM_ORDER = (*FACTS, *TEXTS, "id")
# The record field a problem is about → the box of the form it was typed in.
BOX_OF = {
    "id": "id",
    "title": "titles",
    "alt_titles": "titles",
    "title_language": "titles",
    "medium": "medium",
    "date": "date",
    "ai_uses": "ai_uses",
    "disclosure": "status",
    "confidence": "confidence",
    "companies": "companies",
    "sources": "sources",
    "credit_text": "credit",
    "summary": "summary",
    "response": "summary",
}

Values = dict[str, Any]  # box → text (str) or chosen values (list[str], for the selects)


def _split(line: str, parts: int) -> list[str]:
    pieces = [p.strip() for p in line.split("|", parts - 1)]
    return pieces + [""] * (parts - len(pieces))


def _fit(text: str) -> str:
    return text if len(text) <= FIELD_LIMIT else KEEP


def render(record: dict[str, Any]) -> Values:
    """The form values for ``record`` (a text box too long for Discord shows ``keep``)."""
    titles = [record.get("title") or ""]
    titles += [f"{t['title']} | {t['language']}" for t in record.get("alt_titles", [])]
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
        "id": record.get("id", ""),
        "status": [record["disclosure"]] if record.get("disclosure") else [],
        "medium": [record["medium"]] if record.get("medium") else [],
        "ai_uses": list(record.get("ai_uses", [])),
        "confidence": [record.get("confidence") or "medium"],
        "date": record.get("date") or "",
        "titles": _fit("\n".join(titles)),
        "companies": _fit("\n".join(companies)),
        "sources": _fit("\n".join(sources)),
        "summary": _fit(summary),
        "credit": (record.get("credit_text") or "")[:FIELD_LIMIT],
    }


def draft(submission: dict[str, Any], year: str) -> Values:
    """Form values to start publishing a member's submission from (the curator chooses the facts)."""
    companies = [
        f"{name.strip()} | " for name in re.split(r"[,\n]", submission.get("companies") or "") if name.strip()
    ]
    summary = (
        submission.get("ai_uses") or ""
    )  # never the notes: they are private to the submitter and curators
    return {
        "id": suggested_id(submission.get("title") or "", "", year),
        "status": [],
        "medium": [],
        "ai_uses": [],
        "confidence": ["medium"],
        "date": "",
        "titles": submission.get("title") or "",
        "companies": "\n".join(companies),
        "sources": "\n".join(submission.get("source_urls") or []),
        "summary": summary[:FIELD_LIMIT],
        "credit": "",
    }


def correction(stored: dict[str, Any], submission: dict[str, Any]) -> Values:
    """Form values to publish a correction from: the stored record, with the sources the member gave added
    (the curator reads their note beside the draft and changes the rest)."""
    values = render(stored)
    known = {s["url"] for s in stored.get("sources", [])}
    added = [url for url in submission.get("source_urls") or [] if url not in known]
    if added and values["sources"] != KEEP:
        values["sources"] = _fit("\n".join([values["sources"], *added]).strip("\n"))
    return values


def suggested_id(titles: str, date: str, year: str) -> str:
    """The id a new record gets unless the curator picks one: its title and year (the date's, else ``year``)."""
    first = next((line for line in titles.splitlines() if line.strip()), "")
    return slugify(
        first.split("|")[0].strip(), date.strip()[:4] if re.match(r"\d{4}", date.strip()) else year
    )


def _lines(text: str) -> list[tuple[int, str]]:
    """The non-blank lines of a box, with their (0-based) line numbers."""
    return [(number, line.strip()) for number, line in enumerate(text.split("\n")) if line.strip()]


def _one(values: Values, name: str) -> str:
    """The value chosen in a single-choice select (a list of at most one value)."""
    chosen = values.get(name)
    if isinstance(chosen, list):
        return str(chosen[0]) if chosen else ""
    return str(chosen or "")


def parse(values: Values, *, stored: dict[str, Any] | None = None) -> dict[str, Any]:
    """A validated record from the form, or :class:`RecordError` whose ``problems`` name every bad box (as
    ``field``) and line (as ``item``, 0-based), in the order of the form. ``stored`` (when editing) fills the
    boxes left as ``keep`` and fixes the id."""
    kept = {name for name in TEXTS if str(values.get(name) or "").strip().lower() == KEEP}
    early: list[RecordError] = []
    if kept and stored is None:
        early += [
            RecordError(name, f"'{KEEP}' only works when editing an existing record", code="keep_new")
            for name in sorted(kept, key=FORM_ORDER.index)
        ]
        kept = set()
    raw: dict[str, Any] = {
        "id": stored["id"] if stored is not None else str(values.get("id") or "").strip(),
        "medium": _one(values, "medium"),
        "date": str(values.get("date") or ""),
        "disclosure": _one(values, "status"),
        "ai_uses": [str(v) for v in values.get("ai_uses") or []],
        "confidence": _one(values, "confidence") or "medium",
        "credit_text": str(values.get("credit") or ""),
    }
    if stored is not None:
        raw["title_language"] = stored.get("title_language")
    lines: dict[str, list[int]] = {}  # box → line number of each entry of the list it holds
    kept_from: dict[str, Any] = stored or {}  # a box is only ever kept when editing a stored record

    if "titles" in kept:
        raw.update(title=kept_from["title"], alt_titles=kept_from["alt_titles"])
    else:
        titles = _lines(str(values.get("titles") or ""))
        raw["title"] = titles[0][1] if titles else ""
        raw["alt_titles"] = []
        lines["titles"] = [number for number, _ in titles[1:]]
        for _, line in titles[1:]:
            title, language = _split(line, 2)
            raw["alt_titles"].append({"title": title, "language": language or guess_language(title)})

    if "companies" in kept:
        raw["companies"] = kept_from["companies"]
    else:
        companies = _lines(str(values.get("companies") or ""))
        lines["companies"] = [number for number, _ in companies]
        raw["companies"] = [
            dict(zip(("name", "role"), _split(line, 2), strict=True)) for _, line in companies
        ]

    if "sources" in kept:
        raw["sources"] = kept_from["sources"]
    else:
        sources = _lines(str(values.get("sources") or ""))
        lines["sources"] = [number for number, _ in sources]
        raw["sources"] = []
        for _, line in sources:
            url, publisher, date, title = _split(line, 4)
            raw["sources"].append(
                {"url": url, "publisher": publisher or None, "date": date or None, "title": title or None}
            )

    if "summary" in kept:
        raw.update(summary=kept_from["summary"], response=kept_from["response"])
    else:
        text = str(values.get("summary") or "").replace("\r\n", "\n")
        summary, _, outcome = text.partition(f"\n{OUTCOME_SEPARATOR}\n")
        raw["summary"] = summary.strip()
        raw["response"] = outcome.strip() or None

    try:
        record = validate_record(raw)
    except RecordError as exc:
        boxed = {problem.field for problem in early}  # 'keep' in a new record: that is the box's problem
        problems = early + [p for p in (_in_form(q, lines) for q in exc.problems) if p.field not in boxed]
        problems.sort(key=lambda p: (FORM_ORDER.index(p.field), p.item if p.item is not None else -1))
        raise RecordError.of(problems) from None
    if early:
        raise RecordError.of(early)
    return record


def _in_form(problem: RecordError, lines: dict[str, list[int]]) -> RecordError:
    """A record problem, re-addressed to the box (and line) of the form where it was typed."""
    box = BOX_OF.get(problem.field, "summary")
    line = None
    if problem.field == "alt_titles" and problem.item is not None:
        numbers = lines.get("titles", [])
        line = numbers[problem.item] if problem.item < len(numbers) else None
    elif problem.field in ("companies", "sources") and problem.item is not None:
        numbers = lines.get(problem.field, [])
        line = numbers[problem.item] if problem.item < len(numbers) else None
    return RecordError(box, problem.reason, code=problem.code, item=line, **problem.params)
