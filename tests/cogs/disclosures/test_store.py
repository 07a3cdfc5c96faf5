"""Store, seed import, file import/export and the review queue on a temporary database."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.settings import Settings
from cogs.disclosures import audit, cli, importing, queries, seed, store, submissions
from cogs.disclosures.audit import Actor
from cogs.disclosures.queries import Filters
from cogs.disclosures.records import RecordError, validate_record
from cogs.disclosures.transfer import read_rows, validated, write_records


def _record(**changes: object) -> dict:
    base = {
        "id": "quiet-meadow-2025",
        "title": "Quiet Meadow",
        "alt_titles": ["静かな草原"],
        "medium": "anime_short",
        "companies": [{"name": "Example Studio", "role": "studio"}],
        "date": "2025-03",
        "ai_uses": ["backgrounds"],
        "disclosure": "credited_upfront",
        "credit_text": "AI",
        "summary": "A short.",
        "response": None,
        "sources": [{"url": "https://news.example/a", "publisher": "Example", "title": None, "date": "2025"}],
        "confidence": "high",
    }
    return validate_record({**base, **changes})


def test_seed_is_imported_once_with_every_fact(db: Database) -> None:
    assert store.count_published(db) == 61
    assert seed.import_seed(db) == 0
    shipped = json.loads(seed.SEED_PATH.read_text(encoding="utf-8"))["records"]
    for original in shipped:
        stored = store.get_record(db, original["id"])
        assert stored is not None and store.portable(stored) == original
        assert stored["sources"] and all(s["url"].startswith("http") for s in stored["sources"])


def test_deleted_seed_records_stay_deleted(db: Database) -> None:
    assert store.delete_record(db, "dog-and-the-boy-2023", actor=Actor(1, "curator"))
    seed.import_seed(db)
    assert store.get_record(db, "dog-and-the-boy-2023") is None
    assert audit.history(db, "dog-and-the-boy-2023")[0]["action"] == "delete"


def test_search_index_follows_writes(db: Database) -> None:
    store.save_record(db, _record(), actor=Actor(7, "curator"), action="edit")
    assert [r["id"] for r in queries.search(db, Filters(text="静かな"))] == ["quiet-meadow-2025"]
    store.save_record(
        db, _record(summary="Now about a lighthouse."), actor=Actor(7, "curator"), action="edit"
    )
    assert [r["id"] for r in queries.search(db, Filters(text="lighthouse"))] == ["quiet-meadow-2025"]
    store.delete_record(db, "quiet-meadow-2025", actor=Actor(7, "curator"))
    assert queries.search(db, Filters(text="lighthouse")) == []
    entry = audit.history(db, "quiet-meadow-2025")[1]
    assert entry["action"] == "edit" and entry["before"]["summary"] == "A short."


def test_filters_combine(db: Database) -> None:
    rows = queries.search(db, Filters(company="netflix", year_from=2024))
    assert [r["id"] for r in rows] == ["el-eternauta-genai-vfx-2025"]
    assert queries.search(db, Filters(ai_use="voice_dubbing", status="credited_upfront"))[0]["id"].startswith(
        "prime"
    )
    name, groups = queries.by_company(db, "wit")
    assert name == "WIT Studio" and len(groups["studio"]) == 2
    assert sum(n for _, n in queries.stats(db)["status"]) == 61


def test_validation_names_the_bad_field() -> None:
    with pytest.raises(RecordError, match="sources"):
        _record(sources=[{"url": "javascript:alert(1)"}])
    with pytest.raises(RecordError, match="disclosure"):
        _record(disclosure="confirmed")
    with pytest.raises(RecordError, match="summary"):
        _record(summary="x" * 2001)
    with pytest.raises(RecordError, match="id"):
        _record(id="Bad Id")


def test_import_reports_bad_rows_by_line_and_is_idempotent(db: Database, tmp_path: Path) -> None:
    good = store.portable(store.get_record(db, "dog-and-the-boy-2023")) | {"id": "copy-of-dog-2023"}
    path = tmp_path / "in.json"
    path.write_text(
        json.dumps([good, {"id": "broken", "title": "No medium"}, _record()], indent=2), encoding="utf-8"
    )
    errors: list[tuple[int, str]] = []
    report = importing.import_records(db, validated(read_rows(path), errors))
    assert report.written == ["copy-of-dog-2023", "quiet-meadow-2025"]
    line = path.read_text().splitlines().index("  {", 5) + 1
    assert errors == [(line, "date: must be YYYY, YYYY-MM or YYYY-MM-DD")]
    again = importing.import_records(db, validated(read_rows(path), []))
    assert again.written == [] and again.unchanged == ["copy-of-dog-2023", "quiet-meadow-2025"]


def test_csv_round_trip_and_bad_csv_row(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert write_records(out, queries.iter_records(db)) == 61
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = list(validated(read_rows(out), errors := []))
    assert len(rows) == 61 and errors == []
    assert rows[0][1] == store.portable(store.get_record(db, rows[0][1]["id"]))
    broken = tmp_path / "broken.csv"
    broken.write_text(lines[0] + lines[1].replace('"', "", 1), encoding="utf-8")
    assert list(validated(read_rows(broken), errs := [])) == [] and errs and errs[0][0] == 2


def test_cli_import_and_export(tmp_path: Path, db: Database) -> None:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    settings = Settings(database_path=tmp_path / "cli.db")
    export = tmp_path / "out.json"
    args = parser.parse_args(["records", "import", str(seed.SEED_PATH)])
    assert args.func(args, settings) == 0
    args = parser.parse_args(["records", "export", str(export)])
    assert args.func(args, settings) == 0
    assert json.loads(export.read_text(encoding="utf-8")) == sorted(
        json.loads(seed.SEED_PATH.read_text(encoding="utf-8"))["records"], key=lambda r: r["id"]
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "x"}]), encoding="utf-8")
    args = parser.parse_args(["records", "import", str(bad)])
    assert args.func(args, settings) == 1


def test_queue_decisions_happen_once(db: Database) -> None:
    first = submissions.create(
        db,
        kind="new",
        guild_id=1,
        submitter_id=5,
        locale="en-US",
        title="Quiet Meadow",
        source_urls=["https://news.example/a"],
    )
    second = submissions.create(
        db,
        kind="correction",
        guild_id=1,
        submitter_id=6,
        locale="ja",
        title="x",
        source_urls=[],
        record_id="dog-and-the-boy-2023",
        notes="typo",
    )
    assert submissions.next_pending(db)["id"] == first
    assert submissions.next_pending(db, after_id=first)["id"] == second
    assert submissions.next_pending(db, after_id=second)["id"] == first  # wraps around
    submissions.approve(db, first, _record(), actor=Actor(9, "curator"))
    with pytest.raises(submissions.AlreadyDecided):
        submissions.reject(db, first, "late", actor=Actor(10, "curator"))
    assert store.get_record(db, "quiet-meadow-2025")["title"] == "Quiet Meadow"
    submissions.reject(db, second, "not a typo", actor=Actor(9, "curator"))
    assert submissions.pending_count(db) == 0
    actions = [h["action"] for h in audit.history(db, "dog-and-the-boy-2023")]
    assert actions[:2] == ["submission.reject", "submission.correction"]
