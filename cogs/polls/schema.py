"""The polls tables, as ``sqlite_utils.Migrations("polls")`` steps (applied in ``cog_load``)."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from cogs.polls.voter_keys import sealed_key

migrations = Migrations("polls")

BALLOTS_TABLE = """
CREATE TABLE {name} (
    poll_id INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    voter_key TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT,
    choices TEXT NOT NULL,
    voted_at REAL,
    PRIMARY KEY (poll_id, voter_key)
) WITHOUT ROWID
"""


@migrations(name="0001_polls")
def _polls(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE polls (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            guild_id INTEGER NOT NULL,
            channel_id INTEGER NOT NULL,
            message_id INTEGER,
            question TEXT NOT NULL,
            options TEXT NOT NULL,
            method TEXT NOT NULL,
            max_choices INTEGER,
            secret INTEGER NOT NULL DEFAULT 0,
            hidden INTEGER NOT NULL DEFAULT 0,
            eligible_role_id INTEGER,
            ping_role_id INTEGER,
            closes_at REAL NOT NULL,
            state TEXT NOT NULL DEFAULT 'open',
            created_by INTEGER NOT NULL,
            created_at REAL NOT NULL,
            closed_at REAL
        );
        CREATE INDEX polls_state_closes ON polls(state, closes_at);
        CREATE INDEX polls_guild_state ON polls(guild_id, state);
        CREATE TABLE ballots (
            poll_id INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
            voter_key TEXT NOT NULL,
            user_id INTEGER,
            user_name TEXT,
            choices TEXT NOT NULL,
            voted_at REAL,
            PRIMARY KEY (poll_id, voter_key)
        );
        CREATE TABLE poll_audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            poll_id INTEGER NOT NULL,
            guild_id INTEGER NOT NULL,
            actor_id INTEGER,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            at REAL NOT NULL
        );
        CREATE INDEX poll_audit_poll ON poll_audit(poll_id);
        """
    )


@migrations(name="0002_unordered_secret_ballots")
def _unordered_secret_ballots(db: Database) -> None:
    """Ballots move to a ``WITHOUT ROWID`` table (stored in key order, not in the order votes arrived).

    Closed secret polls get random ballot keys at once (their old keys were HMACs under POLL_SECRET, which
    could recompute every link). Secret polls open now keep their POLL_SECRET keys until they close, so their
    voters can still change their vote; ``secret_legacy_polls`` lists them.
    """
    db.execute("PRAGMA secure_delete=ON")  # the old table's pages are zeroed as it is dropped
    db.execute(
        """CREATE TABLE secret_legacy_polls (
               poll_id INTEGER PRIMARY KEY REFERENCES polls(id) ON DELETE CASCADE
           )"""
    )
    db.execute("INSERT INTO secret_legacy_polls SELECT id FROM polls WHERE secret = 1 AND state = 'open'")
    db.execute(BALLOTS_TABLE.format(name="ballots_unordered"))
    db.execute(
        """INSERT INTO ballots_unordered SELECT b.poll_id, b.voter_key, b.user_id, b.user_name, b.choices,
               b.voted_at
           FROM ballots b JOIN polls p ON p.id = b.poll_id WHERE p.secret = 0 OR p.state = 'open'"""
    )
    closed_secret = db.execute(
        """SELECT b.poll_id, b.choices FROM ballots b JOIN polls p ON p.id = b.poll_id
           WHERE p.secret = 1 AND p.state != 'open'"""
    ).fetchall()
    db.conn.executemany(
        "INSERT INTO ballots_unordered (poll_id, voter_key, choices) VALUES (?, ?, ?)",
        sorted((poll_id, sealed_key(), choices) for poll_id, choices in closed_secret),
    )
    db.execute("DROP TABLE ballots")
    db.execute("ALTER TABLE ballots_unordered RENAME TO ballots")
