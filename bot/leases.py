"""Leases: a job that must run once per bot (the feed poller, poll deadlines) runs in one process at a time,
even when several processes (shard ranges) share the database.

A lease is a row of ``leases`` (name, owner, expires_at). :func:`acquire` takes it when it is free or expired
and extends it when the caller already holds it, in one SQL statement, so two processes racing for it can never
both win. The holder renews it well before it expires; a process that crashed stops renewing, and its lease
passes to another process once it has expired. Times are wall-clock seconds (``time.time()``), the one clock
that processes on a machine share through the database.

The store functions take a sqlite-utils ``Database`` first, like every store (``await bot.db.run(acquire, …)``);
:class:`Lease` wraps them for a background loop. :func:`exclusive_start` is the one lock that is not a lease:
processes starting together set the database up (migrations, seeds, command sync) one after the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlite_utils import Database

from bot.db import transaction

try:
    import fcntl
except ImportError:  # not on POSIX: no start lock (Haikei is deployed on Linux)
    fcntl = None

log = logging.getLogger(__name__)

T = TypeVar("T")


class LeaseLost(Exception):
    """The lease passed to another owner while its holder was still working; the work was stopped."""


# ----- store functions (run on the database thread) -------------------------------------------


def acquire(db: Database, name: str, owner: str, ttl: float, now: float | None = None) -> bool:
    """Take lease ``name`` for ``ttl`` seconds if it is free, expired or already ``owner``'s; True if held."""
    now = time.time() if now is None else now
    with transaction(db):
        db.execute(
            """INSERT INTO leases (name, owner, expires_at, acquired_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (name) DO UPDATE SET
                   acquired_at = CASE WHEN leases.owner = excluded.owner
                                      THEN leases.acquired_at ELSE excluded.acquired_at END,
                   owner = excluded.owner,
                   expires_at = excluded.expires_at
               WHERE leases.owner = excluded.owner OR leases.expires_at <= excluded.acquired_at""",
            [name, owner, now + ttl, now],
        )
        row = db.execute("SELECT owner FROM leases WHERE name = ?", [name]).fetchone()
    return row is not None and row[0] == owner


def renew(db: Database, name: str, owner: str, ttl: float, now: float | None = None) -> bool:
    """Extend ``owner``'s lease by ``ttl`` from now; False (and nothing changes) if it expired or is not theirs."""
    now = time.time() if now is None else now
    with transaction(db):
        cursor = db.execute(
            "UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ? AND expires_at > ?",
            [now + ttl, name, owner, now],
        )
    return cursor.rowcount == 1


def release(db: Database, name: str, owner: str) -> bool:
    """Give the lease up at once (a clean stop), so another process need not wait for it to expire."""
    with transaction(db):
        cursor = db.execute("DELETE FROM leases WHERE name = ? AND owner = ?", [name, owner])
    return cursor.rowcount == 1


def holder(db: Database, name: str, now: float | None = None) -> str | None:
    """Who holds lease ``name`` now (None when nobody does or it expired)."""
    now = time.time() if now is None else now
    row = db.execute("SELECT owner FROM leases WHERE name = ? AND expires_at > ?", [name, now]).fetchone()
    return row[0] if row else None


# ----- owners ----------------------------------------------------------------------------------


def new_owner_id() -> str:
    """A random owner id naming the machine and process (for the log), unique even across restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


_owners: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def owner_for(database: Any) -> str:
    """The owner id of the bot that uses ``database`` (its ``AsyncDatabase``; one per bot process).

    Background jobs get it from the database object they are given, so two bots in one test process (each with
    its own connection) are two owners, exactly like two processes.
    """
    owner = _owners.get(database)
    if owner is None:
        owner = _owners[database] = new_owner_id()
    return owner


# ----- the helper a background loop uses -------------------------------------------------------


class Runner(Protocol):
    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...


class Lease:
    """Lease ``name`` for one owner: ``await hold()`` each round (takes or extends it), ``await run(work)`` for
    the work (renewed every ``ttl / 3`` meanwhile; the work is cancelled with :class:`LeaseLost` if the lease
    passes to someone else), ``await release()`` on a clean stop."""

    def __init__(
        self,
        db: Runner,
        name: str,
        ttl: float,
        *,
        owner: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if ttl <= 0:
            raise ValueError("a lease needs a positive ttl")
        self.db = db
        self.name = name
        self.ttl = ttl
        self.owner = owner or owner_for(db)
        self.clock = clock
        self.held = False
        self.expires_at = 0.0

    @property
    def renew_every(self) -> float:
        """How often the holder renews (and a waiting process retries): a third of the ttl."""
        return self.ttl / 3

    async def hold(self) -> bool:
        """Take the lease or extend it; True while this owner holds it. Logs when it is gained or lost."""
        now = self.clock()
        held = bool(await self.db.run(acquire, self.name, self.owner, self.ttl, now))
        if held and not self.held:
            log.info("Lease %s taken by %s: this process runs it", self.name, self.owner)
        elif self.held and not held:
            log.warning("Lease %s lost by %s: another process runs it now", self.name, self.owner)
        self.held = held
        self.expires_at = now + self.ttl if held else 0.0
        return held

    async def release(self) -> None:
        """Hand the lease over at once, if this owner has it (best effort: otherwise it simply expires).

        Asked even when ``held`` is False: a renewal cancelled mid-flight may still have taken it.
        """
        self.held = False
        try:
            released = await self.db.run(release, self.name, self.owner)
        except Exception:
            log.debug("Could not release lease %s; it will expire", self.name, exc_info=True)
            return
        if released:
            log.info("Lease %s released by %s", self.name, self.owner)

    async def run(self, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run ``work()`` while keeping the lease renewed; stop it (LeaseLost) once the lease is not ours.

        The work runs as its own task, renewed around every ``renew_every`` seconds. A renewal that fails with an
        error (a locked database) counts as held until our last renewal expires: from then on another process
        may hold the lease, so the work is cancelled rather than risk doing it twice.
        """
        task = asyncio.create_task(work(), name=f"lease-{self.name}")
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.renew_every)
                if task in done:
                    return task.result()
                try:
                    still_ours = await self.hold()
                except Exception:
                    log.warning("Could not renew lease %s", self.name, exc_info=True)
                    still_ours = self.clock() < self.expires_at
                if not still_ours:
                    self.held = False
                    raise LeaseLost(self.name)
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def attempt(self, work: Callable[[], Coroutine[Any, Any, T]], what: str) -> tuple[bool, T | None]:
        """One round of a background loop: when this owner holds (or can take) the lease, ``run`` the work.

        ``(True, result)`` when the work ran to its end; ``(False, None)`` when another process holds the lease,
        when the lease passed to another process mid-way (the work was stopped), or when the work failed. Failures
        are logged, naming ``what``, and the loop goes on: the next round tries again.
        """
        try:
            if await self.hold():
                return True, await self.run(work)
        except LeaseLost:
            log.warning("Lease %s passed to another process during %s, which was stopped", self.name, what)
        except Exception:
            log.exception("%s failed (lease %s); the next round tries again", what.capitalize(), self.name)
        return False, None


# ----- starting next to other processes ---------------------------------------------------------


@contextlib.asynccontextmanager
async def exclusive_start(database_path: Path | str | None, *, poll: float = 0.1) -> AsyncIterator[None]:
    """Hold an advisory lock on ``<database>-start-lock`` while setting the shared database up.

    Migrations are not safe to run from two processes at once (both see a step pending, the second fails), nor
    is a first seed; shard ranges started together therefore take turns. The operating system drops the lock
    when its process dies, so a crashed start never blocks the next one. No lock for an in-memory database.
    """
    if database_path is None or str(database_path) == ":memory:" or fcntl is None:
        yield
        return
    lock_path = Path(f"{database_path}-start-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    log.info("Another process is setting up %s; waiting for it", database_path)
                    waited = True
                await asyncio.sleep(poll)
        yield
    finally:
        os.close(fd)  # releases the lock
