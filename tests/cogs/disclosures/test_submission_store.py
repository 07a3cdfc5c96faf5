"""Submissions in the store: a merge is one transaction (one the record cannot take changes nothing), and the
same submission is queued once while it is pending."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from cogs.disclosures import store, submissions
from cogs.disclosures.audit import Actor
from cogs.disclosures.problems import RecordError
from cogs.disclosures.records import LIMITS, MAX_ALT_TITLES

CURATOR = Actor(1, "curator", 500)
TARGET = "dog-and-the-boy-2023"


def submit(db: Database, title: str, url: str) -> int:
    return submissions.create(
        db,
        kind="new",
        guild_id=100,
        guild_name="Server",
        submitter_id=7,
        locale="en-US",
        title=title,
        source_urls=[url],
        notes="",
    )


def audit_count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM disclosure_audit").fetchone()[0])


def test_a_source_whose_host_is_longer_than_a_publisher_may_be_is_merged_with_the_host_clipped(
    db: Database,
) -> None:
    host = ".".join(["a" * 60, "b" * 60, "c" * 60]) + ".example"
    submission = submit(db, "Some other work", f"https://{host}/story")
    submissions.merge(db, submission, TARGET, actor=CURATOR)
    record = store.get_record(db, TARGET)
    assert record is not None
    [added] = [s for s in record["sources"] if host in s["url"]]
    assert 0 < len(added["publisher"]) <= LIMITS["source_publisher"] and added["publisher"].startswith("aaaa")
    assert submissions.get(db, submission)["state"] == "merged"


def test_a_merge_the_record_cannot_take_leaves_the_submission_pending_and_the_record_unchanged(
    db: Database,
) -> None:
    before = store.get_record(db, TARGET)
    assert before is not None
    full = store.portable(before)
    full["alt_titles"] = [{"title": f"Alias {n}", "language": "en"} for n in range(MAX_ALT_TITLES)]
    store.save_record(db, full, actor=CURATOR, action="edit")
    filled = store.get_record(db, TARGET)
    entries = audit_count(db)
    submission = submit(db, "Yet another title", "https://news.example/more")
    with pytest.raises(RecordError):
        submissions.merge(db, submission, TARGET, actor=CURATOR)
    assert submissions.get(db, submission)["state"] == "pending"  # still in the queue, can be decided again
    assert store.get_record(db, TARGET) == filled
    assert audit_count(db) == entries + 1  # only the submission's own "submission.new" entry


def test_the_same_submission_sent_twice_while_pending_is_queued_once(db: Database) -> None:
    first = submit(db, "Quiet Meadow", "https://news.example/a")
    with pytest.raises(submissions.AlreadyQueued) as again:
        submit(db, "Quiet Meadow", "https://news.example/a")
    assert again.value.submission_id == first
    assert submit(db, "Quiet Meadow", "https://news.example/b") != first  # different content: a new one
    submissions.reject(db, first, "no source", actor=CURATOR)
    assert submit(db, "Quiet Meadow", "https://news.example/a") != first  # decided: may be sent again
