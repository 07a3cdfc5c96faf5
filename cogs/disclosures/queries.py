"""Read-only questions about published records: search with filters, by company, newest, counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from cogs.disclosures.normalise import normalise, search_text
from cogs.disclosures.store import get_record, portable

SUMMARY_COLUMNS = "r.id, r.title, r.medium, r.date, r.disclosure, r.confidence"


@dataclass(frozen=True)
class Filters:
    """What `/disclosure search` narrows by; every field optional."""

    text: str | None = None
    medium: str | None = None
    company: str | None = None
    ai_use: str | None = None
    status: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    record_ids: tuple[str, ...] | None = None  # extra candidates (fuzzy title matches) OR-ed with the text


def fts_query(text: str) -> str | None:
    """An FTS5 query requiring every normalised word (the last as a prefix), or None when there is none."""
    words = search_text(text).split()
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _rows(cursor: Any) -> list[dict[str, Any]]:
    keys = [d[0] for d in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def search(db: Database, filters: Filters, *, limit: int = 500) -> list[dict[str, Any]]:
    """Published records matching every given filter, newest first (at most ``limit``)."""
    where = ["r.state = 'published'"]
    params: list[Any] = []
    source = "disclosure_records r"
    if filters.text:
        # Drive the query from the matching ids (FTS hits plus fuzzy title hits), not from a scan of records.
        hits = []
        match = fts_query(filters.text)
        if match:
            hits.append(
                "SELECT s.record_id AS id FROM disclosure_search_fts f JOIN disclosure_search s ON s.rowid = f.rowid"
                " WHERE disclosure_search_fts MATCH ?"
            )
            params.append(match)
        hits.append("SELECT value AS id FROM json_each(?)")
        params.append(json.dumps(list(filters.record_ids or ())))
        source = f"({' UNION '.join(hits)}) AS hits CROSS JOIN disclosure_records r ON r.id = hits.id"
    if filters.medium:
        where.append("r.medium = ?")
        params.append(filters.medium)
    if filters.status:
        where.append("r.disclosure = ?")
        params.append(filters.status)
    if filters.ai_use:
        where.append("r.id IN (SELECT record_id FROM disclosure_ai_uses WHERE use = ?)")
        params.append(filters.ai_use)
    if filters.company:
        where.append(
            "r.id IN (SELECT rc.record_id FROM disclosure_record_companies rc JOIN disclosure_companies c"
            " ON c.id = rc.company_id WHERE c.name = ? OR c.name_key LIKE ?)"
        )
        params += [filters.company, f"%{normalise(filters.company)}%"]
    if filters.year_from is not None:
        where.append("r.year >= ?")
        params.append(filters.year_from)
    if filters.year_to is not None:
        where.append("r.year <= ?")
        params.append(filters.year_to)
    sql = (
        f"SELECT {SUMMARY_COLUMNS} FROM {source} WHERE {' AND '.join(where)}"
        " ORDER BY r.date DESC, r.id LIMIT ?"
    )
    return _rows(db.execute(sql, [*params, limit]))


def company_names(db: Database, prefix: str, *, limit: int = 25) -> list[str]:
    """Company names for autocomplete: those starting with the text first, then containing it."""
    key = normalise(prefix)
    if not key:
        rows = db.execute(
            "SELECT c.name FROM disclosure_companies c WHERE c.id IN (SELECT company_id FROM"
            " disclosure_record_companies) ORDER BY c.name LIMIT ?",
            [limit],
        )
        return [r[0] for r in rows]
    rows = db.execute(
        "SELECT name FROM disclosure_companies WHERE name_key LIKE ? AND id IN"
        " (SELECT company_id FROM disclosure_record_companies)"
        " ORDER BY name_key NOT LIKE ?, length(name) LIMIT ?",
        [f"%{key}%", f"{key}%", limit],
    )
    return [r[0] for r in rows]


def by_company(db: Database, name: str) -> tuple[str | None, dict[str, list[dict[str, Any]]]]:
    """Records involving the company (exact name, else the closest containing match), grouped by role."""
    row = db.execute("SELECT id, name FROM disclosure_companies WHERE name = ?", [name]).fetchone()
    if row is None:
        key = normalise(name)
        if not key:
            return None, {}
        row = db.execute(
            "SELECT id, name FROM disclosure_companies WHERE name_key LIKE ? AND id IN"
            " (SELECT company_id FROM disclosure_record_companies) ORDER BY length(name) LIMIT 1",
            [f"%{key}%"],
        ).fetchone()
    if row is None:
        return None, {}
    company_id, company_name = row
    groups: dict[str, list[dict[str, Any]]] = {}
    cursor = db.execute(
        f"SELECT rc.role, {SUMMARY_COLUMNS} FROM disclosure_record_companies rc JOIN disclosure_records r"
        " ON r.id = rc.record_id WHERE rc.company_id = ? AND r.state = 'published' ORDER BY rc.role, r.date DESC",
        [company_id],
    )
    for item in _rows(cursor):
        groups.setdefault(item.pop("role"), []).append(item)
    return company_name, groups


def recent(db: Database, *, limit: int = 10) -> list[dict[str, Any]]:
    """The newest published records (by the date the AI use became public, then by when added)."""
    return _rows(
        db.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM disclosure_records r WHERE r.state = 'published'"
            " ORDER BY r.date DESC, r.created_at DESC LIMIT ?",
            [limit],
        )
    )


MAX_BARS = 12  # per stats chart: more would not read on a phone


def stats(db: Database, *, max_bars: int = MAX_BARS) -> dict[str, list[tuple[str, int]]]:
    """Counts of published records by status, medium and year, at most ``max_bars`` per section.

    Statuses (six) and media come largest first, the smallest media folded into ``other`` when there are too
    many; years come in order, the oldest folded into one range ("1950–2015") so the recent ones stay
    readable."""
    out: dict[str, list[tuple[str, int]]] = {}
    for name, column in (("status", "disclosure"), ("medium", "medium"), ("year", "year")):
        rows = db.execute(
            f"SELECT {column}, count(*) FROM disclosure_records WHERE state = 'published'"
            f" GROUP BY {column} ORDER BY {'year' if column == 'year' else 'count(*) DESC, ' + column}"
        ).fetchall()
        counts = [(str(key), int(count)) for key, count in rows]
        if name == "medium":
            counts = _fold_smallest(counts, max_bars)
        elif name == "year":
            counts = _fold_years(counts, max_bars)
        out[name] = counts
    return out


def _fold_smallest(counts: list[tuple[str, int]], max_bars: int) -> list[tuple[str, int]]:
    """Largest first; beyond ``max_bars`` the rest are added to ``other`` (itself a vocabulary value)."""
    if len(counts) <= max_bars:
        return counts
    kept = [(key, n) for key, n in counts if key != "other"][: max_bars - 1]
    rest = sum(n for _, n in counts) - sum(n for _, n in kept)
    return sorted([*kept, ("other", rest)], key=lambda item: -item[1])


def _fold_years(counts: list[tuple[str, int]], max_bars: int) -> list[tuple[str, int]]:
    """Years in order (unknown last); beyond ``max_bars`` the oldest share one bar labelled with their range."""
    known = [(key, n) for key, n in counts if key != "None"]
    unknown = [(key, n) for key, n in counts if key == "None"]
    room = max_bars - len(unknown)
    if len(known) <= room:
        return [*known, *unknown]
    old, recent = known[: len(known) - room + 1], known[len(known) - room + 1 :]
    label = f"{old[0][0]}–{old[-1][0]}"
    return [(label, sum(n for _, n in old)), *recent, *unknown]


def iter_records(db: Database) -> Iterator[dict[str, Any]]:
    """Every published record in full, by id (for export)."""
    ids = [
        r[0] for r in db.execute("SELECT id FROM disclosure_records WHERE state = 'published' ORDER BY id")
    ]
    for record_id in ids:
        record = get_record(db, record_id)
        if record is not None:
            yield portable(record)


def summaries(db: Database, record_ids: list[str]) -> list[dict[str, Any]]:
    """Summary rows for the given published ids, in the given order."""
    if not record_ids:
        return []
    rows = _rows(
        db.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM disclosure_records r WHERE r.state = 'published'"
            f" AND r.id IN ({','.join('?' * len(record_ids))})",
            record_ids,
        )
    )
    order = {rid: i for i, rid in enumerate(record_ids)}
    return sorted(rows, key=lambda r: order[r["id"]])
