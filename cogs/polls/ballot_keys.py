"""The ballot-key file: one random key per open secret poll, in its own small SQLite file (``BALLOT_KEYS_PATH``).

It is never inside the main database, so a copy or backup of ``haikei.db`` links nothing. A key is written (and
synced) before the first ballot that depends on it; destroying a key deletes its row with ``secure_delete`` on,
then vacuums, so its bytes leave the file. The journal is a rollback journal (no WAL that would keep old pages).

Like the store, use it only on the database thread (``await bot.db.run(fn, keys, ...)``): one thread touches both
files, so a vote, a close and a key's destruction never interleave.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from cogs.polls.voter_keys import new_poll_key


class BallotKeys:
    """Per-poll keys of open secret polls, plus POLL_SECRET for polls opened before per-poll keys existed.

    Made without touching the disk; :meth:`open` (on the database thread) opens or creates the file.
    ``path`` ``None`` or ``":memory:"`` keeps the keys in memory (tests).
    """

    def __init__(self, path: Path | str | None, legacy_secret: str | None = None) -> None:
        self.path = None if path is None or str(path) == ":memory:" else Path(path)
        self.legacy_secret = legacy_secret
        self._conn: sqlite3.Connection | None = None

    def open(self) -> BallotKeys:
        if self._conn is not None:
            return self
        if self.path is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=DELETE")
            with contextlib.suppress(
                OSError
            ):  # only the bot's own user may read the keys (where chmod works)
                os.chmod(self.path, 0o600)
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("CREATE TABLE IF NOT EXISTS poll_keys (poll_id INTEGER PRIMARY KEY, key BLOB NOT NULL)")
        self._conn = conn
        return self

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the ballot-key file is not open")
        return self._conn

    def get(self, poll_id: int) -> bytes | None:
        """The poll's key, or None (never created, or destroyed). Read from the file every time, never kept in
        memory: a key another process destroyed when it closed the poll is gone here too."""
        rows = self.conn.execute("SELECT key FROM poll_keys WHERE poll_id = ?", [poll_id]).fetchall()
        # (fetchall: no statement is left open, which would block the VACUUM of ``destroy``)
        return bytes(rows[0][0]) if rows else None

    def create(self, poll_id: int) -> bytes:
        """A new random key for ``poll_id`` (or the one it already has), committed to disk before returning."""
        self.conn.execute(
            "INSERT OR IGNORE INTO poll_keys (poll_id, key) VALUES (?, ?)", [poll_id, new_poll_key()]
        )
        key = self.get(poll_id)
        assert key is not None
        return key

    def poll_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT poll_id FROM poll_keys ORDER BY poll_id")]

    def destroy(self, poll_ids: Iterable[int]) -> int:
        """Delete these polls' keys for good (zeroed, then the file is vacuumed); return how many existed."""
        ids = sorted(set(poll_ids))
        if not ids:
            return 0
        marks = ", ".join("?" * len(ids))
        cursor = self.conn.execute(f"DELETE FROM poll_keys WHERE poll_id IN ({marks})", ids)
        if cursor.rowcount:
            self.conn.execute("VACUUM")
        return cursor.rowcount

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
