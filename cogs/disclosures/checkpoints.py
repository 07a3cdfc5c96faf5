"""An import's write-ahead log copied into the database file by a background thread, as the import goes on.

An import turns SQLite's automatic checkpoints off: each would copy the same index pages to the database file
again, on the importing thread. Left at that, the whole log would be copied at the end while the import
waits. Instead, after each of its transactions the import asks a thread of its own to copy what is committed
so far (``PRAGMA wal_checkpoint(PASSIVE)`` on a connection of its own, which never blocks the writer), using a
processor the import leaves idle at times; the last checkpoint then has little left to copy.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from sqlite_utils import Database

log = logging.getLogger(__name__)


class BackgroundCheckpoints:
    """A thread that checkpoints the database at ``path`` each time it is asked to (``ask``), until ``stop``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._asked = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="import-checkpoints", daemon=True)
        self._thread.start()

    @classmethod
    def of(cls, db: Database) -> BackgroundCheckpoints | None:
        """Checkpoints for ``db``; None unless it is a file in write-ahead-log mode."""
        if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            return None
        path = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")
        return cls(path) if path else None

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path)
            try:
                while True:
                    self._asked.wait()
                    self._asked.clear()
                    if self._stopping:
                        return
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                conn.close()
        except sqlite3.Error as exc:  # the import's own last checkpoint copies what this one did not
            log.warning("Background checkpoints of %s stopped: %s", self.path, exc)

    def ask(self) -> None:
        """Copy what is committed so far, once the copy under way (if any) is done."""
        self._asked.set()

    def stop(self) -> None:
        """Stop, after the copy under way (if any)."""
        self._stopping = True
        self._asked.set()
        self._thread.join()
