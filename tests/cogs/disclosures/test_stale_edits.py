"""Optimistic concurrency for `/curate edit`: a draft saves only over the version of the record it opened.

Saving a stale draft would silently recreate a record deleted since it opened, or revert another curator's
edit; instead nothing is written (no record, no audit entry) and the caller learns which of the two happened.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlite_utils import Database

from cogs.disclosures import store
from cogs.disclosures.audit import Actor

CURATOR_A = Actor(1, "curator", 500)
CURATOR_B = Actor(2, "curator", 500)
RECORD = "dog-and-the-boy-2023"


def stored(db: Database) -> dict[str, Any]:
    record = store.get_record(db, RECORD)
    assert record is not None
    return record


def audit_count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM disclosure_audit").fetchone()[0])


def edited(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return store.portable(record) | changes


def test_the_version_follows_the_facts_not_the_read(db: Database) -> None:
    first = store.version_of(stored(db))
    assert first is not None and first == store.version_of(stored(db))
    assert store.version_of(None) is None
    store.save_record(db, edited(stored(db), summary="Changed."), actor=CURATOR_A, action="edit")
    assert store.version_of(stored(db)) != first


def test_a_draft_of_the_current_version_saves(db: Database) -> None:
    version = store.version_of(stored(db))
    saved = store.save_record(
        db, edited(stored(db), credit_text="B's credit"), actor=CURATOR_B, action="edit", expected=version
    )
    assert saved["credit_text"] == "B's credit" and stored(db)["credit_text"] == "B's credit"


def test_a_draft_older_than_another_curators_edit_saves_nothing(db: Database) -> None:
    opened = stored(db)  # both curators open the editor on the same version
    version = store.version_of(opened)
    store.save_record(
        db, edited(opened, summary="A's summary."), actor=CURATOR_A, action="edit", expected=version
    )
    entries = audit_count(db)
    with pytest.raises(store.StaleRecord) as stale:
        store.save_record(
            db, edited(opened, credit_text="B's credit"), actor=CURATOR_B, action="edit", expected=version
        )
    assert stale.value.record_id == RECORD and not stale.value.deleted
    after = stored(db)
    assert after["summary"] == "A's summary." and after["credit_text"] == opened["credit_text"]
    assert audit_count(db) == entries and not db.conn.in_transaction


def test_a_draft_of_a_record_deleted_since_does_not_bring_it_back(db: Database) -> None:
    opened = stored(db)
    store.delete_record(db, RECORD, actor=CURATOR_B)
    entries = audit_count(db)
    with pytest.raises(store.StaleRecord) as stale:
        store.save_record(
            db, edited(opened), actor=CURATOR_A, action="edit", expected=store.version_of(opened)
        )
    assert stale.value.deleted
    assert store.get_record(db, RECORD, include_hidden=True) is None
    assert audit_count(db) == entries and not db.conn.in_transaction
