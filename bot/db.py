"""Open the SQLite database and run its (synchronous) work off the event loop, one writer at a time."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, Generic, ParamSpec, TypeVar

from sqlite_utils import Database, Migrations
from sqlite_utils.db import Table

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
Item = TypeVar("Item")


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


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction, committed on exit and rolled back on error; a savepoint when nested.

    ``BEGIN IMMEDIATE`` takes the write lock up front. A deferred ``BEGIN`` (sqlite-utils' ``atomic()``) reads
    first and upgrades later, and when another process (a second shard range on the same file) commits in between,
    SQLite fails the upgrade at once ("database is locked") instead of waiting ``busy_timeout``. sqlite-utils
    methods called inside see the open transaction and use savepoints, so nothing commits half-way.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():  # a savepoint inside the caller's transaction
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def inserted_id(table: Table) -> int:
    """The id of the row ``table.insert(...)`` just wrote (sqlite-utils sets ``last_pk`` on every insert)."""
    if table.last_pk is None:
        raise RuntimeError(f"inserting into {table.name} gave no id")
    return int(table.last_pk)


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

    def group_commit(
        self,
        fn: Callable[[Database, list[Item]], Sequence[T | BaseException]],
        *,
        max_items: int = 500,
    ) -> GroupCommit[Item, T]:
        """A :class:`GroupCommit` that hands items to ``fn`` on this database's thread, many at a time."""
        return GroupCommit(self, fn, max_items=max_items)

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


class GroupCommit(Generic[Item, T]):
    """Many small writes, one transaction: ``await batch.submit(item)`` returns ``item``'s own result.

    Items submitted while the database thread is busy wait together, then ``fn(db, items)`` runs once on that
    thread (at most ``max_items`` at a time) and must commit before returning a result per item, in order: a
    value, or an exception for that item alone (raised to its waiter only). If ``fn`` raises, every item of the
    call gets the error. So a waiter hears back only after its item is committed, and a burst of writes costs
    one commit per batch instead of one per item. There is no timer: an idle queue commits at once, and the
    batch grows by itself while a commit is running. Items reach ``fn`` in the order they were submitted;
    calls of :meth:`AsyncDatabase.run` interleave with whole batches, never inside one.
    """

    def __init__(
        self,
        adb: AsyncDatabase,
        fn: Callable[[Database, list[Item]], Sequence[T | BaseException]],
        *,
        max_items: int = 500,
    ) -> None:
        if max_items < 1:
            raise ValueError("max_items must be at least 1")
        self.adb = adb
        self.fn = fn
        self.max_items = max_items
        self.batches = 0  # calls of fn so far (for figures and tests)
        self._queue: list[tuple[Item, asyncio.Future[T]]] = []
        self._worker: asyncio.Task[None] | None = None

    def submit(self, item: Item) -> asyncio.Future[T]:
        """Queue ``item``; the future resolves once its batch is committed (cancelling it cancels no write)."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain(), name="db-group-commit")
        return future

    async def flush(self) -> None:
        """Wait until everything submitted so far has been committed (or failed)."""
        while self._worker is not None and not self._worker.done():
            await asyncio.shield(self._worker)

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self.max_items], self._queue[self.max_items :]
            items = [item for item, _ in batch]
            try:
                results: Sequence[T | BaseException] = await self.adb.run(self.fn, items)
                if len(results) != len(items):
                    raise RuntimeError(f"{self.fn!r} returned {len(results)} results for {len(items)} items")
            except Exception as exc:  # the whole call failed: nothing of this batch is known to be committed
                results = [exc] * len(items)
            self.batches += 1
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():  # the waiter gave up; its write stands
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
