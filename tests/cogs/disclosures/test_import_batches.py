"""An operator's `records import` is one audit entry naming the file and its counts; each record it created or
changed still shows it in its history, restore still works, and the seed still tells untouched records apart."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from bot.settings import Settings
from cogs.disclosures import audit, cli, importing, rows, seed, store, transfer
from cogs.disclosures.audit import OPERATOR, Actor
from cogs.disclosures.records import validate_record
from cogs.disclosures.schema import migrations
from cogs.disclosures.transfer import read_rows, validated, write_records

CURATOR = Actor(5, "curator", 500)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "t.db")
    apply_migrations(database, migrations)
    return database


def _record(record_id: str, summary: str = "As imported.", **changes: Any) -> dict[str, Any]:
    return validate_record(
        {
            "id": record_id,
            "title": f"Work {record_id}",
            "alt_titles": ["作品"],
            "medium": "anime_short",
            "companies": [{"name": "Example Studio", "role": "studio"}],
            "date": "2025-03",
            "ai_uses": ["backgrounds"],
            "disclosure": "credited_upfront",
            "summary": summary,
            "sources": [{"url": f"https://news.example/{record_id}", "publisher": "Example"}],
            **changes,
        }
    )


def _import(
    db: Database, records: list[dict[str, Any]], source: str = "batch.json"
) -> importing.ImportReport:
    return importing.import_records(db, enumerate(records, start=1), actor=OPERATOR, source=source)


def _entries(db: Database) -> list[tuple[str, str | None, str | None]]:
    return db.execute("SELECT action, record_id, note FROM disclosure_audit ORDER BY id").fetchall()


def test_an_import_is_one_entry_naming_the_file_and_its_counts(db: Database) -> None:
    report = _import(db, [_record(f"work-{i}") for i in range(5)], source="works.json")
    assert (report.created, report.updated, report.written) == (5, 0, [f"work-{i}" for i in range(5)])
    assert _entries(db) == [
        ("import.batch", None, "records import works.json: 5 created, 0 updated, 0 unchanged, 0 skipped")
    ]
    assert report.entry_id == db.execute("SELECT id FROM disclosure_audit").fetchone()[0]
    assert store.count_published(db) == 5
    assert store.portable(store.get_record(db, "work-3")) == _record("work-3")


def test_each_record_shows_the_import_in_its_history(db: Database) -> None:
    first = _import(db, [_record("aa"), _record("bb")], source="one.json")
    second = _import(db, [_record("aa", "Corrected."), _record("bb")], source="two.json")
    assert (second.created, second.updated, second.unchanged) == (0, 1, ["bb"])
    history = audit.history(db, "aa")
    assert [(e["id"], e["action"], e["actor_role"]) for e in history] == [
        (second.entry_id, "import.update", "operator"),
        (first.entry_id, "import.create", "operator"),
    ]
    assert history[0]["note"] == "records import two.json: 0 created, 1 updated, 1 unchanged, 0 skipped"
    assert (
        history[0]["before"]["summary"] == "As imported." and history[0]["after"]["summary"] == "Corrected."
    )
    assert history[1]["before"] is None and history[1]["after"] is None  # a creation keeps no copy
    assert [e["action"] for e in audit.history(db, "bb")] == ["import.create"]


def test_an_import_that_changes_nothing_adds_no_entry(db: Database) -> None:
    _import(db, [_record("aa")])
    before = _entries(db)
    again = _import(db, [_record("aa")])
    assert again.entry_id is None and again.unchanged == ["aa"] and _entries(db) == before


def test_restore_goes_back_to_what_an_import_wrote_and_to_before_a_deletion(db: Database) -> None:
    _import(db, [_record("aa")])
    changed = _import(db, [_record("aa", "Imported again.")])
    store.save_record(db, _record("aa", "A curator's wording."), actor=CURATOR, action="edit")
    assert changed.entry_id is not None
    restored = store.restore_record(db, "aa", actor=CURATOR, entry_id=changed.entry_id)
    assert restored["summary"] == "Imported again."
    created_by = audit.history(db, "aa")[-1]["id"]
    with pytest.raises(store.RestoreError, match="no_copy"):
        store.restore_record(db, "aa", actor=CURATOR, entry_id=created_by)
    with pytest.raises(store.RestoreError, match="no_entry"):
        store.restore_record(db, "bb", actor=CURATOR, entry_id=changed.entry_id)
    store.delete_record(db, "aa", actor=CURATOR)
    assert store.restore_record(db, "aa", actor=CURATOR)["summary"] == "Imported again."


def test_the_seed_updates_records_an_import_created_but_keeps_those_it_changed(
    db: Database, tmp_path: Path
) -> None:
    seed.import_seed(db, _seed(tmp_path, "2026-01-01", [_record("aa"), _record("bb")]))
    _import(db, [_record("bb", "The operator's text."), _record("cc", "The operator's own record.")])
    report = seed.apply_seed(db, "2026-02-01", [_record(i, "Seed 2.") for i in ("aa", "bb", "cc")])
    assert (report.updated, report.kept) == (["aa", "cc"], ["bb"])
    assert store.get_record(db, "bb")["summary"] == "The operator's text."
    assert store.get_record(db, "cc")["summary"] == "Seed 2."


def _seed(tmp_path: Path, version: str, records: list[dict[str, Any]]) -> Path:
    path = tmp_path / f"seed-{version}.json"
    write_records(path, records, version=version)
    return path


def test_the_command_reports_bad_rows_by_line_and_counts_them_in_the_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mixed.json"
    write_records(path, [_record("aa"), {"id": "broken", "title": "No date"}, _record("bb"), _record("aa")])
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["records", "import", str(path)])
    assert args.func(args, Settings(database_path=tmp_path / "cli.db")) == 1
    out, err = capsys.readouterr()
    lines = path.read_text(encoding="utf-8").splitlines()
    broken, duplicate = lines.index('  "id": "broken",'), len(lines) - lines[::-1].index('  "id": "aa",') - 1
    assert f"mixed.json:{broken}: skipped: date" in err
    assert f"mixed.json:{duplicate}: skipped: id 'aa' already appears on line 2" in err
    assert "imported 2 (2 new, 0 updated), unchanged 0, skipped 2 (history entry #1)" in out
    db = open_database(tmp_path / "cli.db")
    assert _entries(db) == [
        ("import.batch", None, "records import mixed.json: 2 created, 0 updated, 0 unchanged, 2 skipped")
    ]


def test_worker_processes_validate_and_lay_out_the_same_records_and_errors(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "CHUNK", 4)  # several chunks, answered in order
    path = tmp_path / "many.json"
    records: list[dict[str, Any]] = [_record(f"work-{i}") for i in range(30)]
    records[7] = {"id": "broken", "title": "No date"}
    records[20] = _record("work-3")
    write_records(path, records)
    here: list[tuple[int, str]] = []
    there: list[tuple[int, str]] = []
    inline = list(validated(read_rows(path), here))
    batches = list(transfer.prepared(read_rows(path), there, workers=2))
    laid_out = [
        rows.records_from(tables, [position])[position]
        for entries, tables in batches
        for position, _, _ in entries
    ]
    assert laid_out == [record for _, record in inline]
    assert there == here and len(here) == 2 and len(inline) == 28
    report = importing.import_prepared(db, batches, source="many.json", errors=there)
    assert (report.created, len(report.written)) == (28, 28)
    for _, record in inline:
        assert store.portable(store.get_record(db, record["id"])) == record
    assert _entries(db) == [
        ("import.batch", None, "records import many.json: 28 created, 0 updated, 0 unchanged, 2 skipped")
    ]
    records[5] = _record("work-5", "Changed since.")
    write_records(path, records)
    again = importing.import_prepared(
        db, transfer.prepared(read_rows(path), [], workers=2), source="many.json"
    )
    assert (again.created, again.updated, len(again.unchanged)) == (0, 1, 27)
    assert audit.history(db, "work-5")[0]["after"]["summary"] == "Changed since."
