"""Alerts at scale: servers served concurrently, and "Also reported by" edits coalesced and sent last.

A story relevant to 1,000 servers is 1,000 posts, and each outlet that reports it later is 1,000 edits: at
Discord's 50 requests per second both take about 20 s. The poller decides and posts for ``SERVERS_AT_ONCE``
servers at a time (:func:`each`), so posts wait only for Discord's pace (``bot.pacing``, BULK lane), not for
each other's database work. Edits wait in :class:`EditQueue`, one entry per alert (a newer state replaces a
queued one, so an alert joined by three outlets meanwhile is edited once), and go out in the BACKGROUND lane:
a new story never waits behind the edits of an old one. Pure asyncio: the work itself is passed in.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from bot.pacing import Lane, lane

log = logging.getLogger(__name__)

WORKERS = 4  # edits in flight at once: enough to use every free token, few enough to yield to posts at once
SERVERS_AT_ONCE = 16  # enough to keep Discord's pace busy while others wait for the database
T = TypeVar("T")


async def each(
    items: Iterable[T],
    work: Callable[[T], Awaitable[Any]],
    *,
    limit: int = SERVERS_AT_ONCE,
    what: Callable[[T], str] = repr,
) -> None:
    """``await work(item)`` for every item, ``limit`` at a time; a failure is logged and the others go on."""
    pending = iter(items)

    async def worker() -> None:
        for item in pending:  # shared: each item goes to exactly one worker
            try:
                await work(item)
            except Exception:
                log.exception("Alert fan-out: %s failed", what(item))

    await asyncio.gather(*(worker() for _ in range(max(1, limit))))


class EditQueue:
    """Pending edits by alert id, sent by up to ``workers`` background tasks that end when the queue is empty."""

    def __init__(
        self,
        edit: Callable[[dict[str, Any]], Awaitable[None]],
        *,
        workers: int = WORKERS,
        stopped: Callable[[], bool] = lambda: False,
    ) -> None:
        self._edit = edit
        self._workers = workers
        self._stopped = stopped
        self._pending: dict[int, dict[str, Any]] = {}  # alert id -> its newest state, oldest first
        self._in_flight: dict[int, Any] = {}  # alert id -> the change (edit_pending) being sent
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self.submitted = 0
        self.coalesced = 0  # submissions merged into an edit already waiting
        self.edited = 0
        self.failed = 0

    def __len__(self) -> int:
        return len(self._pending) + len(self._in_flight)

    def submit(self, alerts: Iterable[dict[str, Any]]) -> None:
        """Queue one edit per alert; an alert already waiting keeps its place and takes the newer state."""
        for alert in alerts:
            change = alert.get("edit_pending")
            if (
                change is not None
                and alert["id"] in self._in_flight
                and self._in_flight[alert["id"]] == change
            ):
                continue  # this very change is being sent right now
            self.submitted += 1
            if alert["id"] in self._pending:
                self.coalesced += 1
            self._pending[alert["id"]] = alert
        while self._pending and len(self._tasks) < self._workers:
            self._idle.clear()
            task = asyncio.create_task(self._work(), name="alerts-edits")
            self._tasks.add(task)
            task.add_done_callback(self._finished)

    async def join(self) -> None:
        """Wait until every queued edit was sent (or failed)."""
        await self._idle.wait()

    async def close(self) -> None:
        """Drop what is queued and stop the workers."""
        self._pending.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _next(self) -> dict[str, Any] | None:
        for alert_id, alert in self._pending.items():
            if alert_id not in self._in_flight:  # never two edits of one message at once
                del self._pending[alert_id]
                return alert
        return None

    async def _work(self) -> None:
        with lane(Lane.BACKGROUND):
            while not self._stopped() and (alert := self._next()) is not None:
                self._in_flight[alert["id"]] = alert.get("edit_pending")
                try:
                    await self._edit(alert)
                    self.edited += 1
                except Exception:
                    self.failed += 1
                    log.exception("Could not edit alert %s", alert["id"])
                finally:
                    self._in_flight.pop(alert["id"], None)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._pending and not self._stopped() and not task.cancelled():
            self.submit(())  # an alert skipped while in flight is still waiting: keep a worker for it
        elif not self._tasks:
            self._idle.set()
