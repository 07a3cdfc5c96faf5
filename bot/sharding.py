"""Pacing of gateway IDENTIFYs across shards, as Discord requires.

Discord lets a bot IDENTIFY ``max_concurrency`` sessions per 5 seconds: a shard's rate-limit bucket is
``shard_id % max_concurrency``, and each bucket may IDENTIFY once per 5 s; one too early is answered with an
Invalid Session (op 9). discord.py's default ``before_identify_hook`` ignores ``max_concurrency`` and sleeps 5 s
before every IDENTIFY but the first; :class:`IdentifyPacer` waits only as long as the shard's own bucket needs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

IDENTIFY_INTERVAL = 5.0  # seconds between IDENTIFYs of one bucket (Discord's documented window)


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a server's events to."""
    return (guild_id >> 22) % shard_count


def describe_shards(shard_ids: list[int] | range | tuple[int, ...], shard_count: int) -> str:
    """``"0-3 of 4"`` / ``"1, 3 of 4"`` for the log."""
    ids = sorted(shard_ids)
    if ids and ids == list(range(ids[0], ids[-1] + 1)) and len(ids) > 1:
        return f"{ids[0]}-{ids[-1]} of {shard_count}"
    return f"{', '.join(map(str, ids))} of {shard_count}"


class IdentifyPacer:
    """At most one IDENTIFY per ``interval`` seconds per bucket (``shard_id % max_concurrency``).

    ``await wait(shard_id)`` returns when that shard may IDENTIFY and counts the IDENTIFY as sent. A refused
    IDENTIFY (another process of the bot used the bucket) brings discord.py back here, and the retry then waits
    a whole interval.
    """

    def __init__(
        self,
        interval: float = IDENTIFY_INTERVAL,
        max_concurrency: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self.max_concurrency = max(1, max_concurrency)
        self.clock = clock
        self.sleep = sleep
        self.waited = 0.0  # total seconds spent waiting (for the log and tests)
        self._last: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def bucket(self, shard_id: int | None) -> int:
        return (shard_id or 0) % self.max_concurrency

    async def wait(self, shard_id: int | None) -> None:
        bucket = self.bucket(shard_id)
        lock = self._locks.setdefault(bucket, asyncio.Lock())
        async with lock:
            last = self._last.get(bucket)
            if last is not None:
                delay = last + self.interval - self.clock()
                if delay > 0:
                    self.waited += delay
                    await self.sleep(delay)
            self._last[bucket] = self.clock()
