"""Seed updates reach existing databases: new shipped records are added, untouched ones updated, and the records
a curator edited or deleted are left alone; each case audited as the seed with its version."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from bot.settings import Settings
from cogs.disclosures import audit, cli, importing, seed, store, submissions
from cogs.disclosures.audit import OPERATOR, Actor
from cogs.disclosures.records import validate_record
from cogs.disclosures.schema import migrations
from cogs.disclosures.transfer import write_records

CURATOR = Actor(5, "curator", 500)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "t.db")
    apply_migrations(database, migrations)
    return database


def _record(record_id: str, summary: str = "As first shipped.") -> dict[str, Any]:
    return validate_record(
        {
            "id": record_id,
            "title": f"Work {record_id}",
            "medium": "anime_short",
            "companies": [{"name": "Example Studio", "role": "studio"}],
            "date": "2025-03",
            "ai_uses": ["backgrounds"],
            "disclosure": "credited_upfront",
            "summary": summary,
            "sources": [{"url": f"https://news.example/{record_id}", "publisher": "Example"}],
            "confidence": "high",
        }
    )


def _seed(tmp_path: Path, version: str | None, records: list[dict[str, Any]]) -> Path:
    path = tmp_path / f"seed-{version or 'plain'}.json"
    write_records(path, records, version=version)
    return path


def _summary(db: Database, record_id: str) -> str | None:
    record = store.get_record(db, record_id)
    return record["summary"] if record else None


def _audit(db: Database, record_id: str) -> list[tuple[str, str, str | None]]:
    return [(e["action"], e["actor_role"], e["note"]) for e in reversed(audit.history(db, record_id))]


def _snapshot(db: Database) -> tuple[Any, ...]:
    return (
        db.execute("SELECT * FROM disclosure_audit ORDER BY id").fetchall(),
        db.execute("SELECT * FROM disclosure_records ORDER BY id").fetchall(),
        db.execute("SELECT * FROM disclosure_meta ORDER BY key").fetchall(),
    )


def test_first_start_imports_the_seed_audited_with_its_version(db: Database, tmp_path: Path) -> None:
    assert seed.import_seed(db, _seed(tmp_path, "2026-01-01", [_record("aa"), _record("bb")])) == 2
    assert _audit(db, "aa") == _audit(db, "bb") == [("import.create", "seed", "seed 2026-01-01")]
    assert store.get_meta(db, seed.VERSION_KEY) == "2026-01-01"


def test_a_newer_seed_adds_new_records_and_updates_untouched_ones(db: Database, tmp_path: Path) -> None:
    seed.import_seed(db, _seed(tmp_path, "2026-01-01", [_record("aa"), _record("bb")]))
    newer = [_record("aa", "Corrected by the maintainers."), _record("bb"), _record("cc")]
    report = seed.apply_seed(db, "2026-02-01", newer)
    assert (report.created, report.updated, report.kept) == (["cc"], ["aa"], [])
    assert _summary(db, "aa") == "Corrected by the maintainers." and _summary(db, "cc") == "As first shipped."
    latest = audit.history(db, "aa")[0]
    assert (latest["action"], latest["actor_role"], latest["note"]) == (
        "import.update",
        "seed",
        "seed 2026-02-01",
    )
    assert latest["before"]["summary"] == "As first shipped."
    assert latest["after"]["summary"] == "Corrected by the maintainers."
    assert _audit(db, "bb") == [("import.create", "seed", "seed 2026-01-01")]  # unchanged: no entry
    assert _audit(db, "cc") == [("import.create", "seed", "seed 2026-02-01")]
    assert store.get_meta(db, seed.VERSION_KEY) == "2026-02-01"


def test_records_a_curator_edited_or_deleted_are_left_alone(db: Database, tmp_path: Path) -> None:
    seed.import_seed(db, _seed(tmp_path, "2026-01-01", [_record("aa"), _record("bb"), _record("cc")]))
    store.save_record(db, _record("aa", "The curators' wording."), actor=CURATOR, action="edit")
    store.delete_record(db, "bb", actor=CURATOR)
    newer = [_record(i, f"Seed 2 wording of {i}.") for i in ("aa", "bb", "cc")]
    report = seed.import_seed(db, _seed(tmp_path, "2026-02-01", newer))
    assert report == 1  # only cc
    assert _summary(db, "aa") == "The curators' wording."
    assert store.get_record(db, "bb", include_hidden=True) is None
    assert _summary(db, "cc") == "Seed 2 wording of cc."
    for record_id, before in (("aa", "The curators' wording."), ("bb", None)):
        kept = audit.history(db, record_id)[0]
        assert (kept["action"], kept["actor_role"]) == ("import.kept", "seed")
        assert kept["note"].startswith("seed 2026-02-01 differs")
        assert kept["after"]["summary"] == f"Seed 2 wording of {record_id}."
        assert (kept["before"] or {}).get("summary") == before
    # A curator who prefers the shipped version restores that entry (and the record stays theirs).
    kept_a = audit.history(db, "aa")[0]
    store.restore_record(db, "aa", actor=CURATOR, entry_id=kept_a["id"])
    assert _summary(db, "aa") == "Seed 2 wording of aa."
    # A later seed that brings nothing new for the kept records adds no entry for them.
    entries = {i: len(audit.history(db, i)) for i in ("aa", "bb")}
    report3 = seed.apply_seed(db, "2026-03-01", [*newer[:2], _record("cc", "Seed 3.")])
    assert (report3.updated, report3.kept) == (["cc"], [])
    assert {i: len(audit.history(db, i)) for i in ("aa", "bb")} == entries


def test_a_restart_or_an_older_seed_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = _seed(tmp_path, "2026-02-01", [_record("aa"), _record("bb")])
    seed.import_seed(db, path)
    store.delete_record(db, "bb", actor=CURATOR)
    before = _snapshot(db)
    assert seed.import_seed(db, path) == 0
    older = seed.apply_seed(db, "2026-01-15", [_record("aa", "Older text."), _record("zz")])
    assert older.skipped and older.written == 0
    assert _snapshot(db) == before


def test_an_install_from_before_seed_versions_gets_the_new_records(db: Database, tmp_path: Path) -> None:
    """The 36 records shipped before as a plain list, then today's versioned seed: 25 added, none changed."""
    version, shipped = seed.load_seed()
    first = _seed(tmp_path, None, shipped[:36])
    assert seed.import_seed(db, first) == 36 and store.get_meta(db, seed.VERSION_KEY) is None
    store.save_record(
        db, store.portable(store.get_record(db, shipped[0]["id"])), actor=CURATOR, action="edit"
    )
    report = seed.apply_seed(db, version, shipped)
    assert report.created == [r["id"] for r in shipped[36:]] and report.updated == report.kept == []
    assert store.count_published(db) == 61 == len(shipped)
    assert store.get_meta(db, seed.VERSION_KEY) == version


def test_a_database_from_before_curators_is_classified_from_its_audit_trail(tmp_path: Path) -> None:
    """Migration 0004 labelled the seed's first imports 'operator': those records are untouched; a record a
    moderator edited back then counts as the curators' work."""
    db = open_database(tmp_path / "old.db")
    migrations.apply(db, stop_before="0004_curators")
    edited = _record("bb", "Edited by a moderator.")
    with db.conn:  # the audit trail as it was written then (the records themselves are written below)
        for record in (_record("aa"), _record("bb")):
            db.table("disclosure_audit").insert(
                {
                    "at": "2026-01-01T00:00:00+00:00",
                    "action": "import.create",
                    "record_id": record["id"],
                    "after": json.dumps(store.portable(record)),
                }
            )
        db.table("disclosure_audit").insert(
            {
                "at": "2026-01-02T00:00:00+00:00",
                "actor_id": 3,
                "action": "edit",
                "record_id": "bb",
                "after": json.dumps(store.portable(edited)),
            }
        )
        db.table("disclosure_meta").insert({"key": "seed_imported", "value": "2026-01-01T00:00:00+00:00"})
    apply_migrations(db, migrations)
    with db.conn:
        for record in (_record("aa"), edited):
            store._write(db, record, state="published", actor=audit.SEED, at="2026-01-02T00:00:00+00:00")
    report = seed.apply_seed(db, "2026-11-29", [_record("aa", "Seed text."), _record("bb", "Seed text.")])
    assert (report.updated, report.kept) == (["aa"], ["bb"])
    assert _summary(db, "aa") == "Seed text." and _summary(db, "bb") == "Edited by a moderator."


def test_suggestions_and_rejections_do_not_touch_a_record_but_an_operator_import_does(
    db: Database, tmp_path: Path
) -> None:
    seed.import_seed(db, _seed(tmp_path, "2026-01-01", [_record("aa"), _record("bb")]))
    suggestion = submissions.create(
        db,
        kind="correction",
        guild_id=100,
        submitter_id=7,
        locale="en-US",
        title="Work aa",
        source_urls=["https://news.example/fix"],
        record_id="aa",
    )
    submissions.reject(db, suggestion, "not a source", actor=CURATOR)
    importing.import_records(db, [(1, _record("bb", "The operator's text."))], actor=OPERATOR)
    report = seed.apply_seed(db, "2026-02-01", [_record("aa", "Seed 2."), _record("bb", "Seed 2.")])
    assert (report.updated, report.kept) == (["aa"], ["bb"])
    assert _summary(db, "bb") == "The operator's text."


def test_a_plain_list_without_a_version_is_imported_on_first_start_only(db: Database, tmp_path: Path) -> None:
    assert seed.import_seed(db, _seed(tmp_path, None, [_record("aa")])) == 1
    store.delete_record(db, "aa", actor=CURATOR)
    assert seed.import_seed(db, _seed(tmp_path, None, [_record("aa"), _record("bb")])) == 0
    assert store.count_published(db) == 0


def test_an_unreadable_seed_is_logged_and_changes_nothing(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    seed.import_seed(db, _seed(tmp_path, "2026-01-01", [_record("aa")]))
    before = _snapshot(db)
    bad_version = tmp_path / "bad-version.json"
    bad_version.write_text(json.dumps({"version": "soon", "records": [_record("bb")]}), encoding="utf-8")
    no_records = tmp_path / "no-records.json"
    no_records.write_text(json.dumps({"version": "2026-05-01", "records": 5}), encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="cogs.disclosures.seed"):
        assert seed.import_seed(db, bad_version) == 0
        assert seed.import_seed(db, no_records) == 0
        assert seed.import_seed(db, tmp_path / "missing.json") == 0
    assert "soon" in caplog.text and "records" in caplog.text
    assert _snapshot(db) == before


def test_a_bad_row_in_a_seed_is_skipped_and_the_rest_applied(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "seed.json"
    rows = [_record("aa"), {"id": "broken", "title": "No date"}, _record("bb")]
    path.write_text(json.dumps({"version": "2026-01-01", "records": rows}, indent=2), encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="cogs.disclosures.seed"):
        assert seed.import_seed(db, path) == 2
    line = path.read_text(encoding="utf-8").splitlines().index('      "id": "broken",')  # 0-based: the "{"
    assert f"seed.json line {line} skipped: date" in caplog.text
    assert store.count_published(db) == 2


def test_versions_compare_by_date_then_number() -> None:
    assert (
        seed.version_key("2026-11-29") < seed.version_key("2026-11-29.1") < seed.version_key("2026-11-29.10")
    )
    assert seed.version_key("2026-11-29.10") < seed.version_key("2026-12-01")
    with pytest.raises(ValueError):
        seed.version_key("29/11/2026")


def test_records_files_with_or_without_a_version_import_and_export(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    settings = Settings(database_path=tmp_path / "cli.db")

    def run(*argv: str) -> int:
        args = parser.parse_args(["records", *argv])
        return args.func(args, settings)

    assert run("import", str(seed.SEED_PATH)) == 0  # a seed file imports like a plain list
    out = tmp_path / "next-seed.json"
    assert run("export", str(out), "--seed-version", "2026-12-01") == 0
    version, records = seed.load_seed(out)
    assert version == "2026-12-01" and len(records) == 61
    assert records == sorted(seed.load_seed()[1], key=lambda r: r["id"])
    assert run("export", str(tmp_path / "seed.csv"), "--seed-version", "2026-12-01") == 2
    assert run("export", str(tmp_path / "x.json"), "--seed-version", "December") == 2
    plain = tmp_path / "plain.json"
    assert run("export", str(plain)) == 0
    assert isinstance(json.loads(plain.read_text(encoding="utf-8")), list)
