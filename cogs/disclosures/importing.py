"""The operator's ``records import``: validated records written in large transactions, one audit entry naming the
file and its counts (``import.batch``), with before and after copies of every changed record, so history and
restore still see each record."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from bot.db import transaction
from cogs.disclosures import rows
from cogs.disclosures.audit import OPERATOR, Actor, add_audit, now_iso
from cogs.disclosures.checkpoints import BackgroundCheckpoints
from cogs.disclosures.store import portable

log = logging.getLogger(__name__)

BATCH = 1000  # records per transaction of an import
GROUP = 5000  # records per transaction of an import laid out by worker processes


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
