"""Coalesce live-count edits: at most one poll-message edit per poll every ``interval`` seconds."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class LiveUpdater:
    """``mark(poll_id)`` after each vote; the refresh runs at once if none ran lately, else when due.

    ``clock`` and ``sleep`` measure and wait out the interval (``time.monotonic`` and ``asyncio.sleep``; tests
    pass their own to decide when the interval has passed)."""

    def __init__(
        self,
        refresh: Callable[[int], Awaitable[None]],
        interval: float = 5.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.refresh = refresh
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._pending: dict[int, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # waiting or editing
        self._last: dict[int, float] = {}

    def mark(self, poll_id: int) -> None:
        """Note that ``poll_id`` changed; schedules one refresh unless one is already waiting."""
        if poll_id in self._pending:
            return
        delay = max(0.0, self._last.get(poll_id, float("-inf")) + self.interval - self.clock())
        task = asyncio.create_task(self._run(poll_id, delay), name=f"poll-live-{poll_id}")
        self._pending[poll_id] = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, poll_id: int, delay: float) -> None:
        await self.sleep(delay)
        self._pending.pop(poll_id, None)  # votes arriving during the edit schedule the next one
        self._last[poll_id] = self.clock()
        try:
            await self.refresh(poll_id)
        except Exception:
            log.exception("Live update of poll %s failed", poll_id)

    async def flush(self) -> None:
        """Wait for the refreshes already scheduled (tests, shutdown)."""
        while self._pending:
            await asyncio.gather(*list(self._pending.values()), return_exceptions=True)

    async def idle(self) -> None:
        """Wait until no refresh is waiting or editing: nothing more is edited until the next ``mark``."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def cancel(self) -> None:
        """Stop every refresh, waiting or already editing (the cog is unloading: the bot is stopping)."""
        for task in self._tasks:
            task.cancel()
        self._pending.clear()
