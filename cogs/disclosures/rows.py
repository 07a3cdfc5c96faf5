"""A record's rows in every table, read and written many at a time (no audit, no transaction of their own).

One record is a row of ``disclosure_records`` plus its titles, companies, AI uses, sources and search row.
Reading or writing them one record at a time costs a handful of statements per record; an import of 100,000
records goes through here a batch at a time instead: reads with ``IN (json_each(?))``, writes as every table's
rows for the batch (``tables``, laid out by a worker process for a big import), one ``executemany`` per table.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlite_utils import Database

from cogs.disclosures.normalise import normalise, search_text, search_words

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


TABLES = ("records", "titles", "companies", "uses", "sources", "search")
Tables = dict[str, list[tuple[Any, ...]]]  # each table's rows for some records, by name (``TABLES``)


def titles_of(record: dict[str, Any]) -> list[dict[str, str]]:
    """The record's titles with their languages, main title first."""
    return [
        {"title": record["title"], "language": record.get("title_language") or "en"},
        *record["alt_titles"],
    ]


@lru_cache(maxsize=4096)
def _company_forms(name: str) -> tuple[str, str]:
    """A company's name normalised, and its search words (the same names come back record after record)."""
    normalised = normalise(name)
    return normalised, search_words(normalised)


def tables(records: Sequence[dict[str, Any]]) -> Tables:
    """Every table's rows for validated ``records``, each row led by its record's position in ``records``
    (what ``write_tables`` reads; computed in a worker process for a big import)."""
    out: Tables = {name: [] for name in TABLES}
    record_rows, title_rows, company_rows, use_rows, source_rows, search_rows = (out[name] for name in TABLES)
    for k, record in enumerate(records):
        record_id, date = record["id"], record["date"]
        record_rows.append(
            (
                k,
                record_id,
                record["title"],
                record["medium"],
                date,
                year_of(date),
                record["disclosure"],
                record["credit_text"],
                record["summary"],
                record["response"],
                record["confidence"],
            )
        )
        title_words = []
        for i, t in enumerate(titles_of(record)):
            norm = normalise(t["title"])
            title_rows.append((k, record_id, i, t["title"], t["language"], norm))
            title_words.append(search_words(norm))
        company_words = []
        for i, c in enumerate(record["companies"]):
            normalised, words = _company_forms(c["name"])
            company_rows.append((k, record_id, c["name"], normalised, c["role"], i))
            company_words.append(words)
        use_rows.extend((k, record_id, use) for use in record["ai_uses"])
        source_rows.extend(
            (k, record_id, i, s["url"], s.get("publisher"), s.get("title"), s.get("date"))
            for i, s in enumerate(record["sources"])
        )
        search_rows.append(
            (k, record_id, " ".join(title_words), " ".join(company_words), search_text(record["summary"]))
        )
    return out


def records_from(tables: Tables, positions: Iterable[int]) -> dict[int, dict[str, Any]]:
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
        write_tables(db, tables(records), None, state=state, actor_id=actor_id, at=at, replace=replace)
        write_search(db)


_SEARCH_BATCH = "temp.disclosure_search_batch"
# Each table's statement and which cells of its rows (after the leading position) it takes; the records'
# statement also takes the state, time (twice) and actor.
_WRITES = (
    (
        "records",
        f"INSERT INTO disclosure_records ({', '.join(RECORD_COLUMNS)}) VALUES ({', '.join('?' * 14)})"
        " ON CONFLICT(id) DO UPDATE SET "  # a stored record keeps its created_at
        + ", ".join(f"{c} = excluded.{c}" for c in RECORD_COLUMNS if c not in ("id", "created_at")),
        None,
    ),
    (
        "titles",
        "INSERT INTO disclosure_titles (record_id, position, title, language, norm) VALUES (?, ?, ?, ?, ?)",
        None,
    ),
    ("companies", "INSERT OR IGNORE INTO disclosure_companies (name, name_key) VALUES (?, ?)", (2, 3)),
    (
        "companies",
        "INSERT OR IGNORE INTO disclosure_record_companies (record_id, company_id, role, position)"
        " VALUES (?, (SELECT id FROM disclosure_companies WHERE name = ?), ?, ?)",
        (1, 2, 4, 5),
    ),
    ("uses", "INSERT OR IGNORE INTO disclosure_ai_uses (record_id, use) VALUES (?, ?)", None),
    (
        "sources",
        "INSERT INTO disclosure_sources (record_id, position, url, publisher, title, date)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        None,
    ),
    # Search rows wait in a temporary table until ``write_search``.
    ("search", f"INSERT INTO {_SEARCH_BATCH} VALUES (?, ?, ?, ?)", None),
)


def write_tables(
    db: Database,
    tables: Tables,
    keep: Collection[int] | None,
    *,
    state: str,
    actor_id: int | None,
    at: str,
    replace: Sequence[str] = (),
) -> None:
    """Write the records of ``tables`` (``tables()``, laid out here or by a worker process) whose positions
    are in ``keep`` (all when None), one statement per table; their search rows are written by the next
    ``write_search`` (call it before the transaction ends). ``replace``: the ids among them already stored,
    whose titles, companies… are replaced."""
    if replace:
        clear(db, replace)
    conn = db.conn
    _search_batch(db)
    for part, statement, cells in _WRITES:
        table = tables[part] if keep is None else [row for row in tables[part] if row[0] in keep]
        if part == "records":
            values: Iterable[Sequence[Any]] = [(*row[1:], state, at, at, actor_id) for row in table]
        else:
            values = map(itemgetter(*cells) if cells else itemgetter(slice(1, None)), table)
        conn.executemany(statement, values)


def write_search(db: Database) -> None:
    """Write the search rows of the records ``write_tables`` wrote since the last call, in one statement.

    Their full-text triggers then feed both indexes in one go. Written row by row, or before the other tables
    of a transaction, the full-text tables would take part in every later statement of the transaction: each
    one writes what they hold so far to disk, in small pieces that must then be merged.
    """
    _search_batch(db)
    db.conn.execute(
        f"INSERT INTO disclosure_search (record_id, titles, companies, summary) SELECT * FROM {_SEARCH_BATCH}"
    )
    db.conn.execute(f"DELETE FROM {_SEARCH_BATCH}")


def _search_batch(db: Database) -> None:
    """The temporary table of search rows waiting for ``write_search`` (one per connection)."""
    db.conn.execute(f"CREATE TABLE IF NOT EXISTS {_SEARCH_BATCH} (record_id, titles, companies, summary)")


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
