"""The shipped records (data/records.json): imported on first start, and each newer seed version brought into
existing databases without overwriting the curators' work.

data/records.json is ``{"version": "2026-11-29", "records": [...]}``. At start, when the shipped version is
newer than the one this database last took (``seed_version`` in ``disclosure_meta``), each shipped record is:

- **added** when the database never had it (``import.create``);
- **updated** to the shipped version when it differs and no curator touched it (``import.update``);
- **left alone** when a curator touched it: edited, restored, published from a submission, merged or deleted
  (``import.kept``: nothing changes, but the entry's copy of the shipped version lets a curator adopt it
  with ``/curate restore … entry``). Written only when the seed brings something new for that record.

Each is audited as the seed (actor role ``seed``) with the version in the note. A restart with the same
version changes nothing; an older shipped version (a downgrade) changes nothing either.

**Touched** is read from the audit trail, so databases from before this rule are classified too: a record is
touched when it has a ``delete`` entry, or an entry carrying a new copy of the record (``after``) written by
anyone but the seed, except ``import.create`` by the operator (migration 0004 gave the seed's own first imports
that role; ``python -m bot records import`` creating a record counts the same). Member submissions and
decisions that leave the record as it was (rejections, withdrawals) do not touch it; an operator's
``records import`` that changed a record does (one ``import.batch`` entry per import, the records it changed
listed in ``disclosure_audit_items``).

A plain JSON array without a version is still accepted: imported once, on first start (as before versions).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.db import transaction
from cogs.disclosures.audit import SEED, add_audit
from cogs.disclosures.store import SEED_KEY, get_meta, get_record, now_iso, portable, write_audited
from cogs.disclosures.transfer import FileFormatError, read_document, validated

log = logging.getLogger(__name__)

SEED_PATH = Path(__file__).resolve().parents[2] / "data" / "records.json"
VERSION_KEY = "seed_version"  # the shipped version this database last took
VERSION = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:\.(\d+))?$")  # 2026-11-29, or 2026-11-29.2 the same day


@dataclass
class SeedReport:
    """What one start did with the shipped records (ids in file order)."""

    version: str | None = None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # touched by a curator: their version stays
    skipped: bool = False  # nothing to do (same or older version, or an unversioned seed already imported)

    @property
    def written(self) -> int:
        return len(self.created) + len(self.updated)


def version_key(version: str) -> tuple[int, ...]:
    """Comparable form of a seed version; ValueError when it is not YYYY-MM-DD(.N)."""
    match = VERSION.match(version)
    if match is None:
        raise ValueError(f"seed version {version!r} is not YYYY-MM-DD or YYYY-MM-DD.N")
    return tuple(int(part) for part in match.groups(default="0"))


def load_seed(path: Path = SEED_PATH) -> tuple[str | None, list[dict[str, Any]]]:
    """The shipped version and the valid records of a seed file; bad rows are logged and left out."""
    version, rows = read_document(path)
    if version is not None:
        version_key(version)
    errors: list[tuple[int, str]] = []
    records = [record for _, record in validated(rows, errors)]
    for line, reason in errors:
        log.error("Seed %s line %d skipped: %s", path.name, line, reason)
    return version, records


def import_seed(db: Database, path: Path = SEED_PATH) -> int:
    """Bring the shipped records into the database (see the module's docstring); returns how many were
    added or updated. A missing or unreadable seed file is logged and changes nothing."""
    if not path.is_file():
        log.warning("Seed file %s is missing; starting with the records already stored", path)
        return 0
    try:
        version, records = load_seed(path)
    except (FileFormatError, ValueError) as exc:
        log.error("Seed file %s cannot be read: %s", path, exc)
        return 0
    report = apply_seed(db, version, records)
    if not report.skipped:
        log.info(
            "Seed %s: %d records added, %d updated, %d kept as the curators left them",
            version or "(unversioned)",
            len(report.created),
            len(report.updated),
            len(report.kept),
        )
    return report.written


def apply_seed(db: Database, version: str | None, records: list[dict[str, Any]]) -> SeedReport:
    """Apply validated shipped ``records`` of seed ``version`` in one transaction (committed on return)."""
    report = SeedReport(version=version)
    applied = get_meta(db, VERSION_KEY)
    if version is None:
        if get_meta(db, SEED_KEY) is not None or applied is not None:
            report.skipped = True
            return report
    elif applied is not None and _not_newer(version, applied):
        report.skipped = True
        return report
    note = f"seed {version}" if version else "seed"
    with transaction(db):
        touched = _touched(db, [r["id"] for r in records])
        for record in records:
            record_id = record["id"]
            current = get_record(db, record_id, include_hidden=True)
            shipped = portable(record)
            if record_id in touched:
                if version is None or shipped == _last_shipped(db, record_id):
                    continue  # nothing new from the seed for this record
                if current is not None and portable(current) == shipped:
                    continue  # the curators already made it what the seed now ships
                add_audit(
                    db,
                    "import.kept",
                    actor=SEED,
                    record_id=record_id,
                    before=portable(current) if current else None,
                    after=shipped,
                    note=f"{note} differs, but this record was edited or deleted here, so that stays;"
                    " restore this entry to take the shipped version",
                )
                report.kept.append(record_id)
            elif current is None:
                write_audited(db, record, actor=SEED, action="import.create", note=note)
                report.created.append(record_id)
            elif version is not None and portable(current) != shipped:
                write_audited(db, record, actor=SEED, action="import.update", note=note)
                report.updated.append(record_id)
        meta = db.table("disclosure_meta")
        if get_meta(db, SEED_KEY) is None:
            meta.upsert({"key": SEED_KEY, "value": now_iso()}, pk="key")
        if version is not None:
            meta.upsert({"key": VERSION_KEY, "value": version}, pk="key")
    return report


def _not_newer(version: str, applied: str) -> bool:
    try:
        return version_key(version) <= version_key(applied)
    except ValueError:
        return version == applied


def _touched(db: Database, record_ids: list[str]) -> set[str]:
    """The ids whose audit trail shows a curator's (or operator's) change or a deletion (module docstring)."""
    rows = db.execute(
        "SELECT record_id FROM disclosure_audit"
        " WHERE record_id IN (SELECT value FROM json_each(?1))"
        " AND (action = 'delete' OR (after IS NOT NULL AND actor_role IS NOT 'seed'"
        " AND NOT (action = 'import.create' AND actor_role = 'operator')))"
        " UNION SELECT i.record_id FROM disclosure_audit_items i JOIN disclosure_audit a ON a.id = i.entry_id"
        " WHERE i.record_id IN (SELECT value FROM json_each(?1)) AND i.change = 'update'"
        " AND a.actor_role IS NOT 'seed'",
        [json.dumps(record_ids)],
    )
    return {row[0] for row in rows}


def _last_shipped(db: Database, record_id: str) -> dict[str, Any] | None:
    """The record as the seed last shipped it to this database (its latest seed entry with a copy)."""
    row = db.execute(
        "SELECT after FROM disclosure_audit WHERE record_id = ? AND after IS NOT NULL"
        " AND (actor_role = 'seed' OR (action = 'import.create' AND actor_role = 'operator'))"
        " ORDER BY id DESC LIMIT 1",
        [record_id],
    ).fetchone()
    return json.loads(row[0]) if row else None
