"""/alerts over time, end to end: the daily digest, disabling a failing feed, and pruning during uptime.

Time is driven through the poller's injected clock (``poller.clock``) and ``run_once``/``run_digests``; nothing
sleeps. The background loop ticks every 60 s with the default 600 s interval, so within a test only its first
iteration (at load) runs; every assertion below holds whichever of the loop or the test ran a given cycle.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from bot.client import Haikei
from bot.settings import Settings
from cogs.alerts import store
from cogs.alerts.poller import BACKOFF_CAP_SECONDS, DISABLE_AFTER, PRUNE_EVERY_SECONDS, CycleReport
from emulator.emulator import Emulator
from tests.cogs.alerts.feedserver import FeedServer, rss
from tests.e2e.helpers import answer_text, assert_clean, running_haikei
from tests.e2e.test_alerts import assert_no_pings, item

pytestmark = pytest.mark.e2e

DAY = 24 * 3600


def this_morning() -> float:
    """08:00 UTC on the real day. The injected clock moves within and after it; a restarted bot's first
    background cycle (at load, before a test can inject its clock) reads the wall clock, and on the same real
    day the digest it may run sees today's digest as done, as it would in production."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return (today + timedelta(hours=8)).timestamp()


STORY_1 = "Toei Animation admits generative AI backgrounds in new anime"
STORY_2 = "Studio MAPPA denies using generative AI for anime key art"
STORY_3 = "Publisher pulls manga cover made with generative AI art"


class FlakyFeedServer(FeedServer):
    """The local feed server, where ``status[path]`` makes a served document answer that HTTP status."""

    def __init__(self) -> None:
        super().__init__()
        self.status: dict[str, int] = {}

    async def _document(self, request: web.Request) -> web.StreamResponse:
        code = self.status.get(request.path)
        if code is None:
            return await super()._document(request)
        self._count(request)
        return web.Response(status=code, text="server error")


@pytest.fixture
async def flaky_server() -> AsyncIterator[FlakyFeedServer]:
    server = FlakyFeedServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def set_clock(bot: Haikei, at: float) -> None:
    """Point the poller's clock at a fixed instant (the poller reads it for due times, digests and pruning)."""
    bot.get_cog("Alerts").poller.clock = lambda: at


async def cycle(bot: Haikei, at: float) -> CycleReport:
    set_clock(bot, at)
    return await bot.get_cog("Alerts").poller.run_once()


async def digests(bot: Haikei, at: float) -> int:
    set_clock(bot, at)
    return await bot.get_cog("Alerts").poller.run_digests()


async def run(emulator: Emulator, path: str, options: dict[str, Any] | None = None, user: str = "mod"):
    return await (await emulator.driver.command(path, options, user=user)).wait()


def alerts_messages(emulator: Emulator) -> list[dict[str, Any]]:
    return emulator.messages("alerts")


def guild_id(emulator: Emulator) -> int:
    return emulator.world.guild_of(emulator.world.channel("alerts")).id


# ---------------------------------------------------------------- daily digest


async def test_daily_digest_posts_once_a_day_listing_the_days_alerts_and_survives_a_restart(
    settings: Settings, emulator: Emulator, feed_server: FeedServer
) -> None:
    morning = this_morning()
    feed_server.documents["/a"] = rss([], title="Outlet A")
    feed_server.documents["/b"] = rss([], title="Outlet B")
    async with running_haikei(settings, emulator) as bot:
        set_clock(bot, morning)
        await run(emulator, "alerts channel", {"channel": "alerts"})
        assert "Outlet A" in await answer_text(
            await emulator.driver.command(
                "alerts add", {"url": feed_server.url("/a"), "name": "Outlet A"}, user="mod"
            )
        )
        assert "Outlet B" in await answer_text(
            await emulator.driver.command(
                "alerts add", {"url": feed_server.url("/b"), "name": "Outlet B"}, user="mod"
            )
        )
        r = await run(emulator, "alerts digest", {"mode": "daily", "time": "9:30"})
        assert r.ephemeral and "09:30" in r.content

        # 08:20 and 09:00: relevant stories arrive (plus one that is not relevant); none is posted on its own.
        feed_server.documents["/a"] = rss(
            [item(1, STORY_1), item(2, "New anime PV released")], title="Outlet A"
        )
        report = await cycle(bot, morning + 1200)
        assert report.posted == 1
        feed_server.documents["/b"] = rss([item(7, STORY_2, "b.example")], title="Outlet B")
        report = await cycle(bot, morning + 3600)
        assert report.posted == 1
        assert alerts_messages(emulator) == []

        # 09:29: not yet.
        assert await digests(bot, morning + 89 * 60) == 0
        assert alerts_messages(emulator) == []

        # 09:30 passes: exactly one digest listing both stories and not the irrelevant one.
        await digests(bot, morning + 90 * 60)
        digest = await emulator.wait_for_message("alerts")
        assert len(alerts_messages(emulator)) == 1
        (embed,) = digest["embeds"]
        assert "(2)" in embed["title"]
        assert STORY_1 in embed["description"] and STORY_2 in embed["description"]
        assert "New anime PV" not in embed["description"]
        assert_no_pings(emulator, digest)

        # Later the same day: the loop keeps running digests, nothing more is posted.
        assert await digests(bot, morning + 90 * 60 + 1) == 0
        assert await digests(bot, morning + 15 * 3600) == 0
        assert len(alerts_messages(emulator)) == 1

        # Another outlet reports a story already in the digest: it is clustered, and the digest message is
        # left as it is (the alert has no message of its own to edit).
        feed_server.documents["/b"] = rss(
            [item(7, STORY_2, "b.example"), item(8, STORY_1 + " - Outlet B", "b.example")], title="Outlet B"
        )
        report = await cycle(bot, morning + 4 * 3600)
        assert report.clustered == 1 and report.posted == 0
        assert len(alerts_messages(emulator)) == 1
        assert alerts_messages(emulator)[0]["embeds"] == [embed]

        # A story after today's digest waits for tomorrow's.
        feed_server.documents["/a"] = rss(
            [item(1, STORY_1), item(2, "New anime PV released"), item(3, STORY_3)], title="Outlet A"
        )
        report = await cycle(bot, morning + 6 * 3600)
        assert report.posted == 1
        assert await digests(bot, morning + 6 * 3600 + 60) == 0
        assert len(alerts_messages(emulator)) == 1
        first_id = digest["id"]

    # A restart on the same database, still the same day: no digest again.
    async with running_haikei(settings, emulator) as bot:
        assert await digests(bot, morning + 7 * 3600) == 0
        assert len(alerts_messages(emulator)) == 1

        # The next day at 09:30: one digest with only the story that came after yesterday's.
        await digests(bot, morning + DAY + 90 * 60)
        second = await emulator.wait_for_message("alerts", after=first_id)
        (embed,) = second["embeds"]
        assert "(1)" in embed["title"] and STORY_3 in embed["description"]
        assert STORY_1 not in embed["description"]
        assert_no_pings(emulator, second)
        assert await digests(bot, morning + DAY + 20 * 3600) == 0
        assert len(alerts_messages(emulator)) == 2
    assert_clean(emulator)


# ---------------------------------------------------------------- disabled after failures


async def feed_field(emulator: Emulator, name: str) -> str:
    r = await run(emulator, "alerts feeds")
    assert r.ephemeral
    (field,) = [f for f in r.embeds[0]["fields"] if name in f["name"]]
    return field["value"]


async def test_ten_failures_disable_a_feed_with_one_notice_until_enabled(
    haikei: Haikei, emulator: Emulator, flaky_server: FlakyFeedServer
) -> None:
    flaky_server.documents["/a"] = rss([item(1, "Old story")], title="Outlet A")
    now = time.time()
    set_clock(haikei, now)
    await run(emulator, "alerts channel", {"channel": "alerts"})
    text = await answer_text(
        await emulator.driver.command(
            "alerts add", {"url": flaky_server.url("/a"), "name": "Outlet A"}, user="mod"
        )
    )
    assert "Outlet A" in text
    (feed,) = await haikei.db.run(store.guild_feeds, guild_id(emulator))
    assert "ok" in await feed_field(emulator, "Outlet A")

    flaky_server.status["/a"] = 500
    step = BACKOFF_CAP_SECONDS * 1.2 + 60  # past the longest back-off, jitter included
    for n in range(1, DISABLE_AFTER + 1):
        now += step
        report = await cycle(haikei, now)
        assert report.failed == 1, f"cycle {n}: {report}"
        if n < DISABLE_AFTER:
            assert alerts_messages(emulator) == [], f"a notice after only {n} failures"
            if n == 1:
                assert "backing off after 1 failure" in await feed_field(emulator, "Outlet A")
    notice = await emulator.wait_for_message("alerts")
    assert len(alerts_messages(emulator)) == 1
    assert "Outlet A" in notice["content"] and f"failed {DISABLE_AFTER} times" in notice["content"]
    assert "Last error: the server had an internal error (HTTP 500)" in notice["content"]
    assert "Internal Server Error" not in notice["content"]  # the sentence, never the raw reason text
    assert f"/alerts enable feed:{feed['id']}" in notice["content"]
    assert_no_pings(emulator, notice)
    status = await feed_field(emulator, "Outlet A")
    assert "disabled after 10 failures" in status and "/alerts enable" in status
    assert "the server had an internal error (HTTP 500)" in status and "Internal Server Error" not in status

    # Disabled: not fetched any more, and no second notice however many cycles pass.
    hits = flaky_server.hits["/a"]
    for _ in range(3):
        now += step
        report = await cycle(haikei, now)
        assert report.due == 0
    assert flaky_server.hits["/a"] == hits
    assert len(alerts_messages(emulator)) == 1

    # Re-enabled while still failing: backing off again, not disabled, no notice.
    choices = await emulator.driver.autocomplete("alerts enable", {"feed": "outlet"}, "feed", user="mod")
    assert [c["value"] for c in choices] == [str(feed["id"])]
    r = await run(emulator, "alerts enable", {"feed": choices[0]["value"]})
    assert r.ephemeral and "enabled again" in r.content
    report = await cycle(haikei, now + 1)
    assert report.failed == 1
    assert "backing off after 1 failure" in await feed_field(emulator, "Outlet A")

    # The feed recovers: the next fetch after its back-off succeeds and the status is ok.
    del flaky_server.status["/a"]
    now += step
    report = await cycle(haikei, now)
    assert report.failed == 0 and report.fetched + report.not_modified == 1  # a 200 or a 304 both count
    status = await feed_field(emulator, "Outlet A")
    assert status.startswith("🟢 ok")
    assert len(alerts_messages(emulator)) == 1
    assert_clean(emulator)


# ---------------------------------------------------------------- pruning during uptime


def _add_seen(db: Any, feed_id: int, key: str, last_seen: datetime) -> None:
    stamp = last_seen.isoformat(timespec="seconds")
    with db.conn:
        db.execute(
            "INSERT INTO alerts_seen (feed_id, item_key, url, title, first_seen, last_seen, baseline)"
            " VALUES (?, ?, ?, ?, ?, ?, 0)",
            [feed_id, key, f"https://old.example/{key}", "old", stamp, stamp],
        )


def _seen_keys(db: Any, feed_id: int) -> set[str]:
    return {r[0] for r in db.execute("SELECT item_key FROM alerts_seen WHERE feed_id = ?", [feed_id])}


async def test_old_seen_items_are_pruned_once_a_day_without_a_restart(
    haikei: Haikei, emulator: Emulator, feed_server: FeedServer
) -> None:
    feed_server.documents["/a"] = rss([item(1, "Current story")], title="Outlet A")
    await run(emulator, "alerts channel", {"channel": "alerts"})
    await answer_text(await emulator.driver.command("alerts add", {"url": feed_server.url("/a")}, user="mod"))
    (feed,) = await haikei.db.run(store.guild_feeds, guild_id(emulator))
    current = await haikei.db.run(_seen_keys, feed["id"])
    assert len(current) == 1

    start = time.time()
    poller = haikei.get_cog("Alerts").poller
    set_clock(haikei, start)

    def days_ago(days: float) -> datetime:
        return datetime.now(UTC) - timedelta(days=days)  # the store stamps last_seen with wall time

    await haikei.db.run(_add_seen, feed["id"], "old-1", days_ago(61))

    async def seen() -> set[str]:
        return await haikei.db.run(_seen_keys, feed["id"])

    # Within the first day after load: no pruning (the cog pruned when it loaded).
    assert (await cycle(haikei, start + 3600)).pruned == 0
    assert "old-1" in await seen()

    # Past a day of uptime: the next cycle prunes the item nobody has shown for 60 days, keeps the rest.
    report = await cycle(haikei, start + PRUNE_EVERY_SECONDS + 60)
    assert report.pruned == 1
    assert await seen() == current

    # At most once a day: an old item added now survives until a day after that prune.
    await haikei.db.run(_add_seen, feed["id"], "old-2", days_ago(61))
    assert (await cycle(haikei, start + PRUNE_EVERY_SECONDS * 1.5)).pruned == 0
    assert "old-2" in await seen()
    assert (await cycle(haikei, start + PRUNE_EVERY_SECONDS * 2 + 120)).pruned == 1
    assert await seen() == current
    assert poller is haikei.get_cog("Alerts").poller  # the same poller throughout: no restart
