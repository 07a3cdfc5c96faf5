"""Leases: one owner at a time, taken over only after expiry, renewed while held, work stopped when lost."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot import leases
from bot.db import AsyncDatabase, apply_migrations, open_database
from bot.leases import Lease, LeaseLost, acquire, holder, release, renew
from bot.migrations import core


@pytest.fixture
def path(tmp_path: Path) -> Path:
    db = open_database(tmp_path / "leases.db")
    apply_migrations(db, core)
    db.conn.close()
    return tmp_path / "leases.db"


@pytest.fixture
def two(path: Path) -> Iterator[tuple[Database, Database]]:
    """Two connections to one database file, as two processes have."""
    a, b = open_database(path), open_database(path)
    yield a, b
    a.conn.close()
    b.conn.close()


def test_one_owner_at_a_time_until_expiry(two: tuple[Database, Database]) -> None:
    a, b = two
    assert acquire(a, "job", "A", ttl=10, now=100)
    assert not acquire(b, "job", "B", ttl=10, now=105)  # held by A
    assert holder(b, "job", now=105) == "A"
    assert acquire(a, "job", "A", ttl=10, now=108)  # A extends its own lease: now until 118
    assert not acquire(b, "job", "B", ttl=10, now=115)
    assert acquire(b, "job", "B", ttl=10, now=118)  # expired: B takes it over
    assert holder(a, "job", now=118) == "B"
    assert not acquire(a, "job", "A", ttl=10, now=119)
    assert acquire(a, "other", "A", ttl=10, now=119)  # leases are independent by name


def test_renew_only_extends_an_unexpired_lease_of_ones_own(two: tuple[Database, Database]) -> None:
    a, b = two
    assert acquire(a, "job", "A", ttl=10, now=0)
    assert not renew(b, "job", "B", ttl=10, now=5)
    assert renew(a, "job", "A", ttl=10, now=5)  # until 15
    assert not renew(a, "job", "A", ttl=10, now=15)  # expired: it must be acquired again
    assert holder(a, "job", now=15) is None
    assert not renew(a, "missing", "A", ttl=10, now=0)


def test_release_hands_over_at_once_and_only_by_the_holder(two: tuple[Database, Database]) -> None:
    a, b = two
    assert acquire(a, "job", "A", ttl=60, now=0)
    assert not release(b, "job", "B")
    assert holder(a, "job", now=1) == "A"
    assert release(a, "job", "A")
    assert acquire(b, "job", "B", ttl=60, now=1)


def test_racing_processes_never_both_win(path: Path) -> None:
    """Eight connections race for one free lease many times: exactly one wins each round."""
    rounds, racers = 40, 8
    connections = [open_database(path) for _ in range(racers)]
    winners: list[list[str]] = [[] for _ in range(rounds)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(racers, timeout=30)

    def race(n: int) -> None:
        try:
            for r in range(rounds):
                barrier.wait()
                if acquire(connections[n], f"round-{r}", f"owner-{n}", ttl=60, now=1000):
                    winners[r].append(f"owner-{n}")
        except BaseException as exc:  # reported below; the barrier breaks, so no thread waits forever
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for db in connections:
        db.conn.close()
    assert [e for e in errors if not isinstance(e, threading.BrokenBarrierError)] == []
    assert [len(w) for w in winners] == [1] * rounds


def test_owner_ids_are_per_database_object_and_name_the_process() -> None:
    first, second = object.__new__(AsyncDatabase), object.__new__(AsyncDatabase)
    assert leases.owner_for(first) == leases.owner_for(first)
    assert leases.owner_for(first) != leases.owner_for(second)
    assert f":{os.getpid()}:" in leases.owner_for(first)


@pytest.fixture
async def adbs(path: Path) -> AsyncIterator[tuple[AsyncDatabase, AsyncDatabase]]:
    a, b = AsyncDatabase(open_database(path)), AsyncDatabase(open_database(path))
    yield a, b
    await a.close()
    await b.close()


async def test_lease_helper_takes_renews_and_releases(adbs: tuple[AsyncDatabase, AsyncDatabase]) -> None:
    a, b = adbs
    first, second = Lease(a, "job", ttl=30), Lease(b, "job", ttl=30)
    assert first.owner != second.owner  # two database objects: two owners, as two processes
    assert await first.hold() and first.held
    assert not await second.hold() and not second.held
    assert await first.hold()  # still ours: extended
    await first.release()
    assert not first.held
    assert await second.hold()
    assert await b.run(holder, "job") == second.owner


class CountingLease(Lease):
    """A lease that says when it was renewed, so a test can wait for renewals instead of sleeping."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.renewals = 0
        self.renewed = asyncio.Event()

    async def hold(self) -> bool:
        held = await super().hold()
        self.renewals += 1
        self.renewed.set()
        return held


async def test_run_keeps_the_lease_while_the_work_lasts(adbs: tuple[AsyncDatabase, AsyncDatabase]) -> None:
    """Work outlasting the ttl: renewed meanwhile, so the other owner never gets it."""
    a, b = adbs
    lease, other = CountingLease(a, "job", ttl=0.3), Lease(b, "job", ttl=0.3)
    assert await lease.hold()
    first_expiry = await a.run(lambda db: db.execute("SELECT expires_at FROM leases").fetchone()[0])
    attempts: list[bool] = []

    async def work() -> str:
        while lease.renewals < 5:  # four renewals by run(), every ttl / 3: longer than the ttl
            lease.renewed.clear()
            await lease.renewed.wait()
            attempts.append(await other.hold())
        return "done"

    assert await asyncio.wait_for(lease.run(work), timeout=10) == "done"
    assert attempts == [False] * 4
    expiry = await a.run(lambda db: db.execute("SELECT expires_at FROM leases").fetchone()[0])
    assert expiry > first_expiry + 0.3  # renewed past the first ttl
    assert await a.run(holder, "job") == lease.owner


async def test_run_stops_the_work_once_the_lease_is_someone_elses(
    adbs: tuple[AsyncDatabase, AsyncDatabase],
) -> None:
    a, b = adbs
    lease = Lease(a, "job", ttl=0.3)
    assert await lease.hold()
    started, stopped = asyncio.Event(), asyncio.Event()

    async def work() -> None:
        started.set()
        try:
            await asyncio.Event().wait()  # would run forever
        finally:
            stopped.set()

    def hand_to_a_thief(db: Database) -> None:
        with db.conn:
            db.execute("UPDATE leases SET owner = 'thief'")

    async def steal() -> None:
        await started.wait()
        await b.run(hand_to_a_thief)

    thief = asyncio.create_task(steal())
    with pytest.raises(LeaseLost):
        await asyncio.wait_for(lease.run(work), timeout=5)
    await thief
    assert stopped.is_set() and not lease.held


async def test_run_passes_the_works_own_error_through(adbs: tuple[AsyncDatabase, AsyncDatabase]) -> None:
    lease = Lease(adbs[0], "job", ttl=30)
    assert await lease.hold()

    async def broken() -> None:
        raise ValueError("feed exploded")

    with pytest.raises(ValueError, match="feed exploded"):
        await lease.run(broken)
    assert lease.held


async def test_attempt_runs_the_round_only_for_the_holder_and_never_raises(
    adbs: tuple[AsyncDatabase, AsyncDatabase], caplog: pytest.LogCaptureFixture
) -> None:
    """What a background loop calls each round: the holder runs the work; the other process, a failing round
    and a round stopped by a lost lease all come back as (False, None), logged, so the loop goes on."""
    a, b = adbs
    lease, other = Lease(a, "job", ttl=30), Lease(b, "job", ttl=30)

    async def work() -> str:
        return "done"

    async def broken() -> str:
        raise ValueError("feed exploded")

    assert await lease.attempt(work, "the test round") == (True, "done")
    assert await other.attempt(work, "the test round") == (False, None)  # held by the first owner
    assert await lease.attempt(broken, "the test round") == (False, None)
    assert "The test round failed (lease job)" in caplog.text and "feed exploded" in caplog.text
    assert lease.held  # a failed round keeps the lease: the next round tries again

    short = Lease(a, "short", ttl=0.3)
    started = asyncio.Event()

    async def forever() -> str:
        started.set()
        await asyncio.Event().wait()
        return "never"

    def hand_to_a_thief(db: Database) -> None:
        with db.conn:
            db.execute("UPDATE leases SET owner = 'thief' WHERE name = 'short'")

    async def steal() -> None:
        await started.wait()
        await b.run(hand_to_a_thief)

    thief = asyncio.create_task(steal())
    assert await asyncio.wait_for(short.attempt(forever, "the long round"), timeout=5) == (False, None)
    await thief
    assert "Lease short passed to another process during the long round" in caplog.text


def test_a_lease_needs_a_positive_ttl() -> None:
    with pytest.raises(ValueError):
        Lease(object.__new__(AsyncDatabase), "job", ttl=0)
