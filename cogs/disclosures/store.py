"""Reading and writing disclosure records (all tables, search row and audit) as plain functions.

Every write is audited: one entry per change by a curator, member or the seed; one entry per operator
``records import`` (``import.batch``), which lists the records it created or changed (``disclosure_audit_items``,
with before and after copies of each changed record) so a record's history and restore still see it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Literal, get_args

from sqlite_utils import Database

from bot.db import transaction
from cogs.disclosures import rows
from cogs.disclosures.audit import Actor, add_audit, now_iso
from cogs.disclosures.records import RECORD_FIELDS, validate_record

log = logging.getLogger(__name__)

SEED_KEY = "seed_imported"


def _write(
    db: Database, record: dict[str, Any], *, state: str, actor: Actor, at: str, new: bool = False
) -> None:
    """Write a validated record and everything hanging off it (no transaction of its own)."""
    rows.write(db, [record], state=state, actor_id=actor.id, at=at, stored={} if new else None)


def get_record(db: Database, record_id: str, *, include_hidden: bool = False) -> dict[str, Any] | None:
    """The full record (titles, companies, uses, sources), or None; hidden states only when asked."""
    return rows.read(db, [record_id], include_hidden=include_hidden).get(record_id)


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


def version_of(record: dict[str, Any] | None) -> str | None:
    """A fingerprint of a stored record's facts (its ``portable`` copy), None for no record: an editor keeps
    the version it opened, and saving compares it with the stored record's (optimistic concurrency)."""
    if record is None:
        return None
    facts = json.dumps(portable(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(facts.encode()).hexdigest()


class StaleRecord(Exception):
    """The stored record is no longer the version an editor opened: ``deleted`` since, or changed."""

    def __init__(self, record_id: str, *, deleted: bool) -> None:
        super().__init__(record_id)
        self.record_id = record_id
        self.deleted = deleted


def check_version(db: Database, record_id: str, expected: str | None) -> None:
    """Raise :class:`StaleRecord` unless the stored record is still version ``expected`` (no check for None);
    call it inside the transaction that writes."""
    if expected is None:
        return
    current = get_record(db, record_id, include_hidden=True)
    if version_of(current) != expected:
        raise StaleRecord(record_id, deleted=current is None)


def save_record(
    db: Database,
    record: dict[str, Any],
    *,
    actor: Actor,
    action: str,
    note: str | None = None,
    expected: str | None = None,
) -> dict[str, Any]:
    """Create or replace a validated record as published, auditing before/after; committed on return.

    ``expected``: the ``version_of`` the stored record an editor opened. When the stored record is no longer
    that version (another curator changed it, or it was deleted), :class:`StaleRecord` is raised and nothing is
    written; checked in the write's own transaction, so no change can slip in between.
    """
    with transaction(db):
        check_version(db, record["id"], expected)
        write_audited(db, record, actor=actor, action=action, note=note)
    return get_record(db, record["id"]) or record


def delete_record(db: Database, record_id: str, *, actor: Actor) -> bool:
    """Delete a record and everything about it except its audit trail; False when there was none."""
    with transaction(db):
        before = get_record(db, record_id, include_hidden=True)
        if before is None:
            return False
        rows.clear(db, [record_id])
        db.execute("DELETE FROM disclosure_records WHERE id = ?", [record_id])
        add_audit(db, "delete", actor=actor, record_id=record_id, before=portable(before))
    return True


# Why there is nothing to restore (a disclosures.restore.* suffix): the record is not deleted, no history entry
# has it, or the entry kept no copy of it.
RestoreReason = Literal["not_deleted", "no_entry", "no_copy"]
RESTORE_REASONS: tuple[RestoreReason, ...] = get_args(RestoreReason)


class RestoreError(Exception):
    """Nothing to restore, for ``reason`` (one of ``RESTORE_REASONS``)."""

    def __init__(self, reason: RestoreReason) -> None:
        super().__init__(reason)
        self.reason: RestoreReason = reason


def restore_record(
    db: Database, record_id: str, *, actor: Actor, entry_id: int | None = None
) -> dict[str, Any]:
    """Put back a deleted record as it was before deletion, or any record as it was after audit entry
    ``entry_id``; audited as ``restore``. Committed on return."""
    with transaction(db):
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
                "SELECT after FROM disclosure_audit WHERE id = ? AND record_id = ?"
                " UNION ALL SELECT after FROM disclosure_audit_items WHERE entry_id = ? AND record_id = ?",
                [entry_id, record_id, entry_id, record_id],
            ).fetchone()
            if row is None:
                raise RestoreError("no_entry")
            snapshot, note = row[0], f"as after history entry #{entry_id}"
        if not snapshot:
            raise RestoreError("no_copy")
        record = validate_record(json.loads(snapshot))
        write_audited(db, record, actor=actor, action="restore", note=note)
    return get_record(db, record_id) or record


def index_page(db: Database, after: str = "", *, records: int = 5000) -> list[tuple[str, str, str]]:
    """(record id, title, normalised title) for the next ``records`` published records after id ``after``,
    by id, main title first (the title index is built from these pages)."""
    last = db.execute(
        "SELECT max(id) FROM (SELECT id FROM disclosure_records WHERE state = 'published' AND id > ?"
        " ORDER BY id LIMIT ?)",
        [after, records],
    ).fetchone()[0]
    if last is None:
        return []
    return db.execute(
        "SELECT t.record_id, t.title, coalesce(t.norm, '') FROM disclosure_titles t"
        " JOIN disclosure_records r ON r.id = t.record_id"
        " WHERE t.record_id > ? AND t.record_id <= ? AND r.state = 'published' ORDER BY t.record_id, t.position",
        [after, last],
    ).fetchall()


def index_rows(db: Database) -> list[tuple[str, str, str]]:
    """Every page of ``index_page`` at once (tests, benchmarks)."""
    out: list[tuple[str, str, str]] = []
    while page := index_page(db, out[-1][0] if out else ""):
        out += page
    return out


def titles_of(record: dict[str, Any]) -> list[str]:
    """A record's titles, main first (what the title index holds for it)."""
    return [record["title"], *(t["title"] for t in record["alt_titles"])]


def count_published(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM disclosure_records WHERE state = 'published'").fetchone()[0])


def get_meta(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM disclosure_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(db: Database, key: str, value: str) -> None:
    with transaction(db):
        db.table("disclosure_meta").upsert({"key": key, "value": value}, pk="key")
