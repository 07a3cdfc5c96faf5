"""A record's rows in every table, read and written many at a time (no audit, no transaction of their own).

One record is a row of ``disclosure_records`` plus its titles, companies, AI uses, sources and search row.
Reading or writing them one record at a time costs a handful of statements per record; an import of 100,000
records goes through here a batch at a time instead: reads with ``IN (json_each(?))``, writes as one JSON text
per batch (``tables``, laid out by a worker process for a big import) that SQLite itself reads rows out of, one
statement per table, with no Python object per row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from cogs.disclosures.normalise import normalise, search_text, tokens

CHILD_TABLES = (
    "disclosure_titles",
    "disclosure_record_companies",
    "disclosure_ai_uses",
    "disclosure_sources",
)
RECORD_COLUMNS = (
    "id",
    "title",
    "medium",
    "date",
    "year",
    "disclosure",
    "credit_text",
    "summary",
    "response",
    "confidence",
    "state",
    "created_at",
    "updated_at",
    "updated_by",
)
_IDS = "(SELECT value FROM json_each(?))"


def year_of(date: str) -> int | None:
    return int(date[:4]) if date[:4].isdigit() else None


def titles_of(record: dict[str, Any]) -> list[dict[str, str]]:
    """The record's titles with their languages, main title first."""
    return [
        {"title": record["title"], "language": record.get("title_language") or "en"},
        *record["alt_titles"],
    ]


def tables(records: Sequence[dict[str, Any]]) -> dict[str, list[list[Any]]]:
    """Every table's rows for validated ``records``, each row led by its record's position in ``records``
    (what ``write_tables`` reads; computed in a worker process for a big import)."""
    out: dict[str, list[list[Any]]] = {name: [] for name in TABLES}
    companies: dict[str, tuple[str, str]] = {}  # name → (normalised, search words): names repeat
    for k, record in enumerate(records):
        record_id = record["id"]
        titles = titles_of(record)
        norms = [normalise(t["title"]) for t in titles]
        out["records"].append(
            [
                k,
                record_id,
                record["title"],
                record["medium"],
                record["date"],
                year_of(record["date"]),
                record["disclosure"],
                record["credit_text"],
                record["summary"],
                record["response"],
                record["confidence"],
            ]
        )
        out["titles"] += [
            [k, record_id, i, t["title"], t["language"], norm]
            for i, (t, norm) in enumerate(zip(titles, norms, strict=True))
        ]
        for c in record["companies"]:
            if c["name"] not in companies:
                companies[c["name"]] = (normalise(c["name"]), search_text(c["name"]))
        out["companies"] += [
            [k, record_id, c["name"], companies[c["name"]][0], c["role"], i]
            for i, c in enumerate(record["companies"])
        ]
        out["uses"] += [[k, record_id, use] for use in record["ai_uses"]]
        out["sources"] += [
            [k, record_id, i, s["url"], s.get("publisher"), s.get("title"), s.get("date")]
            for i, s in enumerate(record["sources"])
        ]
        out["search"].append(
            [
                k,
                record_id,
                " ".join(" ".join(tokens(norm)) for norm in norms),
                " ".join(companies[c["name"]][1] for c in record["companies"]),
                search_text(record["summary"]),
            ]
        )
    return out


def records_from(tables: dict[str, list[list[Any]]], positions: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The validated records at ``positions`` put back together from their ``tables`` rows."""
    out: dict[int, dict[str, Any]] = {}
    wanted = set(positions)
    for k, record_id, title, medium, date, _, disclosure, credit, summary, response, confidence in tables[
        "records"
    ]:
        if k in wanted:
            out[k] = {
                "id": record_id,
                "title": title,
                "title_language": "en",
                "alt_titles": [],
                "medium": medium,
                "companies": [],
                "date": date,
                "ai_uses": [],
                "disclosure": disclosure,
                "credit_text": credit,
                "summary": summary,
                "response": response,
                "sources": [],
                "confidence": confidence,
            }
    for k, _, position, title, language, _ in tables["titles"]:
        if k in out:
            if position:
                out[k]["alt_titles"].append({"title": title, "language": language})
            else:
                out[k]["title_language"] = language
    for k, _, name, _, role, _ in tables["companies"]:
        if k in out:
            out[k]["companies"].append({"name": name, "role": role})
    for k, _, use in tables["uses"]:
        if k in out:
            out[k]["ai_uses"].append(use)
    for k, _, _, url, publisher, title, date in tables["sources"]:
        if k in out:
            out[k]["sources"].append({"url": url, "publisher": publisher, "title": title, "date": date})
    return out


def existing(db: Database, ids: Sequence[str]) -> dict[str, str]:
    """``{id: created_at}`` of the given ids that are stored (in any state)."""
    rows = db.execute(f"SELECT id, created_at FROM disclosure_records WHERE id IN {_IDS}", [json.dumps(ids)])
    return dict(rows.fetchall())


def clear(db: Database, ids: Sequence[str]) -> None:
    """Remove the records' titles, companies, uses, sources and search rows (not the records themselves)."""
    param = [json.dumps(list(ids))]
    for table in CHILD_TABLES:
        db.execute(f"DELETE FROM {table} WHERE record_id IN {_IDS}", param)
    db.execute(f"DELETE FROM disclosure_search WHERE record_id IN {_IDS}", param)


def write(
    db: Database,
    records: Sequence[dict[str, Any]],
    *,
    state: str,
    actor_id: int | None,
    at: str,
    stored: Iterable[str] | None = None,
) -> None:
    """Write validated records and everything hanging off them; ``stored``: the ids among them already in the
    database (their old titles, companies… are replaced), looked up when not given."""
    if records:
        replace = list(stored) if stored is not None else list(existing(db, [r["id"] for r in records]))
        write_tables(
            db, json.dumps(tables(records)), None, state=state, actor_id=actor_id, at=at, replace=replace
        )


def _column(position: int) -> str:
    return f"json_extract(j.value, '$[{position}]')"


def _insert(table: str, columns: str, values: list[str], part: str, *, how: str = "INSERT") -> str:
    return (
        f"{how} INTO {table} ({columns}) SELECT {', '.join(values)} FROM json_each(:rows, '$.{part}') j"
        f" WHERE (:keep IS NULL OR {_column(0)} IN (SELECT value FROM json_each(:keep)))"
    )


TABLES = ("records", "titles", "companies", "uses", "sources", "search")
_WRITES = (
    _insert(
        "disclosure_records",
        ", ".join(RECORD_COLUMNS),
        [*(_column(i) for i in range(1, 11)), ":state", ":at", ":at", ":actor"],
        "records",
    )
    + " ON CONFLICT(id) DO UPDATE SET "  # a stored record keeps its created_at
    + ", ".join(f"{c} = excluded.{c}" for c in RECORD_COLUMNS if c not in ("id", "created_at")),
    _insert(
        "disclosure_titles",
        "record_id, position, title, language, norm",
        [_column(i) for i in range(1, 6)],
        "titles",
    ),
    _insert(
        "disclosure_companies",
        "name, name_key",
        [_column(2), _column(3)],
        "companies",
        how="INSERT OR IGNORE",
    ),
    _insert(
        "disclosure_record_companies",
        "record_id, company_id, role, position",
        [
            _column(1),
            f"(SELECT id FROM disclosure_companies WHERE name = {_column(2)})",
            _column(4),
            _column(5),
        ],
        "companies",
        how="INSERT OR IGNORE",
    ),
    _insert("disclosure_ai_uses", "record_id, use", [_column(1), _column(2)], "uses", how="INSERT OR IGNORE"),
    _insert(
        "disclosure_sources",
        "record_id, position, url, publisher, title, date",
        [_column(i) for i in range(1, 7)],
        "sources",
    ),
    _insert(
        "disclosure_search",
        "record_id, titles, companies, summary",
        [_column(i) for i in range(1, 5)],
        "search",
    ),
)


def write_tables(
    db: Database,
    rows: str,
    keep: Sequence[int] | None,
    *,
    state: str,
    actor_id: int | None,
    at: str,
    replace: Sequence[str] = (),
) -> None:
    """Write the records of ``rows`` (``tables`` as JSON) whose positions are in ``keep`` (all when None):
    SQLite reads the rows out of the JSON itself, no Python object per row. ``replace``: the ids among them
    already stored, whose titles, companies… are replaced."""
    if replace:
        clear(db, replace)
    params = {
        "rows": rows,
        "keep": None if keep is None else json.dumps(list(keep)),
        "state": state,
        "at": at,
        "actor": actor_id,
    }
    for statement in _WRITES:
        db.execute(statement, params)


def read(db: Database, ids: Sequence[str], *, include_hidden: bool = False) -> dict[str, dict[str, Any]]:
    """The full records (titles, companies, uses, sources) for ``ids`` that exist, by id; hidden states only
    when asked."""
    param = [json.dumps(list(ids))]
    cursor = db.execute(f"SELECT * FROM disclosure_records WHERE id IN {_IDS}", param)
    columns = [d[0] for d in cursor.description]
    records: dict[str, dict[str, Any]] = {}
    for row in cursor.fetchall():
        record = dict(zip(columns, row, strict=True))
        if record["state"] == "published" or include_hidden:
            record.update(title_language="en", alt_titles=[], companies=[], ai_uses=[], sources=[])
            records[record["id"]] = record
    if not records:
        return records
    param = [json.dumps(list(records))]
    seen: set[str] = set()
    for record_id, title, language in db.execute(
        f"SELECT record_id, title, language FROM disclosure_titles WHERE record_id IN {_IDS}"
        " ORDER BY record_id, position",
        param,
    ):
        if record_id in seen:
            records[record_id]["alt_titles"].append({"title": title, "language": language})
        else:
            seen.add(record_id)
            records[record_id]["title_language"] = language
    for record_id, name, role in db.execute(
        "SELECT rc.record_id, c.name, rc.role FROM disclosure_record_companies rc JOIN disclosure_companies c"
        f" ON c.id = rc.company_id WHERE rc.record_id IN {_IDS} ORDER BY rc.record_id, rc.position",
        param,
    ):
        records[record_id]["companies"].append({"name": name, "role": role})
    for record_id, use in db.execute(
        f"SELECT record_id, use FROM disclosure_ai_uses WHERE record_id IN {_IDS} ORDER BY rowid", param
    ):
        records[record_id]["ai_uses"].append(use)
    for record_id, url, publisher, title, date in db.execute(
        "SELECT record_id, url, publisher, title, date FROM disclosure_sources"
        f" WHERE record_id IN {_IDS} ORDER BY record_id, position",
        param,
    ):
        records[record_id]["sources"].append(
            {"url": url, "publisher": publisher, "title": title, "date": date}
        )
    return records
