"""The review queue: member submissions and corrections, and what curators decide about them.

Submissions come from members of every server; curators decide them. A server's moderators may list their own
server's submissions (without private notes or submitter ids) and withdraw them; a member sees their own.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from bot.db import inserted_id
from cogs.disclosures.audit import Actor, add_audit, now_iso
from cogs.disclosures.records import guess_language, validate_record
from cogs.disclosures.store import get_record, portable, write_audited

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
    """Queue a pending submission (never visible to members) and return its id; committed on return."""
    if kind not in KINDS:
        raise ValueError(kind)
    with db.conn:
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


def approve(db: Database, submission_id: int, record: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    """Publish ``record`` (a new one, or the corrected one) for this submission; returns the submission."""
    with db.conn:
        row = _close(db, submission_id, "approved", actor, record_id=record["id"])
        action = "correction.approve" if row["kind"] == "correction" else "submission.approve"
        write_audited(db, record, actor=actor, action=action, submission_id=submission_id)
    return row


def reject(db: Database, submission_id: int, reason: str, *, actor: Actor) -> dict[str, Any]:
    """Close the submission with a reason; nothing is published."""
    with db.conn:
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
    with db.conn:
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
    """Fold the submission's sources (and its title, as an alternate) into an existing published record."""
    with db.conn:
        target = get_record(db, target_id)
        if target is None:
            raise KeyError(target_id)
        row = _close(db, submission_id, "merged", actor, record_id=target_id)
        merged = portable(target)
        known_urls = {s["url"] for s in merged["sources"]}
        for url in row["source_urls"]:
            if url not in known_urls:
                merged["sources"].append(
                    {"url": url, "publisher": urlsplit(url).hostname, "title": None, "date": None}
                )
        known_titles = {target["title"].casefold(), *(t["title"].casefold() for t in merged["alt_titles"])}
        if row["kind"] == "new" and row["title"] and row["title"].casefold() not in known_titles:
            merged["alt_titles"].append({"title": row["title"], "language": guess_language(row["title"])})
        merged = validate_record(merged)
        write_audited(db, merged, actor=actor, action="submission.merge", submission_id=submission_id)
    return row
