"""Open the SQLite database and run its (synchronous) work off the event loop, one writer at a time."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database, Migrations

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


def open_database(path: Path | str | None) -> Database:
    """Open ``path`` (``None`` or ``":memory:"`` for memory) in WAL mode with foreign keys enforced.

    ``check_same_thread`` is off because all work runs on the one thread of :class:`AsyncDatabase`.
    """
    if path is None or str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", check_same_thread=False)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    db = Database(conn)
    conn.execute("PRAGMA journal_mode=WAL")
    # NORMAL is durable against a crash of the process (the WAL is written before commit returns).
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA secure_delete=ON")  # deleted rows (a withdrawn vote, a destroyed key) are zeroed
    return db


def apply_migrations(db: Database, *sets: Migrations) -> list[str]:
    """Apply the pending steps of each migration set; return the names applied (empty on a second run)."""
    applied: list[str] = []
    for migrations in sets:
        pending = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
        applied += [f"{migrations.name}:{name}" for name in pending]
    if applied:
        log.info("Applied migrations: %s", ", ".join(applied))
    return applied


class AsyncDatabase:
    """The bot's database: every call runs on one dedicated thread, so the event loop never blocks on SQLite
    and there is exactly one writer. ``await db.run(store_fn, *args)`` calls ``store_fn(database, *args)``.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._closed = False

    async def run(self, fn: Callable[Concatenate[Database, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(db, *args, **kwargs)`` on the database thread and return its result."""
        if self._closed:
            raise RuntimeError("database is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(self.db, *args, **kwargs))

    async def migrate(self, *sets: Migrations) -> list[str]:
        """Apply migration sets on the database thread."""
        return await self.run(apply_migrations, *sets)

    async def close(self) -> None:
        """Wait for in-flight writes, then close the connection."""
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._executor.shutdown, True)
        self.db.conn.close()
