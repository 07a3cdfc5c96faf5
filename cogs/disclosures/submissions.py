"""The review queue: member submissions and corrections, and what curators decide about them.

Submissions come from members of every server; curators decide them. A server's moderators may list their own
server's submissions (without private notes or submitter ids) and withdraw them; a member sees their own.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from bot.db import inserted_id, transaction
from bot.text import clip
from cogs.disclosures.audit import Actor, add_audit, now_iso
from cogs.disclosures.records import LIMITS, guess_language, validate_record
from cogs.disclosures.store import check_version, get_record, portable, write_audited

KINDS = ("new", "correction")
STATES = ("pending", "approved", "rejected", "merged", "withdrawn")


class AlreadyDecided(Exception):
    """Someone decided this submission first (or it does not exist)."""


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    row["source_urls"] = json.loads(row["source_urls"] or "[]")
    return row


def create(
    db: Database,
    *,
    kind: str,
    guild_id: int | None,
    guild_name: str | None = None,
    submitter_id: int,
    locale: str,
    title: str,
    source_urls: list[str],
    companies: str | None = None,
    ai_uses: str | None = None,
    notes: str | None = None,
    record_id: str | None = None,
    similar_record_id: str | None = None,
) -> int:
    """Queue a pending submission (never visible to members) and return its id; committed on return.

    The same member sending the same thing again while it is pending (a form submitted twice, an old "Reopen the
    form" button) queues nothing: :class:`AlreadyQueued` names the pending one."""
    if kind not in KINDS:
        raise ValueError(kind)
    with transaction(db):
        same = db.execute(
            "SELECT id FROM disclosure_submissions WHERE state = 'pending' AND submitter_id = ? AND kind = ?"
            " AND record_id IS ? AND title IS ? AND companies IS ? AND ai_uses IS ? AND source_urls = ?"
            " AND notes IS ?",
            [submitter_id, kind, record_id, title, companies, ai_uses, json.dumps(source_urls), notes],
        ).fetchone()
        if same is not None:
            raise AlreadyQueued(same[0])
        submission_id = inserted_id(
            db.table("disclosure_submissions").insert(
                {
                    "kind": kind,
                    "record_id": record_id,
                    "similar_record_id": similar_record_id,
                    "guild_id": guild_id,
                    "guild_name": guild_name,
                    "submitter_id": submitter_id,
                    "locale": locale,
                    "title": title,
                    "companies": companies,
                    "ai_uses": ai_uses,
                    "source_urls": json.dumps(source_urls),
                    "notes": notes,
                    "state": "pending",
                    "created_at": now_iso(),
                }
            )
        )
        add_audit(
            db,
            f"submission.{kind}",
            actor=Actor(submitter_id, "member", guild_id),
            record_id=record_id,
            submission_id=submission_id,
        )
    return submission_id


class AlreadyQueued(Exception):
    """The member's identical submission ``submission_id`` is already waiting for review."""

    def __init__(self, submission_id: int) -> None:
        super().__init__(submission_id)
        self.submission_id = submission_id


def get(db: Database, submission_id: int) -> dict[str, Any] | None:
    rows = list(db.table("disclosure_submissions").rows_where("id = ?", [submission_id]))
    return _decode(rows[0]) if rows else None


def of_guild(db: Database, guild_id: int, *, limit: int = 100) -> list[dict[str, Any]]:
    """The server's submissions, newest first (what its moderators may see)."""
    rows = db.table("disclosure_submissions").rows_where(
        "guild_id = ?", [guild_id], order_by="id DESC", limit=limit
    )
    return [_decode(row) for row in rows]


def of_submitter(db: Database, user_id: int, *, limit: int = 100) -> list[dict[str, Any]]:
    """A member's own submissions from any server, newest first."""
    rows = db.table("disclosure_submissions").rows_where(
        "submitter_id = ?", [user_id], order_by="id DESC", limit=limit
    )
    return [_decode(row) for row in rows]


def next_pending(db: Database, *, after_id: int = 0) -> dict[str, Any] | None:
    """The oldest pending submission after ``after_id`` (wrapping to the start), or None."""
    for clause, params in (("state = 'pending' AND id > ?", [after_id]), ("state = 'pending'", [])):
        rows = list(db.table("disclosure_submissions").rows_where(clause, params, order_by="id", limit=1))
        if rows:
            return _decode(rows[0])
    return None


def pending_count(db: Database) -> int:
    return int(
        db.execute("SELECT count(*) FROM disclosure_submissions WHERE state = 'pending'").fetchone()[0]
    )


def _close(db: Database, submission_id: int, state: str, actor: Actor, **extra: Any) -> dict[str, Any]:
    row = get(db, submission_id)
    if row is None or row["state"] != "pending":
        raise AlreadyDecided(submission_id)
    db.table("disclosure_submissions").update(
        submission_id, {"state": state, "decided_at": now_iso(), "decided_by": actor.id, **extra}
    )
    return row


def approve(
    db: Database, submission_id: int, record: dict[str, Any], *, actor: Actor, expected: str | None = None
) -> dict[str, Any]:
    """Publish ``record`` (a new one, or the corrected one) for this submission; returns the submission.

    ``expected``: for a correction, the version of the record the curator's draft started from; a record changed
    or deleted since raises :class:`~cogs.disclosures.store.StaleRecord` and nothing is written."""
    with transaction(db):
        check_version(db, record["id"], expected)
        row = _close(db, submission_id, "approved", actor, record_id=record["id"])
        action = "correction.approve" if row["kind"] == "correction" else "submission.approve"
        write_audited(db, record, actor=actor, action=action, submission_id=submission_id)
    return row


def reject(db: Database, submission_id: int, reason: str, *, actor: Actor) -> dict[str, Any]:
    """Close the submission with a reason; nothing is published."""
    with transaction(db):
        row = _close(db, submission_id, "rejected", actor, reason=reason)
        add_audit(
            db,
            "submission.reject",
            actor=actor,
            record_id=row["record_id"],
            submission_id=submission_id,
            note=reason,
        )
    return row


def withdraw(db: Database, submission_id: int, *, guild_id: int, actor: Actor) -> dict[str, Any] | None:
    """A server's moderator withdraws a pending submission made in their server; None if there is no such
    pending submission in that server (another server's submission is never touched)."""
    with transaction(db):
        row = get(db, submission_id)
        if row is None or row["guild_id"] != guild_id:
            return None
        row = _close(db, submission_id, "withdrawn", actor)
        add_audit(
            db,
            "submission.withdraw",
            actor=actor,
            record_id=row["record_id"],
            submission_id=submission_id,
        )
    return row


def merge(db: Database, submission_id: int, target_id: str, *, actor: Actor) -> dict[str, Any]:
    """Fold the submission's sources (and its title, as an alternate) into an existing published record.

    One transaction: a merged record that breaks a limit (``RecordError``: too many titles or sources…) leaves the
    submission pending and the record as it was."""
    with transaction(db):
        target = get_record(db, target_id)
        if target is None:
            raise KeyError(target_id)
        row = _close(db, submission_id, "merged", actor, record_id=target_id)
        merged = portable(target)
        known_urls = {s["url"] for s in merged["sources"]}
        for url in row["source_urls"]:
            if url not in known_urls:
                merged["sources"].append(
                    {
                        "url": url,
                        "publisher": clip(urlsplit(url).hostname or "", LIMITS["source_publisher"]) or None,
                        "title": None,
                        "date": None,
                    }
                )
        known_titles = {target["title"].casefold(), *(t["title"].casefold() for t in merged["alt_titles"])}
        if row["kind"] == "new" and row["title"] and row["title"].casefold() not in known_titles:
            merged["alt_titles"].append({"title": row["title"], "language": guess_language(row["title"])})
        merged = validate_record(merged)
        write_audited(db, merged, actor=actor, action="submission.merge", submission_id=submission_id)
    return row
