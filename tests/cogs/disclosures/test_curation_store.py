"""Curators' side of the store: actors in the audit trail, withdrawals, a member's own list, restore, and the
migration that brought curators in without losing a row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from cogs.disclosures import audit, store, submissions
from cogs.disclosures.audit import Actor
from cogs.disclosures.schema import migrations

CURATOR = Actor(1, "curator", 500)
MOD_A = Actor(2, "moderator", 100)


def _submit(db: Database, guild_id: int | None, submitter: int, title: str = "Quiet Meadow") -> int:
    return submissions.create(
        db,
        kind="new",
        guild_id=guild_id,
        guild_name=f"Server {guild_id}",
        submitter_id=submitter,
        locale="en-US",
        title=title,
        source_urls=["https://news.example/a"],
        notes="private note",
    )


def test_audit_rows_say_who_as_what_from_where(db: Database) -> None:
    first = _submit(db, 100, 7)
    submissions.reject(db, first, "no source", actor=CURATOR)
    rows = db.execute(
        "SELECT action, actor_id, actor_role, guild_id FROM disclosure_audit WHERE submission_id = ? ORDER BY id",
        [first],
    ).fetchall()
    assert rows == [("submission.new", 7, "member", 100), ("submission.reject", 1, "curator", 500)]
    seeded = db.execute("SELECT DISTINCT actor_role FROM disclosure_audit WHERE action = 'import.create'")
    assert [r[0] for r in seeded] == ["seed"]
    with pytest.raises(ValueError):
        Actor(3, "admin")


def test_moderators_see_and_withdraw_only_their_own_servers_submissions(db: Database) -> None:
    mine = _submit(db, 100, 7, "From A")
    theirs = _submit(db, 200, 8, "From B")
    assert [r["id"] for r in submissions.of_guild(db, 100)] == [mine]
    assert submissions.withdraw(db, theirs, guild_id=100, actor=MOD_A) is None  # another server's: untouched
    assert submissions.get(db, theirs)["state"] == "pending"
    assert submissions.withdraw(db, mine, guild_id=100, actor=MOD_A)["id"] == mine
    assert submissions.get(db, mine)["state"] == "withdrawn"
    with pytest.raises(submissions.AlreadyDecided):
        submissions.withdraw(db, mine, guild_id=100, actor=MOD_A)
    assert submissions.next_pending(db)["id"] == theirs  # the queue no longer offers it
    action = db.execute(
        "SELECT actor_role, guild_id FROM disclosure_audit WHERE action = 'submission.withdraw'"
    )
    assert action.fetchall() == [("moderator", 100)]


def test_a_member_sees_their_own_submissions_from_every_server(db: Database) -> None:
    a = _submit(db, 100, 7)
    b = _submit(db, 200, 7, "Another work")  # the same text again would be the same submission
    _submit(db, 100, 8)
    assert [r["id"] for r in submissions.of_submitter(db, 7)] == [b, a]


def test_restore_a_deleted_record_and_an_earlier_version(db: Database) -> None:
    record = store.get_record(db, "dog-and-the-boy-2023")
    assert record is not None
    with pytest.raises(store.RestoreError, match="not_deleted"):
        store.restore_record(db, record["id"], actor=CURATOR)
    edited = store.portable(record) | {"summary": "Vandalised."}
    store.save_record(db, edited, actor=Actor(9, "curator"), action="edit")
    store.delete_record(db, record["id"], actor=Actor(9, "curator"))
    assert audit.deleted_ids(db, "dog") == ["dog-and-the-boy-2023"]
    restored = store.restore_record(db, record["id"], actor=CURATOR)
    assert restored["summary"] == "Vandalised." and audit.deleted_ids(db) == []
    import_entry = audit.history(db, record["id"])[-1]
    assert import_entry["action"] == "import.create"
    back = store.restore_record(db, record["id"], actor=CURATOR, entry_id=import_entry["id"])
    assert store.portable(back) == store.portable(record)
    newest = audit.history(db, record["id"])[0]
    assert (newest["action"], newest["actor_role"], newest["guild_id"]) == ("restore", "curator", 500)
    delete_entry = next(e for e in audit.history(db, record["id"]) if e["action"] == "delete")
    with pytest.raises(store.RestoreError, match="no_copy"):
        store.restore_record(db, record["id"], actor=CURATOR, entry_id=delete_entry["id"])
    with pytest.raises(store.RestoreError, match="no_entry"):
        store.restore_record(db, "never-existed", actor=CURATOR)


def test_migration_keeps_every_row_and_its_meaning(tmp_path: Path) -> None:
    """A database from before curators: records, submissions and audit rows all survive, roles backfilled."""
    db = open_database(tmp_path / "old.db")
    migrations.apply(db, stop_before="0004_curators")
    with db.conn:
        db.table("disclosure_records").insert(
            {
                "id": "x",
                "title": "Old record",
                "medium": "anime_short",
                "date": "2023",
                "disclosure": "credited_upfront",
                "summary": "Kept.",
                "confidence": "high",
                "state": "published",
            }
        )
        db.table("disclosure_submissions").insert(
            {
                "kind": "new",
                "guild_id": 100,
                "submitter_id": 7,
                "locale": "en-US",
                "title": "Old",
                "source_urls": json.dumps(["https://news.example/old"]),
                "state": "pending",
                "created_at": "2026-01-01T00:00:00+00:00",
            }
        )
        for action, actor in (
            ("import.create", None),
            ("submission.new", 7),
            ("edit", 3),
            ("submission.reject", 3),
            ("delete", None),
        ):
            db.table("disclosure_audit").insert(
                {"at": "2026-01-01T00:00:00+00:00", "actor_id": actor, "action": action, "record_id": "x"}
            )
    counts = {
        t: db.table(t).count for t in ("disclosure_records", "disclosure_submissions", "disclosure_audit")
    }
    apply_migrations(db, migrations)
    assert {t: db.table(t).count for t in counts} == counts
    roles = db.execute("SELECT action, actor_role FROM disclosure_audit WHERE record_id = 'x' ORDER BY id")
    assert roles.fetchall() == [
        ("import.create", "operator"),
        ("submission.new", "member"),
        ("edit", "moderator"),
        ("submission.reject", "moderator"),
        ("delete", "seed"),
    ]
    assert {
        r[0] for r in db.execute("SELECT actor_role FROM disclosure_audit WHERE action LIKE 'import.%'")
    } == {"operator"}
    assert submissions.of_guild(db, 100)[0]["title"] == "Old"
