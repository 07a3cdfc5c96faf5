"""An import leaves the database as any write does: committed, checkpointed, SQLite's automatic checkpoints
back on; and the background checkpoints it uses meanwhile never stand in the way of its writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.db import apply_migrations, open_database
from cogs.disclosures import importing
from cogs.disclosures.checkpoints import BackgroundCheckpoints
from cogs.disclosures.records import validate_record
from cogs.disclosures.schema import migrations


def _record(i: int) -> dict[str, Any]:
    return validate_record(
        {
            "id": f"work-{i}",
            "title": f"Work {i}",
            "medium": "anime_short",
            "companies": [{"name": "Example Studio", "role": "studio"}],
            "date": "2025-03",
            "ai_uses": ["backgrounds"],
            "disclosure": "credited_upfront",
            "summary": f"Record number {i}.",
            "sources": [{"url": f"https://news.example/{i}"}],
        }
    )


def test_an_import_ends_checkpointed_with_automatic_checkpoints_back_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(tmp_path / "t.db")
    apply_migrations(db, migrations)
    # several transactions, each followed by a background checkpoint
    monkeypatch.setattr(importing, "BATCH", 7)
    report = importing.import_records(db, ((i, _record(i)) for i in range(50)), source="works.json")
    assert report.created == 50
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    busy, logged, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and logged == copied  # nothing left in the log that the database file lacks
    other = sqlite3.connect(tmp_path / "t.db")  # committed: another connection sees every record
    assert other.execute("SELECT count(*) FROM disclosure_records").fetchone()[0] == 50
    other.close()


def test_checkpoints_run_beside_a_writer_and_only_for_a_database_file(tmp_path: Path) -> None:
    assert BackgroundCheckpoints.of(open_database(None)) is None
    db = open_database(tmp_path / "t.db")
    db.execute("CREATE TABLE t (n INTEGER)")
    checkpoints = BackgroundCheckpoints.of(db)
    assert checkpoints is not None
    for n in range(200):
        with db.conn:
            db.execute("INSERT INTO t VALUES (?)", [n])
        checkpoints.ask()
    checkpoints.stop()
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 200
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
