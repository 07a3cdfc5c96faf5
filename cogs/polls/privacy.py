"""What the polls hold about a member, and forgetting it (store functions, on the database thread).

- Public polls: a ballot is keyed ``u<user id>`` and holds the member's id, name and time. Forgetting removes
  it from open polls (as "Remove my vote" would); in closed polls the choice still counts, under a fresh
  random key, without id, name or time (results, charts and exports keep their totals). That ballot's empty
  ``user_id`` marks it anonymised (``store.ANONYMISED``): such a poll is never reopened
  (``store.reopen_poll``), since the member would not be recognised and could vote a second time.
- Secret polls: no ballot holds an id. While one is open, the member's ballot key is an HMAC under the poll's
  own key, so the bot can find it and removes it. Closed secret polls are already unlinkable: nothing to do.
- Who created or managed a poll (``polls.created_by``, ``poll_audit.actor_id``): a moderator's or poll
  creator's id, removed on request (``created_by`` becomes 0, which no Discord user has) and after
  AUDIT_ID_DAYS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from bot.db import transaction
from bot.retention import AUDIT_ID_DAYS, cutoff
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.secrecy import forget, secret_ballot_key
from cogs.polls.store import _polls_where, get_poll
from cogs.polls.voter_keys import public_voter_key, sealed_key

FORGOTTEN = 0  # polls.created_by of a forgotten creator (NOT NULL in the schema; Discord ids are never 0)


@dataclass
class Forgotten:
    """What forgetting a member did: open polls whose ballot was removed (their messages need a refresh),
    closed public ballots anonymised, and poll/audit rows that no longer name them."""

    removed: list[int] = field(default_factory=list)
    anonymised: int = 0
    managed: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "polls.privacy.removed": len(self.removed),
            "polls.privacy.anonymised": self.anonymised,
            "polls.privacy.managed": self.managed,
        }


def _open_secret_ballots(db: Database, keys: BallotKeys, user_id: int) -> list[tuple[int, str]]:
    """(poll id, ballot key) of the member's ballots in open secret polls (found through each poll's key)."""
    found = []
    for poll in _polls_where(db, "state = 'open' AND secret = 1", []):
        key = secret_ballot_key(db, keys, poll, user_id, create=False)
        if key is None:
            continue
        row = db.execute(
            "SELECT 1 FROM ballots WHERE poll_id = ? AND voter_key = ?", [poll.id, key]
        ).fetchone()
        if row is not None:
            found.append((poll.id, key))
    return found


def summary(db: Database, keys: BallotKeys, user_id: int, *, limit: int = 10) -> dict[str, Any]:
    """The member's public ballots (open polls listed), open secret polls holding their ballot, and how many
    polls and poll log entries name them as creator or moderator."""
    key = public_voter_key(user_id)
    rows = db.execute(
        "SELECT p.id, p.question, p.state FROM ballots b JOIN polls p ON p.id = b.poll_id"
        " WHERE (b.voter_key = ? OR b.user_id = ?) AND p.secret = 0 ORDER BY p.state = 'open' DESC, p.id DESC",
        [key, user_id],
    ).fetchall()
    managed = db.execute(
        "SELECT (SELECT count(*) FROM polls WHERE created_by = ?) + (SELECT count(*) FROM poll_audit"
        " WHERE actor_id = ?)",
        [user_id, user_id],
    ).fetchone()[0]
    return {
        "open": [(poll_id, question) for poll_id, question, state in rows if state == "open"][:limit],
        "open_count": sum(1 for *_, state in rows if state == "open"),
        "closed_count": sum(1 for *_, state in rows if state != "open"),
        "secret_open": len(_open_secret_ballots(db, keys, user_id)),
        "managed": int(managed),
    }


def forget_voter(db: Database, keys: BallotKeys, user_id: int) -> Forgotten:
    """Remove the member's ballots from open polls, anonymise them in closed public polls, and remove their id
    as creator or actor; committed on return (then the write-ahead log is flushed)."""
    done = Forgotten()
    key = public_voter_key(user_id)
    with transaction(db):
        secret = _open_secret_ballots(db, keys, user_id)
        public = db.execute(
            "SELECT b.poll_id, b.voter_key, p.state FROM ballots b JOIN polls p ON p.id = b.poll_id"
            " WHERE (b.voter_key = ? OR b.user_id = ?) AND p.secret = 0",
            [key, user_id],
        ).fetchall()
        for poll_id, voter_key, state in public:
            if state == "open":
                db.execute("DELETE FROM ballots WHERE poll_id = ? AND voter_key = ?", [poll_id, voter_key])
                done.removed.append(poll_id)
            else:  # user_id = NULL is also the mark that keeps the poll from being reopened (store.ANONYMISED)
                db.execute(
                    "UPDATE ballots SET voter_key = ?, user_id = NULL, user_name = NULL, voted_at = NULL"
                    " WHERE poll_id = ? AND voter_key = ?",
                    [sealed_key(), poll_id, voter_key],
                )
                done.anonymised += 1
        for poll_id, voter_key in secret:
            db.execute("DELETE FROM ballots WHERE poll_id = ? AND voter_key = ?", [poll_id, voter_key])
            done.removed.append(poll_id)
        done.managed += db.execute(
            "UPDATE polls SET created_by = ? WHERE created_by = ?", [FORGOTTEN, user_id]
        ).rowcount
        done.managed += db.execute(
            "UPDATE poll_audit SET actor_id = NULL WHERE actor_id = ?", [user_id]
        ).rowcount
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return done


def open_polls(db: Database, poll_ids: list[int]) -> list[Any]:
    """The polls (for a refresh of their messages)."""
    return [poll for poll in (get_poll(db, poll_id) for poll_id in poll_ids) if poll is not None]


def forget_server(db: Database, keys: BallotKeys, guild_id: int) -> dict[str, int]:
    """Delete a server's polls, their ballots and log, and destroy its secret polls' keys."""
    with transaction(db):
        ids = [row[0] for row in db.execute("SELECT id FROM polls WHERE guild_id = ?", [guild_id])]
        secret = [
            row[0] for row in db.execute("SELECT id FROM polls WHERE guild_id = ? AND secret = 1", [guild_id])
        ]
        marks = ", ".join("?" * len(ids))
        ballots = 0
        if ids:
            ballots = db.execute(f"DELETE FROM ballots WHERE poll_id IN ({marks})", ids).rowcount
            db.execute(f"DELETE FROM secret_legacy_polls WHERE poll_id IN ({marks})", ids)
        polls = db.execute("DELETE FROM polls WHERE guild_id = ?", [guild_id]).rowcount
        db.execute("DELETE FROM poll_audit WHERE guild_id = ?", [guild_id])
    forget(db, keys, secret)  # destroys the keys and flushes the write-ahead log
    return {"polls.privacy.polls": polls, "polls.privacy.ballots": ballots}


def stored_servers(db: Database) -> set[int]:
    """The servers with polls or poll log entries."""
    return {row[0] for row in db.execute("SELECT guild_id FROM polls UNION SELECT guild_id FROM poll_audit")}


def apply_retention(db: Database, now: float) -> dict[str, int]:
    """Creator and moderator ids leave polls and poll logs older than AUDIT_ID_DAYS."""
    before = cutoff(now, AUDIT_ID_DAYS)
    with transaction(db):
        managed = db.execute(
            "UPDATE poll_audit SET actor_id = NULL WHERE actor_id IS NOT NULL AND at < ?", [before]
        ).rowcount
        managed += db.execute(
            "UPDATE polls SET created_by = ? WHERE created_by != ? AND created_at < ?",
            [FORGOTTEN, FORGOTTEN, before],
        ).rowcount
    return {"polls.privacy.managed": managed}
