"""The REST pacer: its pace, its lanes, which requests it counts, and how it attaches to discord.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from aiohttp import web

from bot import pacing
from bot.pacing import Lane, RestPacer, is_paced, lane


class FakeTime:
    """A clock that moves only when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def pacer(rate: float, burst: int) -> tuple[RestPacer, FakeTime]:
    time = FakeTime()
    return RestPacer(rate, burst, clock=time.clock, sleep=time.sleep), time


async def test_never_more_than_burst_plus_rate_in_any_second() -> None:
    p, time = pacer(rate=10, burst=2)
    granted: list[float] = []

    async def request() -> None:
        await p.acquire()
        granted.append(time.now)

    await asyncio.gather(*(request() for _ in range(45)))
    assert len(granted) == 45
    assert granted[:2] == [0.0, 0.0]  # the saved-up burst goes at once, then one every 1/rate s
    for start in granted:
        assert sum(start <= t < start + 1.0 for t in granted) <= 12
    assert granted[-1] == pytest.approx(4.3)


async def test_tokens_go_to_the_most_urgent_lane_first_in_arrival_order() -> None:
    p, _ = pacer(rate=10, burst=1)
    await p.acquire()  # the only token: everything below waits
    order: list[str] = []

    async def request(name: str, which: Lane) -> None:
        await p.acquire(which)
        order.append(name)

    arrivals = [
        ("edit1", Lane.BACKGROUND),
        ("post1", Lane.BULK),
        ("edit2", Lane.BACKGROUND),
        ("post2", Lane.BULK),
        ("command", Lane.INTERACTIVE),
    ]
    await asyncio.gather(*(request(name, which) for name, which in arrivals))
    assert order == ["command", "post1", "post2", "edit1", "edit2"]
    assert p.granted == {Lane.INTERACTIVE: 2, Lane.BULK: 2, Lane.BACKGROUND: 2}


async def test_the_lane_comes_from_the_caller_context() -> None:
    p, _ = pacer(rate=10, burst=1)
    await p.acquire()
    with lane(Lane.BULK):
        bulk = asyncio.create_task(p.acquire())  # the task inherits the lane
    command = asyncio.create_task(p.acquire())
    await asyncio.gather(bulk, command)
    assert p.granted == {Lane.INTERACTIVE: 2, Lane.BULK: 1, Lane.BACKGROUND: 0}
    assert pacing.current_lane() is Lane.INTERACTIVE


async def test_a_cancelled_waiter_gives_its_turn_to_the_next() -> None:
    p, _ = pacer(rate=10, burst=1)
    await p.acquire()
    first = asyncio.create_task(p.acquire(Lane.BULK))
    second = asyncio.create_task(p.acquire(Lane.BULK))
    await asyncio.sleep(0)
    first.cancel()
    await second
    assert first.cancelled() and p.granted[Lane.BULK] == 1 and p.waiting == 0


def test_only_requests_counted_by_discords_global_limit_are_paced() -> None:
    assert is_paced("/api/v10/channels/1/messages")
    assert is_paced("/api/v10/gateway/bot")
    assert is_paced("/proxy/api/v9/guilds/1/members")
    assert not is_paced("/api/v10/interactions/1/token/callback")
    assert not is_paced("/api/v10/webhooks/2/token/messages/@original")
    assert not is_paced("/attachments/1/2/image.png")  # the CDN


@pytest.fixture
async def api() -> AsyncIterator[str]:
    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", ok)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    await runner.cleanup()


async def test_the_trace_hook_counts_api_requests_and_skips_interaction_ones(api: str) -> None:
    p = RestPacer(rate=1000, burst=5)
    async with aiohttp.ClientSession(trace_configs=[p.trace_config()]) as session:
        for path in ("/api/v10/channels/1/messages", "/api/v10/interactions/1/t/callback", "/cdn/x.png"):
            async with session.post(api + path) as response:
                assert response.status == 200
        with lane(Lane.BACKGROUND):
            async with session.patch(api + "/api/v10/channels/1/messages/2") as response:
                assert response.status == 200
    assert p.granted == {Lane.INTERACTIVE: 1, Lane.BULK: 0, Lane.BACKGROUND: 1}


async def test_install_is_idempotent_and_uses_discord_pys_http_trace() -> None:
    client = discord.Client(intents=discord.Intents.none())
    try:
        mine = RestPacer(rate=5, burst=1)
        assert pacing.install(client, mine) is mine
        assert pacing.install(client) is mine
        assert client.http.http_trace is not None  # discord.py opens its session with it at login
    finally:
        await client.close()
