"""Upgrades: today's migrations, applied to the first release's database (tests/fixtures/upgrade), lose nothing."""

from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from bot.db import apply_migrations, open_database
from bot.upgrades import migration_sets, schema_status, step_names
from cogs.polls.voter_keys import legacy_voter_key

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "upgrade" / "first_release.db"
POLL_SECRET = "first-release-poll-secret-0123456789"  # as in build_first_release.py
FIRST_RELEASE = {
    "core": ["0001_guild_settings", "0002_meta"],
    "polls": ["0001_polls"],
    "disclosures": ["0001_records", "0002_search", "0003_audit_and_queue"],
    "alerts": ["0001_guilds", "0002_feeds", "0003_items"],
}


def tables(path: Path) -> dict[str, list[dict[str, Any]]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: [dict(row) for row in conn.execute(f"SELECT * FROM [{name}]")] for name in names}
    finally:
        conn.close()


def projected(rows: list[dict[str, Any]], columns: list[str]) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(row[c] for c in columns) for row in rows)


def upgraded(tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "haikei.db"
    shutil.copyfile(FIXTURE, path)
    db = open_database(path)
    try:
        applied = apply_migrations(db, *migration_sets())
        assert apply_migrations(db, *migration_sets()) == []  # a second start applies nothing
    finally:
        db.conn.close()
    return path, applied


def test_the_fixture_is_the_first_release() -> None:
    before = tables(FIXTURE)
    recorded: dict[str, list[str]] = {}
    for row in before["_sqlite_migrations"]:
        recorded.setdefault(row["migration_set"], []).append(row["name"])
    assert recorded == FIRST_RELEASE
    empty = [name for name, rows in before.items() if not rows and not name.startswith("sqlite_")]
    assert empty == []  # every table has rows to lose


def test_every_migration_applies_and_every_row_survives(tmp_path: Path) -> None:
    before = tables(FIXTURE)
    path, applied = upgraded(tmp_path)
    after = tables(path)
    sets = migration_sets()
    everything = [f"{m.name}:{step}" for m in sets for step in step_names(m)]
    first = {f"{s}:{step}" for s, steps in FIRST_RELEASE.items() for step in steps}
    assert applied == [name for name in everything if name not in first]
    db = open_database(path)
    status = schema_status(db, sets)
    db.conn.close()
    assert status.up_to_date and status.applied == len(everything)

    secret_closed = {p["id"] for p in before["polls"] if p["secret"] and p["state"] != "open"}
    for table, rows in before.items():
        columns = list(rows[0]) if rows else []
        if table == "ballots":  # a closed secret poll's ballots are re-keyed at random by design
            kept = [r for r in rows if r["poll_id"] not in secret_closed]
            sealed = [r for r in rows if r["poll_id"] in secret_closed]
            assert projected(kept, columns) <= projected(after[table], columns)
            assert projected(sealed, ["poll_id", "choices"]) <= projected(
                after[table], ["poll_id", "choices"]
            )
            assert not {r["voter_key"] for r in sealed} & {r["voter_key"] for r in after[table]}
            assert len(after[table]) == len(rows)
        elif table == "sqlite_sequence":
            assert projected(rows, columns) == projected(after[table], columns)
        else:
            assert projected(rows, columns) <= projected(after[table], columns), table
            assert len(after[table]) == len(rows) + (len(applied) if table == "_sqlite_migrations" else 0)


def test_upgraded_rows_keep_their_meaning(tmp_path: Path) -> None:
    path, _ = upgraded(tmp_path)
    db = open_database(path)
    try:
        # A secret poll open at the upgrade: its voters are still recognised with the old POLL_SECRET.
        [(open_secret,)] = db.execute("SELECT id FROM polls WHERE secret = 1 AND state = 'open'").fetchall()
        assert db.execute("SELECT poll_id FROM secret_legacy_polls").fetchall() == [(open_secret,)]
        keys = {r[0] for r in db.execute("SELECT voter_key FROM ballots WHERE poll_id = ?", [open_secret])}
        assert legacy_voter_key(POLL_SECRET, open_secret, 3001) in keys
        # Public ballots keep who voted; audit rows say as what each actor acted.
        public = db.execute(
            "SELECT user_id, choices FROM ballots WHERE poll_id = 1 ORDER BY user_id"
        ).fetchall()
        assert public == [(3001, "[0]"), (3002, "[1]"), (3003, "[0]")]
        roles = dict(db.execute("SELECT action, actor_role FROM disclosure_audit").fetchall())
        assert roles["submission.new"] == "member" and roles["submission.reject"] == "moderator"
        assert {role for action, role in roles.items() if action.startswith("import")} <= {"seed", "operator"}
        # The search index still finds the records.
        [(hits,)] = db.execute(
            "SELECT count(*) FROM disclosure_search_fts WHERE disclosure_search_fts MATCH 'anime'"
        ).fetchall()
        assert hits > 0
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.conn.close()
