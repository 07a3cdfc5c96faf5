"""GroupCommit: many writes per call on the database thread, each waiter told its own result."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.db import AsyncDatabase, open_database


@pytest.fixture
async def adb(tmp_path: Path) -> AsyncIterator[AsyncDatabase]:
    database = AsyncDatabase(open_database(tmp_path / "g.db"))
    await database.run(lambda db: db.execute("CREATE TABLE items (n INTEGER PRIMARY KEY)"))
    yield database
    await database.close()


class Recorder:
    """A batch function that inserts its items in one transaction and remembers each call."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []
        self.threads: set[str] = set()

    def __call__(self, db: Database, items: list[int]) -> list[int | BaseException]:
        self.calls.append(list(items))
        self.threads.add(threading.current_thread().name)
        results: list[int | BaseException] = []
        with db.conn:
            for n in items:
                if n < 0:
                    results.append(ValueError(f"bad item {n}"))
                    continue
                db.execute("INSERT INTO items (n) VALUES (?)", [n])
                results.append(n * 10)
        return results


async def stored(adb: AsyncDatabase) -> list[int]:
    return await adb.run(lambda db: [r[0] for r in db.execute("SELECT n FROM items ORDER BY n")])


async def test_items_submitted_together_share_one_call_and_each_gets_its_result(adb: AsyncDatabase) -> None:
    fn = Recorder()
    batch = adb.group_commit(fn)
    futures = [batch.submit(n) for n in (3, 1, 2)]
    assert await asyncio.gather(*futures) == [30, 10, 20]
    assert fn.calls == [[3, 1, 2]]
    assert {name.split("_")[0] for name in fn.threads} == {"sqlite"}
    assert await stored(adb) == [1, 2, 3]


async def test_items_arriving_during_a_commit_form_the_next_batch(adb: AsyncDatabase) -> None:
    started, release = threading.Event(), threading.Event()
    fn = Recorder()

    def slow_first(db: Database, items: list[int]) -> list[int | BaseException]:
        if not fn.calls:
            started.set()
            release.wait()
        return fn(db, items)

    batch = adb.group_commit(slow_first)
    first = batch.submit(1)
    await asyncio.get_running_loop().run_in_executor(None, started.wait)
    later = [batch.submit(n) for n in (2, 3, 4)]
    release.set()
    assert await asyncio.gather(first, *later) == [10, 20, 30, 40]
    assert fn.calls == [[1], [2, 3, 4]]


async def test_one_bad_item_fails_alone(adb: AsyncDatabase) -> None:
    batch = adb.group_commit(Recorder())
    good, bad, other = batch.submit(1), batch.submit(-1), batch.submit(2)
    assert await good == 10 and await other == 20
    with pytest.raises(ValueError, match="bad item -1"):
        await bad
    assert await stored(adb) == [1, 2]


async def test_a_failing_call_fails_its_whole_batch_and_the_next_one_still_runs(adb: AsyncDatabase) -> None:
    fn = Recorder()

    def broken_once(db: Database, items: list[int]) -> list[int | BaseException]:
        if not fn.calls:
            fn.calls.append(items)
            raise OSError("disk full")
        return fn(db, items)

    batch = adb.group_commit(broken_once)
    failed = [batch.submit(n) for n in (1, 2)]
    for future in failed:
        with pytest.raises(OSError, match="disk full"):
            await future
    assert await batch.submit(3) == 30
    assert await stored(adb) == [3]


async def test_a_wrong_number_of_results_is_an_error_for_every_item(adb: AsyncDatabase) -> None:
    batch = adb.group_commit(lambda _db, items: items[:1])
    futures = [batch.submit(n) for n in (1, 2)]
    for future in futures:
        with pytest.raises(RuntimeError, match="1 results for 2 items"):
            await future


async def test_max_items_splits_a_burst_in_order(adb: AsyncDatabase) -> None:
    fn = Recorder()
    batch = adb.group_commit(fn, max_items=2)
    assert await asyncio.gather(*[batch.submit(n) for n in range(1, 6)]) == [10, 20, 30, 40, 50]
    assert fn.calls == [[1, 2], [3, 4], [5]]
    assert batch.batches == 3


async def test_a_waiter_that_gives_up_cancels_no_write(adb: AsyncDatabase) -> None:
    batch = adb.group_commit(Recorder())
    abandoned = batch.submit(7)
    abandoned.cancel()
    kept = batch.submit(8)
    await batch.flush()
    assert kept.result() == 80
    assert await stored(adb) == [7, 8]


async def test_max_items_must_be_positive(adb: AsyncDatabase) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        adb.group_commit(Recorder(), max_items=0)
