"""Forgetting a member in the disclosure records: pending submissions go, decided ones stay without them, their
ids leave the audit trail; a curator's decisions keep the curator's id. Retention of notes and audit ids."""

from __future__ import annotations

import time

from sqlite_utils import Database

from bot.retention import AUDIT_ID_DAYS, DAY, SUBMISSION_NOTES_DAYS
from cogs.disclosures import audit, privacy, submissions
from cogs.disclosures.audit import Actor
from tests.cogs.privacy.scan import traces

MEMBER = 1_200_000_000_000_000_001
CURATOR_ID = 1_200_000_000_000_000_002
MODERATOR_ID = 1_200_000_000_000_000_003
CURATOR = Actor(CURATOR_ID, "curator", 500)


def submit(
    db: Database, submitter: int, title: str, *, kind: str = "new", record_id: str | None = None
) -> int:
    return submissions.create(
        db,
        kind=kind,
        guild_id=100,
        guild_name="Server",
        submitter_id=submitter,
        locale="ja",
        title=title,
        source_urls=["https://news.example/a"],
        notes="my private note",
        record_id=record_id,
    )


def test_a_member_is_forgotten_and_decisions_stay(db: Database) -> None:
    pending = submit(db, MEMBER, "Still waiting")
    rejected = submit(db, MEMBER, "Not enough", kind="correction", record_id="dog-and-the-boy-2023")
    submissions.reject(db, rejected, "No source", actor=CURATOR)
    withdrawn = submit(db, MEMBER, "Spam")
    submissions.withdraw(db, withdrawn, guild_id=100, actor=Actor(MODERATOR_ID, "moderator", 100))
    found = privacy.summary(db, MEMBER)
    assert found["total"] == 3 and [s["id"] for s in found["submissions"]] == [withdrawn, rejected, pending]
    assert found["audit"] == {"member": 3}

    counts = privacy.forget_member(db, MEMBER)

    assert counts == {
        "disclosures.privacy.deleted": 1,
        "disclosures.privacy.anonymised": 2,
        "disclosures.privacy.audit": 3,
    }
    assert submissions.get(db, pending) is None
    kept = submissions.get(db, rejected)
    assert kept["submitter_id"] == privacy.FORGOTTEN and kept["notes"] is None and kept["locale"] is None
    assert kept["state"] == "rejected" and kept["reason"] == "No source" and kept["title"] == "Not enough"
    assert traces(db.conn, MEMBER) == []
    assert privacy.summary(db, MEMBER)["total"] == 0
    # the curator's decision keeps its curator; each submission's history says it was forgotten, by nobody
    entries = {e["action"]: e for e in audit.history(db, "dog-and-the-boy-2023")}
    assert entries["submission.reject"]["actor_id"] == CURATOR_ID
    assert entries["submission.forget"]["actor_id"] is None
    assert entries["submission.forget"]["actor_role"] == "member"
    forgotten = db.execute(
        "SELECT count(*) FROM disclosure_audit WHERE action = 'submission.forget'"
    ).fetchone()
    assert forgotten[0] == 3
    assert privacy.forget_member(db, MEMBER) == {
        "disclosures.privacy.deleted": 0,
        "disclosures.privacy.anonymised": 0,
        "disclosures.privacy.audit": 0,
    }


def test_moderators_lose_their_ids_curators_keep_theirs(db: Database) -> None:
    first = submit(db, MEMBER, "Spam")
    submissions.withdraw(db, first, guild_id=100, actor=Actor(MODERATOR_ID, "moderator", 100))
    second = submit(db, MEMBER, "Rejected")
    submissions.reject(db, second, "No", actor=CURATOR)

    assert (
        privacy.forget_member(db, MODERATOR_ID)["disclosures.privacy.audit"] == 2
    )  # audit entry + decided_by
    assert traces(db.conn, MODERATOR_ID) == []
    assert privacy.forget_member(db, CURATOR_ID)["disclosures.privacy.audit"] == 0
    assert submissions.get(db, second)["decided_by"] == CURATOR_ID
    assert privacy.summary(db, CURATOR_ID)["audit"] == {"curator": 1}


def test_retention_removes_old_notes_and_old_member_ids(db: Database) -> None:
    old = submit(db, MEMBER, "Old")
    submissions.reject(db, old, "No", actor=CURATOR)
    fresh = submit(db, MEMBER, "Fresh")
    now = time.time()

    assert privacy.apply_retention(db, now) == {
        "disclosures.privacy.audit": 0,
        "disclosures.privacy.notes": 0,
    }
    later = now + (max(AUDIT_ID_DAYS, SUBMISSION_NOTES_DAYS) + 1) * DAY
    counts = privacy.apply_retention(db, later)

    assert counts == {"disclosures.privacy.audit": 2, "disclosures.privacy.notes": 1}
    assert submissions.get(db, old)["notes"] is None
    assert submissions.get(db, fresh)["notes"] == "my private note"  # pending: curators still need it
    assert submissions.get(db, old)["submitter_id"] == MEMBER  # `/disclosure mine` still lists it
    assert (
        db.execute("SELECT count(*) FROM disclosure_audit WHERE actor_id = ?", [CURATOR_ID]).fetchone()[0]
        == 1
    )


def test_a_purged_server_keeps_its_submissions_without_its_name(db: Database) -> None:
    kept = submit(db, MEMBER, "From a server that left")
    assert privacy.forget_server(db, 100) == {"disclosures.privacy.server_names": 1}
    row = submissions.get(db, kept)
    assert row["guild_name"] is None and row["submitter_id"] == MEMBER and row["state"] == "pending"
