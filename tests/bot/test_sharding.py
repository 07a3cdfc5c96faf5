"""IDENTIFY pacing per rate-limit bucket, and the shard arithmetic Discord routes servers by."""

from __future__ import annotations

import asyncio

import pytest

from bot.sharding import IdentifyPacer, describe_shards, shard_of


class FakeTime:
    """A clock that only moves when the pacer sleeps, so the test sees exactly how long it waited."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def pacer(time: FakeTime, *, interval: float = 5.0, max_concurrency: int = 1) -> IdentifyPacer:
    return IdentifyPacer(interval, max_concurrency, clock=time.clock, sleep=time.sleep)


async def test_one_bucket_identifies_once_per_interval() -> None:
    time = FakeTime()
    p = pacer(time)
    for shard in range(3):
        await p.wait(shard)
    assert time.sleeps == [5.0, 5.0]  # the first shard at once, then one per 5 s
    time.now += 2
    await p.wait(0)  # a re-IDENTIFY 2 s after the last one waits the remaining 3 s
    assert time.sleeps[-1] == 3.0
    assert p.waited == 13.0


async def test_shards_in_different_buckets_do_not_wait_for_each_other() -> None:
    time = FakeTime()
    p = pacer(time, max_concurrency=4)
    for shard in range(4):
        await p.wait(shard)
    assert time.sleeps == []  # buckets 0..3 each start once
    await p.wait(4)  # bucket 0 again
    assert time.sleeps == [5.0]
    assert [p.bucket(s) for s in (0, 5, 7, None)] == [0, 1, 3, 0]


async def test_concurrent_waits_in_one_bucket_are_serialised() -> None:
    time = FakeTime()
    p = pacer(time, interval=1.0)
    await asyncio.gather(p.wait(0), p.wait(2), p.wait(4))
    assert time.sleeps == [1.0, 1.0]


async def test_no_interval_means_no_waiting() -> None:
    time = FakeTime()
    p = pacer(time, interval=0)
    for shard in range(5):
        await p.wait(shard)
    assert time.sleeps == []


@pytest.mark.parametrize(
    ("guild_id", "count", "shard"),
    [
        (41771983423143937, 1, 0),
        (41771983423143937, 2, 0),
        (41771983423143937, 10, 4),
        (1 << 22, 2, 1),
        (0, 3, 0),
    ],
)
def test_shard_of_follows_discords_formula(guild_id: int, count: int, shard: int) -> None:
    assert shard_of(guild_id, count) == shard == (guild_id >> 22) % count


def test_describe_shards() -> None:
    assert describe_shards(range(4), 4) == "0-3 of 4"
    assert describe_shards([3, 1], 4) == "1, 3 of 4"
    assert describe_shards([0], 1) == "0 of 1"
