"""Close polls at their deadline, across restarts: overdue ones at start, the others when due."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from bot.db import AsyncDatabase
from cogs.polls import store

log = logging.getLogger(__name__)

MAX_SLEEP = 300.0  # re-check at least this often (clock changes, missed wake-ups)


class DeadlineScheduler:
    """One task sleeping until the earliest open deadline; ``wake()`` after any deadline changes."""

    def __init__(
        self,
        db: AsyncDatabase,
        close: Callable[[int, int | None], Awaitable[bool]],
        ready: Callable[[], Awaitable[object]],
    ) -> None:
        self.db = db
        self.close = close
        self.ready = ready
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.closed_count = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="poll-deadlines")

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

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
            try:
                closed = await self.close_due()
                if closed:
                    log.info("Closed %d poll(s) at their deadline", closed)
                deadline = await self.db.run(store.next_deadline)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Poll deadline check failed; retrying")
                deadline = None
            delay = MAX_SLEEP if deadline is None else max(0.05, min(MAX_SLEEP, deadline - time.time()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
