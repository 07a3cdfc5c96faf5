"""A story relevant to many servers against an emulator enforcing a (small) global limit: every channel gets it,
no global 429, commands answered meanwhile, and "Also reported by" edits wait for new posts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.client import Haikei
from bot.db import AsyncDatabase, open_database
from bot.pacing import Lane, RestPacer
from bot.settings import Settings
from cogs.alerts import store, store_items
from emulator.bootstrap import running
from emulator.emulator import Emulator, SandboxEvent
from emulator.state import World
from tests.cogs.alerts.feedserver import FeedServer, rss

pytestmark = pytest.mark.e2e

SERVERS = 20
GLOBAL_LIMIT = 20  # requests per second per token in this emulator (Discord: 50)
STORY = "Toei Animation admits generative AI backgrounds in new anime"
NEXT_STORY = "Netflix anime The Dog & The Boy credits AI-generated backgrounds"


def item(n: int, title: str, host: str) -> dict[str, str]:
    return {"title": title, "link": f"https://{host}/s/{n}", "guid": f"{host}-{n}", "description": "today"}


@pytest.fixture
async def world() -> AsyncIterator[tuple[Emulator, list[tuple[int, int]]]]:
    """SERVERS servers with an #alerts channel each; Discord's limits at a scale a test can wait for."""
    w = World()
    servers = [w.add_guild(f"Server {i}", w.owner) for i in range(SERVERS)]
    pairs = [(g.id, next(c for c in g.channel_ids if w.channels[c].name == "alerts")) for g in servers]
    emu = Emulator(world=w, global_rate_limit=GLOBAL_LIMIT, identify_interval=0.1)
    emu.ratelimits.add_discord_buckets()  # 5 messages per 5 s in each channel
    await emu.start()
    try:
        yield emu, pairs
    finally:
        await emu.stop()


def subscribe_all(db: Any, pairs: list[tuple[int, int]], feeds: list[tuple[str, str]]) -> None:
    ids = [(store.ensure_feed(db, url), name) for url, name in feeds]
    for guild_id, channel_id in pairs:
        store.update_guild(db, guild_id, channel_id=channel_id)
        for feed_id, name in ids:
            store.subscribe(db, guild_id, feed_id, name)


def title(message: dict[str, Any]) -> str:
    return str((message.get("embeds") or [{}])[0].get("title") or "")


async def test_a_story_reaches_every_server_without_a_global_429(
    world: tuple[Emulator, list[tuple[int, int]]], tmp_path: Path, feed_server: FeedServer
) -> None:
    emu, pairs = world
    channels = {c for _, c in pairs}
    settings = Settings(
        discord_token=emu.token,
        discord_api_base=emu.api_base,
        database_path=tmp_path / "haikei.db",
        poll_secret="test-secret-" + "x" * 32,
        feed_allow_hosts=frozenset({"127.0.0.1"}),
        feed_poll_seconds=3600,
    )
    feed_server.documents["/a"] = rss([], title="Outlet A")
    feed_server.documents["/b"] = rss([], title="Outlet B")
    events: list[SandboxEvent] = []
    emu.subscribe(events.append)
    # The bot's pace for this emulator: at most 1 + 16 requests in any second of its 20.
    pacer = RestPacer(rate=GLOBAL_LIMIT * 0.8, burst=1)
    bot = Haikei(settings, AsyncDatabase(open_database(settings.database_path)), pacer=pacer)
    async with running(bot, emu):
        assert bot.get_cog("Alerts").publisher.pacer is pacer  # installing again keeps the first pacer
        await bot.db.run(
            subscribe_all, pairs, [(feed_server.url("/a"), "Outlet A"), (feed_server.url("/b"), "Outlet B")]
        )
        offset = {"s": 0.0}
        poller = bot.get_cog("Alerts").poller
        poller.clock = lambda: time.time() + offset["s"]

        async def cycle() -> Any:
            offset["s"] += 100_000
            return await poller.run_once()

        await cycle()  # the first fetch is silent
        invalid = emu.invalid_request_count

        def alerted(story: str) -> set[int]:
            return {
                int(m["channel_id"])
                for e in events
                if e.kind == "message_create"
                for m in [e.data]
                if int(m["channel_id"]) in channels and title(m) == story
            }

        feed_server.documents["/a"] = rss([item(1, STORY, "a.example")], title="Outlet A")
        fan_out = asyncio.create_task(cycle())
        await emu.wait_until(lambda: alerted(STORY), 10, "the first alert")
        command = await emu.driver.command("help")
        await command.wait()
        reached_when_answered = len(alerted(STORY))
        report = await fan_out
        assert report.posted == SERVERS and alerted(STORY) == channels
        assert command.acknowledged and reached_when_answered < SERVERS  # answered during the fan-out
        assert emu.global_rate_limited_count == 0
        assert emu.ratelimits.route_hits == 0
        assert emu.invalid_request_count == invalid
        assert emu.deadline_misses == [] and emu.limit_violations == []
        assert pacer.granted[Lane.BULK] >= SERVERS

        # Outlet B reports the same story (one coalesced edit per server), then a new story arrives.
        feed_server.documents["/b"] = rss([item(9, STORY + " - Outlet B", "b.example")], title="Outlet B")
        report = await cycle()
        assert report.clustered == SERVERS
        feed_server.documents["/a"] = rss(
            [item(2, NEXT_STORY, "a.example"), item(1, STORY, "a.example")], title="Outlet A"
        )
        report = await cycle()
        assert report.posted == SERVERS

        def edited() -> set[int]:
            return {
                int(m["channel_id"])
                for e in events
                if e.kind == "message_update"
                for m in [e.data]
                if int(m["channel_id"]) in channels and "Outlet B" in str(m["embeds"][0].get("fields"))
            }

        await emu.wait_until(lambda: edited() == channels, 15, "every alert edited with 'Also reported by'")
        kinds = [e.kind for e in events if int(e.data.get("channel_id") or 0) in channels]
        last_post = max(
            i for i, e in enumerate(events) if e.kind == "message_create" and title(e.data) == NEXT_STORY
        )
        last_edit = max(i for i, e in enumerate(events) if e.kind == "message_update")
        assert last_post < last_edit  # the new story's posts went ahead of the queued edits
        assert kinds.count("message_update") == SERVERS  # one edit per server
        queue = bot.get_cog("Alerts").publisher.edits
        await asyncio.wait_for(queue.join(), 10)  # each edit is recorded as done once its message shows it
        assert (queue.edited, queue.failed) == (SERVERS, 0)
        assert await bot.db.run(store_items.take_pending_edits) == []  # nothing left to redo after a restart
        assert pacer.granted[Lane.BACKGROUND] >= SERVERS
        assert emu.global_rate_limited_count == 0
        assert emu.invalid_request_count == invalid
        assert emu.deadline_misses == []
    for guild_id, channel_id in pairs:
        assert [title(m) for m in emu.messages(channel_id)] == [STORY, NEXT_STORY], guild_id
