"""Reading and writing disclosure records (all tables, search row and audit) as plain functions."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from cogs.disclosures.audit import SEED, Actor, add_audit, now_iso
from cogs.disclosures.normalise import normalise, search_text
from cogs.disclosures.records import RECORD_FIELDS, validate_record

log = logging.getLogger(__name__)

BATCH = 500
SEED_KEY = "seed_imported"


def _year(date: str) -> int | None:
    return int(date[:4]) if date[:4].isdigit() else None


def _company_id(db: Database, name: str) -> int:
    row = db.execute("SELECT id FROM disclosure_companies WHERE name = ?", [name]).fetchone()
    if row:
        return int(row[0])
    return int(db["disclosure_companies"].insert({"name": name, "name_key": normalise(name)}).last_pk)


def _clear_children(db: Database, record_id: str) -> None:
    for table in (
        "disclosure_titles",
        "disclosure_record_companies",
        "disclosure_ai_uses",
        "disclosure_sources",
    ):
        db.execute(f"DELETE FROM {table} WHERE record_id = ?", [record_id])
    db.execute("DELETE FROM disclosure_search WHERE record_id = ?", [record_id])


def _write(
    db: Database, record: dict[str, Any], *, state: str, actor: Actor, at: str, new: bool = False
) -> None:
    """Write a validated record and everything hanging off it (no transaction of its own)."""
    record_id = record["id"]
    existing = None
    if not new:
        existing = db.execute(
            "SELECT created_at FROM disclosure_records WHERE id = ?", [record_id]
        ).fetchone()
        _clear_children(db, record_id)
    db["disclosure_records"].upsert(
        {
            "id": record_id,
            "title": record["title"],
            "medium": record["medium"],
            "date": record["date"],
            "year": _year(record["date"]),
            "disclosure": record["disclosure"],
            "credit_text": record["credit_text"],
            "summary": record["summary"],
            "response": record["response"],
            "confidence": record["confidence"],
            "state": state,
            "created_at": existing[0] if existing else at,
            "updated_at": at,
            "updated_by": actor.id,
        },
        pk="id",
    )
    titles = [
        {"title": record["title"], "language": record.get("title_language") or "en"},
        *record["alt_titles"],
    ]
    db["disclosure_titles"].insert_all(
        {"record_id": record_id, "position": i, "title": t["title"], "language": t["language"]}
        for i, t in enumerate(titles)
    )
    db["disclosure_record_companies"].insert_all(
        (
            {
                "record_id": record_id,
                "company_id": _company_id(db, c["name"]),
                "role": c["role"],
                "position": i,
            }
            for i, c in enumerate(record["companies"])
        ),
        ignore=True,
    )
    db["disclosure_ai_uses"].insert_all({"record_id": record_id, "use": u} for u in record["ai_uses"])
    db["disclosure_sources"].insert_all(
        {"record_id": record_id, "position": i, **s} for i, s in enumerate(record["sources"])
    )
    db["disclosure_search"].insert(
        {
            "record_id": record_id,
            "titles": " ".join(search_text(t["title"]) for t in titles),
            "companies": " ".join(search_text(c["name"]) for c in record["companies"]),
            "summary": search_text(record["summary"]),
        }
    )


def get_record(db: Database, record_id: str, *, include_hidden: bool = False) -> dict[str, Any] | None:
    """The full record (titles, companies, uses, sources), or None; hidden states only when asked."""
    row = db.execute("SELECT * FROM disclosure_records WHERE id = ?", [record_id]).fetchone()
    if row is None:
        return None
    cols = [d[0] for d in db.execute("SELECT * FROM disclosure_records LIMIT 0").description]
    record = dict(zip(cols, row, strict=True))
    if record["state"] != "published" and not include_hidden:
        return None
    titles = db.execute(
        "SELECT title, language FROM disclosure_titles WHERE record_id = ? ORDER BY position", [record_id]
    ).fetchall()
    record["title_language"] = titles[0][1] if titles else "en"
    record["alt_titles"] = [{"title": t, "language": lang} for t, lang in titles[1:]]
    record["companies"] = [
        {"name": name, "role": role}
        for name, role in db.execute(
            "SELECT c.name, rc.role FROM disclosure_record_companies rc JOIN disclosure_companies c"
            " ON c.id = rc.company_id WHERE rc.record_id = ? ORDER BY rc.position",
            [record_id],
        ).fetchall()
    ]
    record["ai_uses"] = [
        r[0]
        for r in db.execute(
            "SELECT use FROM disclosure_ai_uses WHERE record_id = ? ORDER BY rowid", [record_id]
        )
    ]
    record["sources"] = [
        {"url": u, "publisher": p, "title": t, "date": d}
        for u, p, t, d in db.execute(
            "SELECT url, publisher, title, date FROM disclosure_sources WHERE record_id = ? ORDER BY position",
            [record_id],
        ).fetchall()
    ]
    return record


def portable(record: dict[str, Any]) -> dict[str, Any]:
    """Just the record's facts, in the shape of data/records.json (for export and the audit log)."""
    return {key: record.get(key) for key in RECORD_FIELDS}


def write_audited(
    db: Database,
    record: dict[str, Any],
    *,
    actor: Actor,
    action: str,
    note: str | None = None,
    submission_id: int | None = None,
) -> None:
    """Create or replace a validated record as published and audit it (inside the caller's transaction)."""
    before = get_record(db, record["id"], include_hidden=True)
    _write(db, record, state="published", actor=actor, at=now_iso())
    add_audit(
        db,
        action,
        actor=actor,
        record_id=record["id"],
        submission_id=submission_id,
        before=portable(before) if before else None,
        after=portable(record),
        note=note,
    )


def save_record(
    db: Database, record: dict[str, Any], *, actor: Actor, action: str, note: str | None = None
) -> dict[str, Any]:
    """Create or replace a validated record as published, auditing before/after; committed on return."""
    with db.conn:
        write_audited(db, record, actor=actor, action=action, note=note)
    return get_record(db, record["id"]) or record


def delete_record(db: Database, record_id: str, *, actor: Actor) -> bool:
    """Delete a record and everything about it except its audit trail; False when there was none."""
    with db.conn:
        before = get_record(db, record_id, include_hidden=True)
        if before is None:
            return False
        _clear_children(db, record_id)
        db.execute("DELETE FROM disclosure_records WHERE id = ?", [record_id])
        add_audit(db, "delete", actor=actor, record_id=record_id, before=portable(before))
    return True


class RestoreError(Exception):
    """Nothing to restore: ``reason`` is ``not_deleted``, ``no_entry`` or ``no_copy``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def restore_record(
    db: Database, record_id: str, *, actor: Actor, entry_id: int | None = None
) -> dict[str, Any]:
    """Put back a deleted record as it was before deletion, or any record as it was after audit entry
    ``entry_id``; audited as ``restore``. Committed on return."""
    with db.conn:
        if entry_id is None:
            if get_record(db, record_id, include_hidden=True) is not None:
                raise RestoreError("not_deleted")
            row = db.execute(
                "SELECT before FROM disclosure_audit WHERE record_id = ? AND action = 'delete'"
                " ORDER BY id DESC LIMIT 1",
                [record_id],
            ).fetchone()
            if row is None:
                raise RestoreError("no_entry")
            snapshot, note = row[0], "before its deletion"
        else:
            row = db.execute(
                "SELECT after FROM disclosure_audit WHERE id = ? AND record_id = ?", [entry_id, record_id]
            ).fetchone()
            if row is None:
                raise RestoreError("no_entry")
            snapshot, note = row[0], f"as after history entry #{entry_id}"
        if not snapshot:
            raise RestoreError("no_copy")
        record = validate_record(json.loads(snapshot))
        write_audited(db, record, actor=actor, action="restore", note=note)
    return get_record(db, record_id) or record


def index_rows(db: Database) -> list[tuple[str, str]]:
    """(record id, title) for every published record, main title first (for the title index)."""
    return db.execute(
        "SELECT t.record_id, t.title FROM disclosure_titles t JOIN disclosure_records r ON r.id = t.record_id"
        " WHERE r.state = 'published' ORDER BY t.record_id, t.position"
    ).fetchall()


def titles_of(record: dict[str, Any]) -> list[str]:
    """A record's titles, main first (what the title index holds for it)."""
    return [record["title"], *(t["title"] for t in record["alt_titles"])]


def count_published(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM disclosure_records WHERE state = 'published'").fetchone()[0])


@dataclass
class ImportReport:
    """What an import did: ids written, ids left alone, and the rows refused (line, reason)."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def import_records(
    db: Database,
    records: Iterable[tuple[int, dict[str, Any]]],
    *,
    only_missing: bool = False,
    actor: Actor = SEED,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Write validated ``(line, record)`` pairs, idempotently by id, in committed batches.

    A record identical to the stored one is left alone (no audit noise); with ``only_missing`` any stored id is.
    """
    report = ImportReport()
    batch: list[tuple[int, dict[str, Any]]] = []

    def flush() -> None:
        at = now_iso()
        with db.conn:
            ids = [record["id"] for _, record in batch]
            known = {
                row[0]
                for row in db.execute(
                    f"SELECT id FROM disclosure_records WHERE id IN ({','.join('?' * len(ids))})", ids
                ).fetchall()
            }
            for _, record in batch:
                stored = get_record(db, record["id"], include_hidden=True) if record["id"] in known else None
                if stored is not None and (only_missing or portable(stored) == portable(record)):
                    report.unchanged.append(record["id"])
                    continue
                _write(db, record, state="published", actor=actor, at=at, new=stored is None)
                action = "import.create" if stored is None else "import.update"
                before = portable(stored) if stored else None
                add_audit(
                    db, action, actor=actor, record_id=record["id"], before=before, after=portable(record)
                )
                report.written.append(record["id"])
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for line, record in records:
        batch.append((line, record))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return report


def get_meta(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM disclosure_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(db: Database, key: str, value: str) -> None:
    with db.conn:
        db["disclosure_meta"].upsert({"key": key, "value": value}, pk="key")
