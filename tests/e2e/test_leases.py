"""Two Haikei processes (shard 0 and shard 1 of two) on one database: the once-per-bot jobs run in one of them.

Each bot has its own database connection, as a process would. The feed poller and the poll deadline scheduler
run only in the process holding their lease; when that process's job dies without handing the lease over (a
crash), the other process takes over once the lease has expired, and nothing is posted twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot import leases
from bot.client import Haikei
from bot.settings import Settings
from cogs.alerts import store
from emulator.emulator import Emulator
from emulator.entities import Guild
from tests.cogs.alerts.feedserver import FeedServer, rss
from tests.cogs.polls.e2e_support import create
from tests.e2e.helpers import assert_clean, running_haikei
from tests.e2e.shard_support import Shards, sharded_emulator

pytestmark = pytest.mark.e2e

STORIES = (
    "Toei Animation admits generative AI backgrounds in new anime",
    "Studio MAPPA denies using generative AI for anime key art",
    "Publisher pulls manga cover made with generative AI art",
)
TICK = 0.05  # the poller loop's tick in these tests
POLLER_TTL = 1.0  # = TICK * LEASE_TICKS below
DEADLINE_TTL = 1.0


@pytest.fixture
async def shards() -> AsyncIterator[Shards]:
    async with sharded_emulator(0.05) as started:
        yield started


@pytest.fixture
def emulator(shards: Shards) -> Emulator:
    return shards.emulator


@pytest.fixture
async def pair(
    settings: Settings, shards: Shards, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Haikei, Haikei]]:
    """Process A runs shard 0 and starts first (so it takes the leases); process B runs shard 1. One database."""
    # The modules the bots will use: unloading an extension drops its modules from sys.modules, so a start
    # after another test's bot stopped imports them afresh (and `cogs.polls` attributes may be stale).
    poller_module = importlib.import_module("cogs.alerts.poller")
    scheduler_module = importlib.import_module("cogs.polls.scheduler")
    monkeypatch.setattr(poller_module, "TICK_BOUNDS", (TICK, TICK))
    monkeypatch.setattr(poller_module, "LEASE_TICKS", round(POLLER_TTL / TICK))
    monkeypatch.setattr(scheduler_module, "LEASE_TTL", DEADLINE_TTL)
    first = settings.with_overrides(shard_count=2, shard_ids=(0,))
    second = settings.with_overrides(shard_count=2, shard_ids=(1,))
    async with running_haikei(first, shards.emulator) as a:
        # A's jobs take their leases as they start; make sure they have before B exists (idempotent for A)
        assert await a.get_cog("Alerts").poller.lease.hold()  # type: ignore[union-attr]
        assert await a.get_cog("Polls").scheduler.lease.hold()  # type: ignore[union-attr]
        async with running_haikei(second, shards.emulator) as b:
            yield a, b


async def crash(task: asyncio.Task[Any] | None) -> None:
    """End a job's task the way a crash would: no clean stop, so its lease is not handed over."""
    assert task is not None
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def execute(sql: str, *params: Any) -> Any:
    """A store-style function running one committed statement (for ``bot.db.run``)."""

    def write(db: Any) -> None:
        with db.conn:
            db.execute(sql, list(params))

    return write


def count_fetches(poller: Any) -> list[str]:
    """Record every feed URL this poller fetches (which process polled)."""
    fetched: list[str] = []
    fetch = poller.fetcher.fetch

    async def counting(url: str, **kwargs: Any) -> Any:
        fetched.append(url)
        return await fetch(url, **kwargs)

    poller.fetcher.fetch = counting
    return fetched


async def lease_row(bot: Haikei, name: str) -> dict[str, Any]:
    rows = await bot.db.run(lambda db: list(db.query("SELECT * FROM leases WHERE name = ?", [name])))
    assert len(rows) == 1
    return rows[0]


def item(n: int) -> dict[str, str]:
    return {
        "title": STORIES[n],
        "link": f"https://news.example/s/{n}",
        "guid": f"story-{n}",
        "date": "Mon, 06 Jan 2025 10:00:00 GMT",
        "description": "Reported today",
    }


def alert_titles(emulator: Emulator, guild: Guild) -> list[str]:
    channel = emulator.world.channel("alerts", guild)
    return [e.get("title", "") for m in emulator.messages(channel) for e in m.get("embeds", [])]


async def wait_posted(shards: Shards, n: int) -> None:
    """Story ``n`` is in both servers' alert channels."""
    emulator = shards.emulator
    await emulator.wait_until(
        lambda: all(STORIES[n] in alert_titles(emulator, g) for g in (shards.on_0, shards.on_1)),
        timeout=15,
        what=f"story {n} in both servers",
    )


async def test_only_the_lease_holder_polls_and_the_other_takes_over(
    pair: tuple[Haikei, Haikei], shards: Shards, feed_server: FeedServer
) -> None:
    a, b = pair
    emulator = shards.emulator
    poller_a, poller_b = a.get_cog("Alerts").poller, b.get_cog("Alerts").poller  # type: ignore[union-attr]
    assert a.lease_owner != b.lease_owner
    assert poller_a.lease.ttl == poller_b.lease.ttl == pytest.approx(POLLER_TTL)
    feed_server.documents["/feed"] = rss([item(0)], title="Outlet")
    feed_id = await a.db.run(store.ensure_feed, feed_server.url("/feed"), "Outlet")
    await a.db.run(execute("UPDATE alerts_feeds SET fetched_ok = 1"))  # its first fetch posts (no baseline)
    fetched_a, fetched_b = count_fetches(poller_a), count_fetches(poller_b)
    for guild in (shards.on_0, shards.on_1):  # a server on each shard, both subscribed
        alerts = emulator.world.channel("alerts", guild)
        await a.db.run(store.update_guild, guild.id, channel_id=alerts.id)
        await a.db.run(store.subscribe, guild.id, feed_id, "Outlet")
    for poller in (poller_a, poller_b):
        poller.interval = 0  # every feed is due at every tick: two pollers would both fetch it each time

    await wait_posted(shards, 0)
    feed_server.documents["/feed"] = rss([item(1), item(0)], title="Outlet")
    await wait_posted(shards, 1)
    # Only A polled (B tried for the lease at each of its ticks meanwhile, and ran no cycle).
    assert len(fetched_a) >= 2 and fetched_b == [] and poller_b.cycles == 0
    assert feed_server.hits["/feed"] == len(fetched_a)
    assert await a.db.run(leases.holder, "alerts.poller") == a.lease_owner

    await crash(poller_a._task)
    fetched_by_a = len(fetched_a)
    expired_at = (await lease_row(a, "alerts.poller"))["expires_at"]
    feed_server.documents["/feed"] = rss([item(2), item(1), item(0)], title="Outlet")
    await wait_posted(shards, 2)  # B took over
    taken = await lease_row(b, "alerts.poller")
    assert taken["owner"] == b.lease_owner and taken["acquired_at"] >= expired_at  # only after A's expired
    assert fetched_b and len(fetched_a) == fetched_by_a

    for guild in (shards.on_0, shards.on_1):  # nothing twice
        assert sorted(alert_titles(emulator, guild)) == sorted(STORIES)
    assert_clean(emulator)


def results(emulator: Emulator, guild: Guild) -> list[dict[str, Any]]:
    """Poll result messages (they carry the chart) in the server's #general."""
    return [m for m in emulator.messages(emulator.world.channel("general", guild)) if m.get("attachments")]


async def poll_due_soon(shards: Shards, bot: Haikei, guild: Guild) -> int:
    """A poll in ``guild`` (created through the process serving its shard), due in 0.3 s."""
    general = shards.emulator.world.channel("general", guild)
    poll_id, _ = await create(shards.emulator, channel=general, user=shards.owner(guild))  # type: ignore[arg-type]
    await bot.db.run(execute("UPDATE polls SET closes_at = ? WHERE id = ?", time.time() + 0.3, poll_id))
    return poll_id


async def test_only_the_lease_holder_closes_polls_and_the_other_takes_over(
    pair: tuple[Haikei, Haikei], shards: Shards
) -> None:
    a, b = pair
    emulator = shards.emulator
    deadlines_a, deadlines_b = a.get_cog("Polls").scheduler, b.get_cog("Polls").scheduler  # type: ignore[union-attr]
    assert deadlines_a.lease.ttl == deadlines_b.lease.ttl == DEADLINE_TTL
    assert await a.db.run(leases.holder, "polls.deadlines") == a.lease_owner

    # A poll of B's server, due soon: A (the holder) closes it, once, having read the deadline B wrote.
    await poll_due_soon(shards, b, shards.on_1)
    await emulator.wait_until(lambda: results(emulator, shards.on_1), timeout=10, what="the first result")
    assert (deadlines_a.closed_count, deadlines_b.closed_count) == (1, 0)

    await crash(deadlines_a._task)
    expired_at = (await lease_row(a, "polls.deadlines"))["expires_at"]
    await poll_due_soon(shards, a, shards.on_0)  # A's own server: A is up, but its scheduler is dead
    await emulator.wait_until(lambda: results(emulator, shards.on_0), timeout=10, what="the second result")
    assert (deadlines_a.closed_count, deadlines_b.closed_count) == (1, 1)
    taken = await lease_row(b, "polls.deadlines")
    assert taken["owner"] == b.lease_owner and taken["acquired_at"] >= expired_at

    for guild in (shards.on_0, shards.on_1):  # one result per poll, nothing twice
        [result] = results(emulator, guild)
        assert "No votes were cast" in result["embeds"][0]["description"]
    assert_clean(emulator)


async def test_processes_starting_together_set_the_database_up_in_turn(
    settings: Settings, shards: Shards
) -> None:
    """Two shard ranges started at the same moment on a fresh database: both come up with every feature (the
    migrations and seeds ran once, not twice at once), and the commands were registered once."""
    emulator = shards.emulator
    ranges = [settings.with_overrides(shard_count=2, shard_ids=(n,)) for n in (0, 1)]
    async with contextlib.AsyncExitStack() as stack:
        bots = await asyncio.gather(*(stack.enter_async_context(running_haikei(s, emulator)) for s in ranges))
        assert [bot.failed_extensions for bot in bots] == [{}, {}]
        assert sorted(bot.synced_on_start for bot in bots) == [False, True]
        assert emulator.command_puts == 1
        assert sorted(g.id for bot in bots for g in bot.guilds) == sorted((shards.on_0.id, shards.on_1.id))
