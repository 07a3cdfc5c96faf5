"""One pace for every REST request the bot sends: a little under Discord's global limit, most urgent first.

Discord allows 50 requests per second per bot token, counting everything authenticated with the token except
interaction callbacks and follow-ups sent with the interaction's token. discord.py waits for per-route buckets,
but nothing stops 1,000 ``channel.send`` to 1,000 channels from leaving in the same second: every request past
the 50th is a global 429 — an invalid request (Discord bans a token for 10,000 in ten minutes) — and discord.py
then pauses *every* request until it passes. The pacer counts each request where discord.py hands it to aiohttp
(an aiohttp trace hook, after discord.py's own bucket waits), so it counts what actually leaves, when it leaves.

Lanes: a request waits in the lane of the task that sends it (``with lane(Lane.BULK): ...``). Free tokens go to
``INTERACTIVE`` (the default: whatever a member is waiting for) before ``BULK`` (the alert fan-out) before
``BACKGROUND`` (coalesced edits). Interaction responses are never paced: they go to ``/interactions/`` and
``/webhooks/``, which Discord exempts, so the 3-second deadline never waits behind a fan-out.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import itertools
import logging
import re
import time
import weakref
from collections.abc import Awaitable, Callable, Iterator
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    import discord

log = logging.getLogger(__name__)

DISCORD_GLOBAL_LIMIT = 50  # requests per second per bot token
RATE = DISCORD_GLOBAL_LIMIT * 0.92  # 46/s: in any one second at most BURST + RATE = 48 leave
BURST = 2
EPSILON = 1e-9  # a token short by less than this is a whole one (floating-point sums of elapsed time)
API_PATH = re.compile(r"/api/v\d+(/[^?#]*)")
EXEMPT = ("/interactions/", "/webhooks/")


class Lane(IntEnum):
    INTERACTIVE = 0
    BULK = 1
    BACKGROUND = 2


_LANE: contextvars.ContextVar[Lane] = contextvars.ContextVar("haikei_rest_lane", default=Lane.INTERACTIVE)


@contextlib.contextmanager
def lane(value: Lane) -> Iterator[None]:
    """Send the REST requests made inside (and in tasks created inside) in ``value``'s lane."""
    token = _LANE.set(value)
    try:
        yield
    finally:
        _LANE.reset(token)


def current_lane() -> Lane:
    return _LANE.get()


def is_paced(path: str) -> bool:
    """Whether a request to this URL path counts toward Discord's global limit."""
    match = API_PATH.search(path)
    return match is not None and not match.group(1).startswith(EXEMPT)


class RestPacer:
    """A token bucket (``rate`` per second, at most ``burst`` saved up) whose tokens go to the most urgent
    lane first, first come first served within a lane. ``clock`` and ``sleep`` are injectable for tests."""

    def __init__(
        self,
        rate: float = RATE,
        burst: int = BURST,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("the pacer needs a positive rate and a burst of at least 1")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.sleep = sleep
        self._tokens = float(burst)
        self._stamp = clock()
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []  # a heap of (lane, arrival, future)
        self._arrivals = itertools.count()
        self._dispatcher: asyncio.Task[None] | None = None
        self.granted = dict.fromkeys(Lane, 0)
        self.longest_wait = dict.fromkeys(Lane, 0.0)

    @property
    def waiting(self) -> int:
        return sum(not fut.done() for _, _, fut in self._waiters)

    def _refill(self) -> None:
        now = self.clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self, lane_: Lane | None = None) -> None:
        """Wait for a token in ``lane_`` (default: the caller's lane)."""
        which = current_lane() if lane_ is None else lane_
        self._refill()
        if not self._waiters and self._tokens >= 1 - EPSILON:
            self._tokens -= 1
            self.granted[which] += 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (int(which), next(self._arrivals), future))
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch(), name="rest-pacer")
        started = self.clock()
        await future
        self.longest_wait[which] = max(self.longest_wait[which], self.clock() - started)

    async def _dispatch(self) -> None:
        """Hand out tokens as they accrue while anyone waits (cancelled waiters are skipped)."""
        while self._waiters:
            self._refill()
            while self._tokens >= 1 - EPSILON and self._waiters:
                which, _, future = heapq.heappop(self._waiters)
                if future.done():
                    continue
                self._tokens -= 1
                self.granted[Lane(which)] += 1
                future.set_result(None)
            if self._waiters:
                await self.sleep(max((1 - self._tokens) / self.rate, 0.001))

    def trace_config(self) -> aiohttp.TraceConfig:
        """An aiohttp trace whose request-start hook waits for a token when the request counts."""

        async def on_request_start(
            session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestStartParams
        ) -> None:
            if is_paced(params.url.path):
                await self.acquire()

        config = aiohttp.TraceConfig()
        config.on_request_start.append(on_request_start)
        config.freeze()
        return config


_installed: weakref.WeakKeyDictionary[discord.Client, RestPacer] = weakref.WeakKeyDictionary()


def install(client: discord.Client, pacer: RestPacer | None = None) -> RestPacer:
    """Pace every REST request ``client`` sends; idempotent (returns the pacer already installed).

    Before login this sets discord.py's public ``http_trace``; after login (e.g. from a cog) it also adds the
    hook to the session discord.py already opened.
    """
    if client in _installed:
        return _installed[client]
    pacer = pacer or RestPacer()
    config = pacer.trace_config()
    http = client.http
    if http.http_trace is None:
        http.http_trace = config  # used by every session discord.py opens from now on
    session = getattr(http, "_HTTPClient__session", None)  # discord.py opens it at login
    if isinstance(session, aiohttp.ClientSession) and config not in session.trace_configs:
        session.trace_configs.append(config)
    elif http.http_trace is not config:
        log.warning("Another aiohttp trace is installed on the Discord client: REST requests are not paced")
    _installed[client] = pacer
    return pacer
