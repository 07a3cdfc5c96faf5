"""Reading and writing disclosure records (all tables, search row and audit) as plain functions.

Every write is audited: one entry per change by a curator, member or the seed; one entry per operator
``records import`` (``import.batch``), which lists the records it created or changed (``disclosure_audit_items``,
with before and after copies of each changed record) so a record's history and restore still see it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from sqlite_utils import Database

from bot.db import transaction
from cogs.disclosures import rows
from cogs.disclosures.audit import OPERATOR, Actor, add_audit, now_iso
from cogs.disclosures.checkpoints import BackgroundCheckpoints
from cogs.disclosures.records import RECORD_FIELDS, validate_record

log = logging.getLogger(__name__)

BATCH = 1000  # records per transaction of an import
GROUP = 5000  # records per transaction of an import laid out by worker processes
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


@dataclass
class ImportReport:
    """What an import did: ids written (created or updated), ids left alone, the rows refused (line, reason),
    and the audit entry naming it (None when it changed nothing)."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    entry_id: int | None = None

    def summary(self, source: str | None) -> str:
        what = f"records import {source}" if source else "records import"
        return (
            f"{what}: {self.created} created, {self.updated} updated, {len(self.unchanged)} unchanged,"
            f" {len(self.errors)} skipped"
        )


# A record of a batch: (its position in the batch, its id, the record, or None when only the batch's table rows
# hold it, laid out by a worker process).
Entry = tuple[int, str, "dict[str, Any] | None"]
Batch = tuple[Sequence[Entry], rows.Tables | None]


class _Import:
    """One import: batches of records, a few at a time in one transaction, the whole audited as one entry.

    While it runs, SQLite does not checkpoint the write-ahead log after each transaction on this connection
    (that would copy the same index pages to the database file over and over, the import waiting): a
    background thread does (``checkpoints``), and the import checkpoints what is left at the end. Every
    transaction is committed to the log as usual (journal and ``synchronous`` as the connection has them).
    """

    def __init__(
        self, db: Database, *, only_missing: bool, actor: Actor, source: str | None, errors: list[Any] | None
    ) -> None:
        self.db, self.only_missing, self.actor, self.source = db, only_missing, actor, source
        self.report = ImportReport(errors=errors if errors is not None else [])
        self.checkpoint_every = db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        db.execute("PRAGMA wal_autocheckpoint = 0")
        self.checkpoints = BackgroundCheckpoints.of(db)

    def add(self, batches: Sequence[Batch]) -> None:
        """Write ``batches`` in one transaction: each batch's ``entries`` are its records (or None for those
        that are only in its ``tables``, laid out by a worker process)."""
        with transaction(self.db):
            for entries, tables in batches:
                self._add(entries, tables)
            rows.write_search(self.db)
        if self.checkpoints is not None:
            self.checkpoints.ask()

    def _add(self, entries: Sequence[Entry], tables: rows.Tables | None) -> None:
        report, db = self.report, self.db
        stored = rows.existing(db, [record_id for _, record_id, _ in entries])
        old = rows.read(db, list(stored), include_hidden=True) if stored else {}
        given = {}
        if old and tables is not None:  # the new versions of stored records, to compare
            at = [position for position, record_id, _ in entries if record_id in old]
            given = rows.records_from(tables, at)
        keep, kept, replace, items = set(), [], [], []
        for position, record_id, record in entries:
            record = record or given.get(position)
            before = old.get(record_id)
            if before is not None:
                if record is None:  # never: ``given`` holds the new version of every stored record
                    raise RuntimeError(f"record {record_id!r}: the new version is missing")
                if self.only_missing or portable(before) == portable(record):
                    report.unchanged.append(record_id)
                    continue
            keep.add(position)
            if record is not None:
                kept.append(record)
            report.written.append(record_id)
            if before is None:
                report.created += 1
                items.append((record_id, "create", None, None))
            else:
                report.updated += 1
                replace.append(record_id)
                copies = (json.dumps(portable(r), ensure_ascii=False) for r in (before, record or {}))
                items.append((record_id, "update", *copies))
        if not keep:
            return
        if report.entry_id is None:
            report.entry_id = add_audit(
                db, "import.batch", actor=self.actor, note=report.summary(self.source)
            )
        if tables is None:  # computed here, for the records written only
            tables, keep = rows.tables(kept), set(range(len(kept)))
        rows.write_tables(
            db, tables, keep, state="published", actor_id=self.actor.id, at=now_iso(), replace=replace
        )
        db.conn.executemany(
            "INSERT INTO disclosure_audit_items (entry_id, record_id, change, before, after)"
            " VALUES (?, ?, ?, ?, ?)",
            [(report.entry_id, *item) for item in items],
        )

    def finish(self) -> ImportReport:
        report = self.report
        if report.entry_id is not None:
            with transaction(self.db):
                self.db.execute(
                    "UPDATE disclosure_audit SET note = ? WHERE id = ?",
                    [report.summary(self.source), report.entry_id],
                )
        return report

    def close(self) -> None:
        """Checkpoint as usual again, starting now (so that other connections need not copy it all later)."""
        if self.checkpoints is not None:
            self.checkpoints.stop()
        self.db.execute(f"PRAGMA wal_autocheckpoint = {int(self.checkpoint_every)}")
        if not self.db.conn.in_transaction:
            self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")


def import_records(
    db: Database,
    records: Iterable[tuple[int, dict[str, Any]]],
    *,
    only_missing: bool = False,
    actor: Actor = OPERATOR,
    source: str | None = None,
    errors: list[tuple[int, str]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Write validated ``(line, record)`` pairs, idempotently by id, in committed batches of ``BATCH``.

    A record identical to the stored one is left alone; with ``only_missing`` any stored id is. The whole
    import is one audit entry (``import.batch``, its note naming ``source`` and the counts; ``errors`` is the
    list the caller's validation fills, counted as skipped) listing each record it created or updated, the
    updated ones with their copy before and after. An import that changes nothing adds no entry.
    """
    work = _Import(db, only_missing=only_missing, actor=actor, source=source, errors=errors)
    try:
        batch: list[Entry] = []
        for _, record in records:
            batch.append((len(batch), record["id"], record))
            if len(batch) >= BATCH:
                work.add([(batch, None)])
                if progress is not None:
                    progress(len(batch))
                batch = []
        if batch:
            work.add([(batch, None)])
            if progress is not None:
                progress(len(batch))
        return work.finish()
    finally:
        work.close()


def import_prepared(
    db: Database,
    batches: Iterable[tuple[Sequence[Entry], rows.Tables]],
    *,
    actor: Actor = OPERATOR,
    source: str | None = None,
    errors: list[tuple[int, str]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """``import_records`` for batches validated and laid out in worker processes (``transfer.prepared``):
    each batch's records arrive as their table rows (``rows.tables``), written ``GROUP`` records or more per
    transaction."""
    work = _Import(db, only_missing=False, actor=actor, source=source, errors=errors)
    try:
        group: list[Batch] = []
        for entries, tables in batches:
            group.append((entries, tables))
            if sum(len(e) for e, _ in group) >= GROUP:
                work.add(group)
                if progress is not None:
                    progress(sum(len(e) for e, _ in group))
                group = []
        if group:
            work.add(group)
            if progress is not None:
                progress(sum(len(e) for e, _ in group))
        return work.finish()
    finally:
        work.close()


def get_meta(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM disclosure_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(db: Database, key: str, value: str) -> None:
    with transaction(db):
        db.table("disclosure_meta").upsert({"key": key, "value": value}, pk="key")
