"""Poll, ballot and audit storage: plain functions taking a sqlite-utils ``Database``; writes commit on return.
Votes and removals are written by :mod:`cogs.polls.ballot_box`, many per transaction.

Secret ballots store no user id, name or time. While the poll is open a ballot's key is an HMAC of the member
under the poll's own random key (in :class:`~cogs.polls.ballot_keys.BallotKeys`, a separate file); at close the
ballots are rewritten under random keys (in the same transaction as the close) and the poll's key is destroyed.
Ballots live in a ``WITHOUT ROWID`` table, so their stored order is their key's order, not the order of votes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.db import transaction
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.model import (
    Choices,
    Poll,
    PollSettings,
    decode_choices,
    encode_options,
)
from cogs.polls.schema import migrations as migrations  # the polls migration set, re-exported
from cogs.polls.secrecy import ballot_key, forget, seal
from cogs.polls.voter_keys import Voter


@dataclass(frozen=True)
class NewPoll(PollSettings):
    """What a moderator asked for, already validated."""


@dataclass(frozen=True)
class BallotRow:
    """One public ballot, for exports."""

    user_id: int | None
    user_name: str | None
    choices: Choices
    voted_at: float | None


def record_audit(
    db: Database, poll_id: int, guild_id: int, actor_id: int | None, action: str, **detail: Any
) -> None:
    db.execute(
        "INSERT INTO poll_audit (poll_id, guild_id, actor_id, action, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
        [poll_id, guild_id, actor_id, action, json.dumps(detail, ensure_ascii=False), time.time()],
    )


def create_poll(db: Database, new: NewPoll) -> int:
    """Store a new open poll (message id set later by :func:`set_message`); return its id."""
    with transaction(db):
        cursor = db.execute(
            """INSERT INTO polls (guild_id, channel_id, question, options, method, max_choices, secret, hidden,
                   eligible_role_id, ping_role_id, closes_at, state, created_by, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)""",
            [
                new.guild_id,
                new.channel_id,
                new.question,
                encode_options(new.options),
                new.method.value,
                new.max_choices,
                int(new.secret),
                int(new.hidden),
                new.eligible_role_id,
                new.ping_role_id,
                new.closes_at,
                new.created_by,
                time.time(),
            ],
        )
        poll_id = int(cursor.lastrowid or 0)
        record_audit(db, poll_id, new.guild_id, new.created_by, "create", question=new.question)
    return poll_id


def set_message(db: Database, poll_id: int, message_id: int) -> None:
    with transaction(db):
        db.execute("UPDATE polls SET message_id = ? WHERE id = ?", [message_id, poll_id])


def get_poll(db: Database, poll_id: int) -> Poll | None:
    row = db.execute("SELECT * FROM polls WHERE id = ?", [poll_id]).fetchone()
    return Poll.from_row(dict(zip(_columns(db), row, strict=True))) if row else None


def get_guild_poll(db: Database, guild_id: int, poll_id: int) -> Poll | None:
    """The poll when it belongs to ``guild_id`` (a poll of another server is treated as not found)."""
    poll = get_poll(db, poll_id)
    return poll if poll is not None and poll.guild_id == guild_id else None


def _columns(db: Database) -> list[str]:
    return [c.name for c in db["polls"].columns]


def _polls_where(db: Database, where: str, params: Sequence[Any]) -> list[Poll]:
    cols = _columns(db)
    rows = db.execute(f"SELECT * FROM polls WHERE {where}", list(params)).fetchall()
    return [Poll.from_row(dict(zip(cols, row, strict=True))) for row in rows]


def get_ballot(db: Database, keys: BallotKeys, poll_id: int, voter: Voter) -> Choices | None:
    """This voter's current ballot (found through their key, never stored with them; gone after close)."""
    poll = get_poll(db, poll_id)
    if poll is None or (poll.secret and not poll.is_open):
        return None
    key = ballot_key(db, keys, poll, voter.user_id, create=False)
    row = db.execute(
        "SELECT choices FROM ballots WHERE poll_id = ? AND voter_key = ?", [poll_id, key]
    ).fetchone()
    return decode_choices(row[0]) if row else None


def ballots(db: Database, poll_id: int) -> list[Choices]:
    """Every ballot's choices (no voter information)."""
    rows = db.execute("SELECT choices FROM ballots WHERE poll_id = ?", [poll_id]).fetchall()
    return [decode_choices(r[0]) for r in rows]


def poll_with_ballots(db: Database, poll_id: int) -> tuple[Poll | None, list[Choices]]:
    """The poll and its ballots, read together (for results and live counts)."""
    return get_poll(db, poll_id), ballots(db, poll_id)


def ballot_count(db: Database, poll_id: int) -> int:
    return int(db.execute("SELECT count(*) FROM ballots WHERE poll_id = ?", [poll_id]).fetchone()[0])


def public_ballots(db: Database, poll_id: int) -> list[BallotRow]:
    """Ballots with voters, oldest first — only for public polls (secret polls store no voters). Ballots of
    members who deleted their data (``/privacy delete`` after close) count with no voter, listed last."""
    rows = db.execute(
        """SELECT b.user_id, b.user_name, b.choices, b.voted_at FROM ballots b JOIN polls p ON p.id = b.poll_id
           WHERE b.poll_id = ? AND (b.user_id IS NOT NULL OR p.secret = 0)
           ORDER BY b.user_id IS NULL, b.voted_at, b.user_id, b.voter_key""",
        [poll_id],
    ).fetchall()
    return [BallotRow(r[0], r[1], decode_choices(r[2]), r[3]) for r in rows]


def close_poll(
    db: Database, keys: BallotKeys, poll_id: int, actor_id: int | None, *, now: float | None = None
) -> bool:
    """Close an open poll; True when this call closed it (False when it was already closed or gone).

    A secret poll's ballots are sealed in the same transaction, then its key is destroyed (a crash between
    the two is finished by :func:`~cogs.polls.secrecy.forget_stale_keys` at the next start).
    """
    now = time.time() if now is None else now
    with transaction(db):
        cursor = db.execute(
            "UPDATE polls SET state = 'closed', closed_at = ? WHERE id = ? AND state = 'open'", [now, poll_id]
        )
        secret = False
        if cursor.rowcount:
            guild_id, secret = db.execute(
                "SELECT guild_id, secret FROM polls WHERE id = ?", [poll_id]
            ).fetchone()
            record_audit(db, poll_id, guild_id, actor_id, "close", automatic=actor_id is None)
            if secret:
                seal(db, poll_id)
    if secret:
        forget(db, keys, [poll_id])
    return cursor.rowcount > 0


# A public poll's ballot always names its voter (``user_id``), from the first release on, until the voter deletes
# their data after close (``privacy.forget_voter``): the ballot then keeps counting with no voter. That empty
# ``user_id`` is the mark of an anonymised ballot; nothing else clears it.
ANONYMISED = "user_id IS NULL"


class AnonymisedBallots(Exception):
    """Raised by :func:`reopen_poll`: the poll holds anonymised ballots, so it stays closed."""


def anonymised_ballots(db: Database, poll_id: int) -> int:
    """How many of a public poll's ballots no longer name their voter (``/privacy delete`` after close)."""
    row = db.execute(
        f"""SELECT count(*) FROM ballots b JOIN polls p ON p.id = b.poll_id
            WHERE b.poll_id = ? AND p.secret = 0 AND b.{ANONYMISED}""",
        [poll_id],
    ).fetchone()
    return int(row[0])


def reopen_poll(db: Database, poll_id: int, actor_id: int, closes_at: float) -> bool:
    """Reopen a closed public poll until ``closes_at``; False when it is not a closed public poll.

    Secret polls are never reopened: their link between members and ballots was destroyed at close, so
    members who already voted could not be recognised and could vote twice. For the same reason a public poll
    holding an anonymised ballot stays closed (raises :class:`AnonymisedBallots`): the member who deleted their
    data would not be recognised, and could vote again beside the ballot that still counts for them.
    """
    with transaction(db):
        closed_public = db.execute(
            "SELECT 1 FROM polls WHERE id = ? AND state = 'closed' AND secret = 0", [poll_id]
        ).fetchone()
        if closed_public is not None and anonymised_ballots(db, poll_id):
            raise AnonymisedBallots(poll_id)
        cursor = db.execute(
            """UPDATE polls SET state = 'open', closed_at = NULL, closes_at = ?
               WHERE id = ? AND state = 'closed' AND secret = 0""",
            [closes_at, poll_id],
        )
        if cursor.rowcount:
            guild_id = db.execute("SELECT guild_id FROM polls WHERE id = ?", [poll_id]).fetchone()[0]
            record_audit(db, poll_id, guild_id, actor_id, "reopen", closes_at=closes_at)
    return cursor.rowcount > 0


def extend_poll(db: Database, poll_id: int, actor_id: int, closes_at: float) -> bool:
    """Move an open poll's deadline."""
    with transaction(db):
        cursor = db.execute(
            "UPDATE polls SET closes_at = ? WHERE id = ? AND state = 'open'", [closes_at, poll_id]
        )
        if cursor.rowcount:
            guild_id = db.execute("SELECT guild_id FROM polls WHERE id = ?", [poll_id]).fetchone()[0]
            record_audit(db, poll_id, guild_id, actor_id, "extend", closes_at=closes_at)
    return cursor.rowcount > 0


def audit_log(db: Database, poll_id: int) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT actor_id, action, detail, at FROM poll_audit WHERE poll_id = ? ORDER BY id", [poll_id]
    ).fetchall()
    return [{"actor_id": r[0], "action": r[1], "detail": json.loads(r[2]), "at": r[3]} for r in rows]


def delete_poll(db: Database, keys: BallotKeys, poll_id: int, actor_id: int) -> bool:
    """Delete a poll and its ballots, and destroy its key (the audit log keeps a record of the deletion)."""
    with transaction(db):
        row = db.execute("SELECT guild_id, secret FROM polls WHERE id = ?", [poll_id]).fetchone()
        if row is None:
            return False
        db.execute("DELETE FROM ballots WHERE poll_id = ?", [poll_id])
        db.execute("DELETE FROM secret_legacy_polls WHERE poll_id = ?", [poll_id])
        db.execute("DELETE FROM polls WHERE id = ?", [poll_id])
        record_audit(db, poll_id, row[0], actor_id, "delete")
    if row[1]:
        forget(db, keys, [poll_id])
    return True


def open_polls(db: Database, guild_id: int) -> list[Poll]:
    return _polls_where(db, "guild_id = ? AND state = 'open' ORDER BY closes_at", [guild_id])


def guild_polls(db: Database, guild_id: int, limit: int = 25) -> list[Poll]:
    """Recent polls of a server, newest first (for autocomplete)."""
    return _polls_where(db, "guild_id = ? ORDER BY id DESC LIMIT ?", [guild_id, limit])


def due_polls(db: Database, now: float) -> list[int]:
    """Open polls whose deadline has passed."""
    rows = db.execute("SELECT id FROM polls WHERE state = 'open' AND closes_at <= ?", [now]).fetchall()
    return [r[0] for r in rows]


def next_deadline(db: Database) -> float | None:
    row = db.execute("SELECT min(closes_at) FROM polls WHERE state = 'open'").fetchone()
    return row[0] if row else None


def poll_count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM polls").fetchone()[0])
