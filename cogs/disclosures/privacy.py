"""What the disclosure records hold about a member, and forgetting it (store functions; pure SQL).

A member appears in three places: their submissions (``submitter_id``, private ``notes``, ``locale``), the
audit trail (``actor_id`` of the entries their submissions wrote, or of a withdrawal they made as a server's
moderator) and ``decided_by`` of a submission they withdrew as a moderator. Published records cite sources,
not submitters: ``updated_by`` only ever holds a curator (or nothing, for imports and the shipped records).

Forgetting a member: their pending submissions are deleted (curators have not used them); their decided ones
keep what curators decided about the work, without the member (``submitter_id`` becomes 0, which no Discord
user has; notes and locale are removed); their ids leave the audit trail. Each submission gets an audit entry
``submission.forget`` naming nobody. Ids of actions taken as a *curator* stay: curators answer for the records
every server reads (``AUDIT_KEEPS`` below says which entries keep their actor).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from bot.db import transaction
from bot.retention import AUDIT_ID_DAYS, SUBMISSION_NOTES_DAYS, cutoff_iso
from cogs.disclosures.audit import Actor, add_audit

FORGOTTEN = 0  # the submitter id of a forgotten member's submissions (Discord ids are never 0)
# Audit entries whose actor id is a member's or a server moderator's (removed on request and after
# AUDIT_ID_DAYS); every other entry with an actor is a curator's decision or edit, or a moderator's from before
# curators existed, which changed the shared records.
NOT_CURATOR = "(actor_role = 'member' OR action = 'submission.withdraw')"
FORGET_NOTE = "personal details removed at the member's request"
DELETE_NOTE = "pending submission deleted at the member's request"


def summary(db: Database, user_id: int, *, limit: int = 10) -> dict[str, Any]:
    """What names ``user_id``: their latest submissions (and how many in all), and audit entries by role."""
    rows = db.execute(
        "SELECT id, kind, state, created_at, title, record_id FROM disclosure_submissions"
        " WHERE submitter_id = ? ORDER BY id DESC LIMIT ?",
        [user_id, limit],
    ).fetchall()
    total = db.execute(
        "SELECT count(*) FROM disclosure_submissions WHERE submitter_id = ?", [user_id]
    ).fetchone()[0]
    audit = dict(
        db.execute(
            "SELECT coalesce(actor_role, 'moderator'), count(*) FROM disclosure_audit WHERE actor_id = ?"
            " GROUP BY 1",
            [user_id],
        ).fetchall()
    )
    decided = db.execute(
        "SELECT count(*) FROM disclosure_submissions WHERE decided_by = ?", [user_id]
    ).fetchone()[0]
    keys = ("id", "kind", "state", "created_at", "title", "record_id")
    return {
        "submissions": [dict(zip(keys, row, strict=True)) for row in rows],
        "total": int(total),
        "audit": {str(role): int(n) for role, n in audit.items()},
        "decided": int(decided),
    }


def forget_member(db: Database, user_id: int) -> dict[str, int]:
    """Forget ``user_id`` as a submitter and as a non-curator actor; committed on return. Returns counts by
    catalog key: pending submissions deleted, decided ones anonymised, audit entries no longer naming them."""
    with transaction(db):
        pending = db.execute(
            "SELECT id, record_id FROM disclosure_submissions WHERE submitter_id = ? AND state = 'pending'",
            [user_id],
        ).fetchall()
        db.execute(
            "DELETE FROM disclosure_submissions WHERE submitter_id = ? AND state = 'pending'", [user_id]
        )
        decided = db.execute(
            "SELECT id, record_id FROM disclosure_submissions WHERE submitter_id = ?", [user_id]
        ).fetchall()
        db.execute(
            "UPDATE disclosure_submissions SET submitter_id = ?, notes = NULL, locale = NULL"
            " WHERE submitter_id = ?",
            [FORGOTTEN, user_id],
        )
        withdrawn = db.execute(
            "UPDATE disclosure_submissions SET decided_by = NULL WHERE decided_by = ? AND state = 'withdrawn'",
            [user_id],
        ).rowcount
        audit = db.execute(
            f"UPDATE disclosure_audit SET actor_id = NULL WHERE actor_id = ? AND {NOT_CURATOR}", [user_id]
        ).rowcount
        nobody = Actor(None, "member")
        for notes, found in ((DELETE_NOTE, pending), (FORGET_NOTE, decided)):
            for submission_id, record_id in found:
                add_audit(
                    db,
                    "submission.forget",
                    actor=nobody,
                    record_id=record_id,
                    submission_id=submission_id,
                    note=notes,
                )
    return {
        "disclosures.privacy.deleted": len(pending),
        "disclosures.privacy.anonymised": len(decided),
        "disclosures.privacy.audit": audit + withdrawn,
    }


def forget_server(db: Database, guild_id: int) -> dict[str, int]:
    """A server's data is purged: its submissions stay (they belong to their members and the shared records'
    history; members delete them with ``/privacy delete``), without the server's name."""
    with transaction(db):
        named = db.execute(
            "UPDATE disclosure_submissions SET guild_name = NULL WHERE guild_id = ? AND guild_name IS NOT NULL",
            [guild_id],
        ).rowcount
    return {"disclosures.privacy.server_names": named}


def apply_retention(db: Database, now: float) -> dict[str, int]:
    """Member and moderator ids leave audit entries older than AUDIT_ID_DAYS; a decided submission's private
    notes are removed SUBMISSION_NOTES_DAYS after the decision."""
    with transaction(db):
        audit = db.execute(
            f"UPDATE disclosure_audit SET actor_id = NULL WHERE actor_id IS NOT NULL AND at < ? AND {NOT_CURATOR}",
            [cutoff_iso(now, AUDIT_ID_DAYS)],
        ).rowcount
        withdrawn = db.execute(
            "UPDATE disclosure_submissions SET decided_by = NULL"
            " WHERE decided_by IS NOT NULL AND state = 'withdrawn' AND decided_at < ?",
            [cutoff_iso(now, AUDIT_ID_DAYS)],
        ).rowcount
        notes = db.execute(
            "UPDATE disclosure_submissions SET notes = NULL"
            " WHERE notes IS NOT NULL AND state != 'pending' AND decided_at < ?",
            [cutoff_iso(now, SUBMISSION_NOTES_DAYS)],
        ).rowcount
    return {"disclosures.privacy.audit": audit + withdrawn, "disclosures.privacy.notes": notes}
