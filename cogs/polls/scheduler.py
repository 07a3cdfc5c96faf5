"""Close polls at their deadline, across restarts: overdue ones at start, the others when due.

One process at a time closes polls: the one holding the ``polls.deadlines`` lease (``bot.leases``). The holder
re-reads the next deadline at least every ``lease.renew_every`` seconds, so a poll created or extended in
another process sharing the database still closes on time (within that delay).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from bot.db import AsyncDatabase
from bot.leases import Lease
from cogs.polls import store

log = logging.getLogger(__name__)

MAX_SLEEP = 300.0  # re-check at least this often (clock changes, missed wake-ups)
LEASE_NAME = "polls.deadlines"
LEASE_TTL = 30.0  # a crashed holder's polls are closed by another process within about 40 s


class DeadlineScheduler:
    """One task sleeping until the earliest open deadline; ``wake()`` after any deadline changes."""

    def __init__(
        self,
        db: AsyncDatabase,
        close: Callable[[int, int | None], Awaitable[bool]],
        ready: Callable[[], Awaitable[object]],
        *,
        lease: Lease | None = None,
    ) -> None:
        self.db = db
        self.close = close
        self.ready = ready
        self.lease = lease or Lease(db, LEASE_NAME, ttl=LEASE_TTL)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._release: asyncio.Task[None] | None = None
        self.closed_count = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="poll-deadlines")

    def stop(self) -> None:
        """Stop the loop and hand the lease over (in the background: callers need not await)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
            self._release = asyncio.get_running_loop().create_task(self.lease.release())

    def wake(self) -> None:
        self._wake.set()

    async def close_due(self) -> int:
        """Close every poll whose deadline has passed; return how many this call closed."""
        closed = 0
        for poll_id in await self.db.run(store.due_polls, time.time()):
            try:
                closed += bool(await self.close(poll_id, None))
            except Exception:
                log.exception("Closing poll %s at its deadline failed", poll_id)
        self.closed_count += closed
        return closed

    async def _loop(self) -> None:
        await self.ready()
        while True:
            self._wake.clear()  # before reading deadlines, so a wake() during the check is not lost
            _, deadline = await self.lease.attempt(self._round, "the poll deadline check")
            # the holder renews (and re-reads deadlines) this often; the others retry the lease as often
            delay = min(MAX_SLEEP, self.lease.renew_every)
            if deadline is not None:
                delay = max(0.05, min(delay, deadline - time.time()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def _round(self) -> float | None:
        """Close what is due; return the next deadline."""
        closed = await self.close_due()
        if closed:
            log.info("Closed %d poll(s) at their deadline", closed)
        return await self.db.run(store.next_deadline)
