"""Secret ballots, database side: their keys while a poll is open, and sealing them when it closes.

The bot can link a member to their ballot only while the poll is open (so they can change their vote): the
ballot key is an HMAC under the poll's random key from the key file. Closing seals the poll: its ballots get
random keys in the close's own transaction, then the poll's key is destroyed and the write-ahead log flushed.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.model import Poll
from cogs.polls.voter_keys import legacy_voter_key, public_voter_key, sealed_key, secret_voter_key


def _has_ballots(db: Database, poll_id: int) -> bool:
    return db.execute("SELECT 1 FROM ballots WHERE poll_id = ? LIMIT 1", [poll_id]).fetchone() is not None


def enable_secure_delete(db: Database) -> None:
    """Deleted ballots and keys are overwritten with zeros, not left in free pages (per connection)."""
    db.execute("PRAGMA secure_delete=ON")


def is_legacy(db: Database, poll_id: int) -> bool:
    return db.execute("SELECT 1 FROM secret_legacy_polls WHERE poll_id = ?", [poll_id]).fetchone() is not None


def secret_ballot_key(
    db: Database, keys: BallotKeys, poll: Poll, user_id: int, *, create: bool
) -> str | None:
    """The member's ballot key in an open secret poll; None when the bot cannot recognise voters any more.

    The poll's key is created with its first ballot. If it is missing while ballots exist (the key file was
    lost or restored), or a poll opened before per-poll keys has no POLL_SECRET, a vote could not be told apart
    from a second vote by the same member, so the caller refuses it.
    """
    if is_legacy(db, poll.id):
        return legacy_voter_key(keys.legacy_secret, poll.id, user_id) if keys.legacy_secret else None
    poll_key = keys.get(poll.id)
    if poll_key is None and create and not _has_ballots(db, poll.id):
        poll_key = keys.create(poll.id)  # synced to disk before the ballot that depends on it
    return secret_voter_key(poll_key, poll.id, user_id) if poll_key is not None else None


def ballot_key(db: Database, keys: BallotKeys, poll: Poll, user_id: int, *, create: bool) -> str | None:
    """The key of the member's ballot in ``poll``: their user id in a public poll, else the secret key."""
    if poll.secret:
        return secret_ballot_key(db, keys, poll, user_id, create=create)
    return public_voter_key(user_id)


def seal(db: Database, poll_id: int) -> None:
    """Rewrite a closed secret poll's ballots under fresh random keys, inserted in key order (inside the
    caller's transaction): no stored key can be recomputed by anyone, and the rows' placement in the file,
    like their order, follows those random keys instead of the order in which members voted."""
    rows = db.execute("SELECT choices FROM ballots WHERE poll_id = ?", [poll_id]).fetchall()
    db.execute("DELETE FROM ballots WHERE poll_id = ?", [poll_id])
    db.execute("DELETE FROM secret_legacy_polls WHERE poll_id = ?", [poll_id])
    db.conn.executemany(
        "INSERT INTO ballots (poll_id, voter_key, choices) VALUES (?, ?, ?)",
        sorted((poll_id, sealed_key(), choices) for (choices,) in rows),
    )


def forget(db: Database, keys: BallotKeys, poll_ids: Sequence[int]) -> None:
    """Destroy these polls' keys, and flush the write-ahead log so old ballot pages leave it too."""
    keys.destroy(poll_ids)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def forget_stale_keys(db: Database, keys: BallotKeys) -> list[int]:
    """Destroy the keys of polls that are no longer open (closed or deleted); return their ids.

    Run at start: it finishes a close or delete that stopped between its commit and the key's destruction.
    """
    open_ids = {r[0] for r in db.execute("SELECT id FROM polls WHERE state = 'open' AND secret = 1")}
    stale = [poll_id for poll_id in keys.poll_ids() if poll_id not in open_ids]
    if stale:
        forget(db, keys, stale)
    return stale


def legacy_polls(db: Database) -> list[int]:
    """Secret polls opened before per-poll keys (their voters are recognised with POLL_SECRET until close)."""
    return [r[0] for r in db.execute("SELECT poll_id FROM secret_legacy_polls ORDER BY poll_id")]
