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
# The sections of /disclosure stats (each titled disclosures.stats.by_<section>) and the column each counts.
STATS_SECTIONS = {"status": "disclosure", "medium": "medium", "year": "year"}


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


def fts_query(text: str, *, prefix: bool = True) -> str | None:
    """An FTS5 query requiring every normalised word (the last as a prefix unless ``prefix`` is off), or None
    when there is none."""
    words = search_text(text).split()
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    if prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


def _rows(cursor: Any) -> list[dict[str, Any]]:
    keys = [d[0] for d in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def _where(filters: Filters) -> tuple[str, list[Any]]:
    """The SQL condition on ``disclosure_records r`` for every filter but the text, and its parameters."""
    where = ["r.state = 'published'"]
    params: list[Any] = []
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
    return " AND ".join(where), params


def _newest_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows.sort(key=lambda r: r["id"])
    rows.sort(key=lambda r: r["date"], reverse=True)
    return rows


def search(db: Database, filters: Filters, *, limit: int = 500) -> list[dict[str, Any]]:
    """Published records matching every given filter (at most ``limit``).

    Without text, newest first. With text, best first, in tiers, each newest first: records whose titles hold
    every word (with ``record_ids``, the fuzzy title matches, that pass the filters), then records holding
    every word anywhere (companies, summary); then the same two where the last word only begins a word. Each
    tier is read from a full-text index, most recently written first, and stops at the rows still needed, so
    broad words matching thousands of records cost only the rows returned (when more match than ``limit``,
    a tier keeps the most recently written).
    """
    where, params = _where(filters)
    if not filters.text:
        return _rows(
            db.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM disclosure_records r WHERE {where}"
                " ORDER BY r.date DESC, r.id LIMIT ?",
                [*params, limit],
            )
        )
    fuzzy = [
        row[0]
        for row in db.execute(
            f"SELECT r.id FROM json_each(?) ids CROSS JOIN disclosure_records r ON r.id = ids.value WHERE {where}",
            [json.dumps(list(filters.record_ids or ())), *params],
        )
    ]
    tiers: list[list[str]] = [fuzzy]  # the first tier: fuzzy title matches and titles holding every word
    chosen = set(fuzzy)
    exact, started = fts_query(filters.text, prefix=False), fts_query(filters.text)
    matches = (  # (full-text table, query) of each tier after the first
        ("disclosure_titles_fts", exact),  # titles holding every word (joins the fuzzy matches)
        ("disclosure_search_fts", f"({exact}) NOT titles : ({exact})"),  # every word, not all in titles
        ("disclosure_titles_fts", f"({started}) NOT ({exact})"),  # titles, the last word only begun
        ("disclosure_search_fts", f"({started}) NOT ({exact})"),  # anywhere, the last word only begun
    )
    for tier, (table, match) in enumerate(matches if exact else ()):
        wanted = limit - len(chosen)
        if wanted <= 0:
            break
        rows = db.execute(
            f"SELECT r.id FROM {table} f JOIN disclosure_search s ON s.rowid = f.rowid"
            f" JOIN disclosure_records r ON r.id = s.record_id WHERE {table} MATCH ?"
            f" AND {where} ORDER BY f.rowid DESC LIMIT ?",
            [match, *params, wanted + len(chosen)],  # room for the rows an earlier tier already took
        )
        found = [row[0] for row in rows if row[0] not in chosen][:wanted]
        chosen.update(found)
        if tier:
            tiers.append(found)
        else:
            tiers[0] += found
    by_id = {row["id"]: row for row in summaries(db, [i for tier in tiers for i in tier])}
    out = [row for tier in tiers for row in _newest_first([by_id[i] for i in tier if i in by_id])]
    return out[:limit]


def title_rows_matching(db: Database, text: str, *, limit: int = 200) -> list[tuple[str, str, str]]:
    """(record id, title, normalised title) of up to ``limit`` published records whose titles hold every word
    of ``text`` (the last as a prefix), and of the record whose id is ``text``: what the title index narrows
    to, read from the full-text index while the title index is being built."""
    match = fts_query(text)
    return db.execute(
        "WITH found(id) AS (SELECT s.record_id FROM disclosure_titles_fts f"
        " JOIN disclosure_search s ON s.rowid = f.rowid WHERE disclosure_titles_fts MATCH ?"
        " ORDER BY f.rowid DESC LIMIT ?)"
        " SELECT t.record_id, t.title, coalesce(t.norm, '') FROM disclosure_titles t"
        " JOIN disclosure_records r ON r.id = t.record_id"
        " WHERE t.record_id IN (SELECT id FROM found UNION SELECT ?) AND r.state = 'published'"
        " ORDER BY t.record_id, t.position",
        [match or '""', limit, text.strip()],
    ).fetchall()


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
    for name, column in STATS_SECTIONS.items():
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
            f"SELECT {SUMMARY_COLUMNS} FROM json_each(?) ids CROSS JOIN disclosure_records r ON r.id = ids.value"
            " WHERE r.state = 'published'",
            [json.dumps(record_ids)],
        )
    )
    order = {rid: i for i, rid in enumerate(record_ids)}
    return sorted(rows, key=lambda r: order[r["id"]])
